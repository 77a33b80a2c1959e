// Schema validation of synthesized objects against the generated kubernetes-models validators (the Kubernetes API
// and the operators' current CRDs), as the kit's own schema check loads them.
import { K8sObject } from './objects';
import { schemaLookup } from '../../lib/validation/schema-models';

/** Validates one object against its kind's model; returns the error text, or undefined when valid. */
export function schemaError(object: K8sObject): string | undefined {
  const lookup = schemaLookup(object.apiVersion, object.kind);
  if (!lookup) return `no model for ${object.apiVersion} ${object.kind}`;
  if (!('model' in lookup)) return `${object.apiVersion} ${object.kind}: ${lookup.unserved}`;
  try {
    lookup.model.prototype.validate.call(object);
    return undefined;
  } catch (e) {
    return `${object.kind}/${object.metadata?.name}: ${(e as Error).message}`;
  }
}

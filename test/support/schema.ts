// Schema validation of synthesized objects with kubernetes-models (the maintained models of the Kubernetes API).
/* eslint-disable @typescript-eslint/no-require-imports */
import { K8sObject } from './objects';

/** Packages holding the models of the custom resources the kit emits. */
const CRD_PACKAGES: Record<string, string> = {
  'monitoring.coreos.com': '@kubernetes-models/prometheus-operator',
  'argoproj.io': '@kubernetes-models/argo-rollouts',
};

/** Validates one object against its kind's model; returns the error text, or undefined when valid. */
export function schemaError(object: K8sObject): string | undefined {
  const [group, version] = object.apiVersion.includes('/') ? object.apiVersion.split('/') : ['', object.apiVersion];
  const path = group === '' ? `kubernetes-models/v1/${object.kind}` : `${CRD_PACKAGES[group] ?? 'kubernetes-models'}/${group}/${version}/${object.kind}`;
  let Model: new (o: K8sObject) => { validate(): void };
  try {
    Model = require(path)[object.kind];
  } catch {
    return `no model for ${object.apiVersion} ${object.kind}`;
  }
  try {
    new Model(object).validate();
    return undefined;
  } catch (e) {
    return `${object.kind}/${object.metadata?.name}: ${(e as Error).message}`;
  }
}

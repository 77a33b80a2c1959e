// Finds the kubernetes-models class of an apiVersion/kind: the core API from `kubernetes-models`, the custom
// resources the kit emits from the matching `@kubernetes-models/*` package; none means "unchecked".
import { precompiledSchemaModel } from './compiled-schema-cache';

/** A kubernetes-models class: its prototype's `validate()` checks `this` against the published schema. */
export interface SchemaModel {
  readonly prototype: { validate(this: unknown): void };
}

/** Which packages hold the models of an API group, first match wins. */
const MODEL_PACKAGES: readonly { readonly group: (group: string) => boolean; readonly packages: readonly string[] }[] = [
  { group: (g) => g === '' || !g.includes('.') || g.endsWith('.k8s.io'), packages: ['kubernetes-models'] },
  { group: (g) => g === 'monitoring.coreos.com', packages: ['@kubernetes-models/prometheus-operator'] },
  { group: (g) => g === 'argoproj.io', packages: ['@kubernetes-models/argo-rollouts', '@kubernetes-models/argo-cd'] },
  { group: (g) => g.endsWith('external-secrets.io'), packages: ['@kubernetes-models/external-secrets'] },
  { group: (g) => g.endsWith('.toolkit.fluxcd.io'), packages: ['@kubernetes-models/flux-cd'] },
];

/**
 * Versions whose installed models lag: checked with the predecessor's schema, which has the same fields, except that
 * its apiVersion is not accepted. (External Secrets Operator 0.17+ serves only v1; the models for kubernetes-models
 * 4 publish v1beta1.)
 */
const VERSION_ALIASES: Readonly<Record<string, string>> = {
  'external-secrets.io/v1': 'external-secrets.io/v1beta1',
};

const GROUP = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const VERSION = /^v[0-9]+[a-z0-9]*$/;
const KIND = /^[A-Z][A-Za-z0-9]*$/;

const cache = new Map<string, SchemaModel | undefined>();

/** The model of an apiVersion/kind, or undefined when no installed package publishes one. */
export function schemaModel(apiVersion: unknown, kind: unknown): SchemaModel | undefined {
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return undefined;
  const cacheKey = `${apiVersion}/${kind}`;
  if (cache.has(cacheKey)) return cache.get(cacheKey);
  const alias = VERSION_ALIASES[apiVersion];
  const model = alias ? aliasModel(schemaModel(alias, kind)) : loadModel(apiVersion, kind);
  cache.set(cacheKey, model);
  return model;
}

function loadModel(apiVersion: string, kind: string): SchemaModel | undefined {
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  // The names become a module path: accept only what Kubernetes allows, so nothing else can be loaded.
  if ((group && !GROUP.test(group)) || !VERSION.test(version) || !KIND.test(kind)) return undefined;
  const entry = MODEL_PACKAGES.find((p) => p.group(group));
  for (const pkg of entry?.packages ?? []) {
    const model = requireModel(`${pkg}/${group ? `${group}/` : ''}${version}/${kind}`, kind);
    if (model) return model;
  }
  return undefined;
}

/** The predecessor's model, with its complaint about the apiVersion dropped. */
function aliasModel(model: SchemaModel | undefined): SchemaModel | undefined {
  if (!model) return undefined;
  const validate = model.prototype.validate;
  return {
    prototype: {
      validate(this: unknown): void {
        try {
          validate.call(this);
        } catch (error) {
          const errors = (error as { errors?: { instancePath?: string }[] }).errors;
          if (!Array.isArray(errors)) throw error;
          const rest = errors.filter((e) => e.instancePath !== '/apiVersion');
          if (rest.length) throw Object.assign(new Error((error as Error).message), { errors: rest });
        }
      },
    },
  };
}

function requireModel(moduleId: string, kind: string): SchemaModel | undefined {
  let loaded: Record<string, unknown>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require(moduleId);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'MODULE_NOT_FOUND' || code === 'ERR_PACKAGE_PATH_NOT_EXPORTED' || /Cannot find module/.test(String(error))) {
      return undefined;
    }
    throw error;
  }
  const model = loaded[kind] as SchemaModel | undefined;
  if (typeof model !== 'function' || typeof (model as SchemaModel).prototype?.validate !== 'function') return undefined;
  // A package that compiles its schemas at run time (argo-rollouts) gets a validator compiled once per machine.
  return precompiledSchemaModel(model, require.resolve(moduleId)) ?? model;
}

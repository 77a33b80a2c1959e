// Pins how run-time-compiling kubernetes-models packages register their schemas: if an upgrade changes it, these fail.
import { captureSchemas, resolveFrom } from '../../lib/validation/schema-capture';

const ARGO = '@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1';
const ARGO_KINDS = ['Rollout', 'AnalysisTemplate', 'ClusterAnalysisTemplate', 'AnalysisRun', 'Experiment'];
const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

const modelOf = (moduleId: string, kind: string) => ({ model: require(moduleId)[kind], file: require.resolve(moduleId) });

/** Every `$ref` target in a schema. */
function refTargets(schema: unknown, into: Set<string> = new Set()): Set<string> {
  if (typeof schema === 'object' && schema !== null) {
    for (const [key, value] of Object.entries(schema)) {
      if (key === '$ref' && typeof value === 'string') into.add(value.split('#')[0]);
      else refTargets(value, into);
    }
  }
  return into;
}

describe('captureSchemas()', () => {
  test.each(ARGO_KINDS)('argo-rollouts %s: registers its schema and ObjectMeta\'s through validate 3, every $ref resolved', (kind) => {
    const { model, file } = modelOf(`${ARGO}/${kind}`, kind);
    const captured = captureSchemas(model, file);
    expect(captured).toBeDefined();
    expect(captured!.rootId).toBe(`argoproj.io.v1alpha1.${kind}`);
    expect(captured!.modelPackage).toMatchObject({ name: '@kubernetes-models/argo-rollouts', version: '0.3.2' });
    expect(captured!.validatePackage.name).toBe('@kubernetes-models/validate');
    expect(captured!.validatePackage.version).toMatch(/^3\./);
    const ids = captured!.schemas.map((s) => s.id);
    expect(ids).toEqual(expect.arrayContaining([`argoproj.io.v1alpha1.${kind}`, OBJECT_META]));
    expect(new Set(ids).size).toBe(ids.length);
    const targets = new Set(captured!.schemas.flatMap((s) => [...refTargets(s.schema)]));
    expect([...targets].filter((t) => t && !ids.includes(t))).toEqual([]);
    const root = captured!.schemas.find((s) => s.id === captured!.rootId)!.schema as { properties: Record<string, unknown> };
    expect(Object.keys(root.properties)).toEqual(expect.arrayContaining(['apiVersion', 'kind', 'metadata', 'spec']));
  });

  test('leaves validate 3\'s exports as they were, and the package\'s own validate() working', () => {
    const { model, file } = modelOf(`${ARGO}/Rollout`, 'Rollout');
    const validate3 = require(resolveFrom(file, '@kubernetes-models/validate')!);
    const before = { register: validate3.register, validate: validate3.validate };
    captureSchemas(model, file);
    expect({ register: validate3.register, validate: validate3.validate }).toEqual(before);
    expect(() => new model({ spec: { replicas: 'two' } }).validate()).toThrow(/data\/spec\/replicas must be integer/);
  });

  test.each([
    ['kubernetes-models/apps/v1/Deployment', 'Deployment'],
    ['@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor', 'ServiceMonitor'],
    ['@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application', 'Application'],
  ])('%s ships compiled validators: nothing to capture', (moduleId, kind) => {
    const { model, file } = modelOf(moduleId, kind);
    expect(captureSchemas(model, file)).toBeUndefined();
  });

  test('a model that never reaches validate(), or refers to a schema it did not register, is not captured', () => {
    const file = require.resolve(`${ARGO}/Rollout`);
    const validate3 = require(resolveFrom(file, '@kubernetes-models/validate')!);
    const registersOnly = { prototype: { validate: () => validate3.register('test.only', { type: 'object' }) } };
    expect(captureSchemas(registersOnly, file)).toBeUndefined();
    const danglingRef = {
      prototype: {
        validate(this: unknown) {
          validate3.register('test.dangling', { properties: { metadata: { $ref: 'not.registered#' } } });
          validate3.validate('test.dangling', this);
        },
      },
    };
    expect(captureSchemas(danglingRef, file)).toBeUndefined();
    const throws = { prototype: { validate: () => { throw new Error('boom'); } } };
    expect(captureSchemas(throws, file)).toBeUndefined();
  });
});

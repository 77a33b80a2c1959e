// The schema check: kubernetes-models validation with unknown fields found from what the validator reads.
import { validateObjects } from '../../lib/validation';

const deployment = (container: Record<string, unknown>) => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: 'shop' },
  spec: { selector: { matchLabels: { app: 'api' } }, template: { metadata: { labels: { app: 'api' } }, spec: { containers: [container] } } },
});
const schemaFindings = (object: Record<string, unknown>) => validateObjects([{ object, constructPath: 'shop/api/Deployment' }]).errors
  .filter((f) => f.ruleId.startsWith('schema'))
  .map((f) => `${f.ruleId} ${f.fieldPath}: found ${f.found}; expected ${f.expected}`);

describe('schema check', () => {
  test('the same unknown field is found on first sight (traced) and from the remembered shape (plain validation)', () => {
    const broken = deployment({ name: 'app', image: 'r.example.com/api:1.0.0', securityContext: { runAsNonRot: true } });
    const first = schemaFindings(broken);
    const second = schemaFindings(JSON.parse(JSON.stringify(broken)));
    expect(first).toEqual([
      'schema/unknown-field spec.template.spec.containers[0].securityContext.runAsNonRot: found unknown field "runAsNonRot"; expected only fields the apps/v1 Deployment schema defines (did you mean "runAsNonRoot"?)',
    ]);
    expect(second).toEqual(first);
  });

  test('maps (labels, annotations, resources) take any key; a field nested in a place never seen before is still judged', () => {
    const valid = deployment({ name: 'app', image: 'r.example.com/api:1.0.0', resources: { limits: { 'example.com/gpu': 1 } } });
    expect(schemaFindings(valid)).toEqual([]);
    const nested = deployment({ name: 'app', image: 'r.example.com/api:1.0.0', lifecycle: { preStop: { exec: { comand: ['sleep', '5'] } } } });
    expect(schemaFindings(nested)).toEqual([
      'schema/unknown-field spec.template.spec.containers[0].lifecycle.preStop.exec.comand: found unknown field "comand"; expected only fields the apps/v1 Deployment schema defines (did you mean "command"?)',
    ]);
  });

  test('type, enum and required errors say what the field holds and what would pass', () => {
    const broken = deployment({ name: 'app', image: 42, ports: [{ containerPort: 'http' }] });
    expect(schemaFindings(broken)).toEqual([
      'schema spec.template.spec.containers[0].image: found 42; expected a string',
      'schema spec.template.spec.containers[0].ports[0].containerPort: found "http"; expected an integer',
    ]);
  });
});

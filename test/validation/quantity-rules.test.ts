// Resource quantities: syntax (the schema check), sign and requests against limits (this rule).
import { ApiObject, JsonPatch } from 'cdk8s';
import { ResilientMicroservice } from '../../lib';
import { QuantityRules, SchemaRules } from '../../lib/validation';
import { quantityValue } from '../../lib/validation/quantity-rules';
import { findingsOf } from '../support/findings';

const IMAGE = 'registry.example.com/shop/api:1.4.0';
const RESOURCES = '/spec/template/spec/containers/0/resources';

test.each([
  ['500m', 0.5], ['2', 2], ['1Gi', 2 ** 30], ['1.5k', 1500], ['1e3', 1000], ['.5', 0.5], [3, 3], ['1Gb', undefined], ['lots', undefined],
])('quantityValue(%p) is %p', (input, value) => {
  expect(quantityValue(input)).toBe(value);
});

test('a request above its limit is refused, naming both', () => {
  const found = findingsOf(QuantityRules.QUANTITY, (p) => {
    new ResilientMicroservice(p, 'api', { image: IMAGE }).deployment.addJsonPatch(JsonPatch.replace(`${RESOURCES}/requests/memory`, { value: '4Gi' }));
  });
  expect(found).toEqual([expect.stringMatching(/^\[shop\/api\/Deployment\] error api\/quantity Deployment\/shop\/api spec\.template\.spec\.containers\[0\]\.resources\.requests\.memory: found "4Gi", above the limit "\d+Mi"; expected a request at most the limit of memory/)]);
});

test.each([
  ['a ResourceQuota', { kind: 'ResourceQuota', spec: { hard: { 'requests.cpu': '-1' } } }, /ResourceQuota\/shop\/x spec\.hard\["requests\.cpu"\]: found "-1"; expected a quantity of at least 0/],
  ['a LimitRange', { kind: 'LimitRange', spec: { limits: [{ type: 'Container', max: { memory: '-1Gi' } }] } }, /LimitRange\/shop\/x spec\.limits\[0\]\.max\.memory: found "-1Gi"/],
  ['a PersistentVolumeClaim', { kind: 'PersistentVolumeClaim', spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: -5 } } } }, /PersistentVolumeClaim\/shop\/x spec\.resources\.requests\.storage: found -5/],
])('a negative quantity in %s is refused', (_title, object, message) => {
  const found = findingsOf(QuantityRules.QUANTITY, (p) => new ApiObject(p, 'X', { apiVersion: 'v1', metadata: { name: 'x' }, ...object }));
  expect(found).toEqual([expect.stringMatching(message)]);
});

test('a negative quantity seen before is refused again on every object', () => {
  const found = findingsOf(QuantityRules.QUANTITY, (p) => {
    for (const name of ['a', 'b']) new ApiObject(p, name, { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name }, spec: { hard: { cpu: '-250m', memory: '1Gi' } } });
  });
  expect(found).toEqual([expect.stringMatching(/ResourceQuota\/shop\/a spec\.hard\.cpu: found "-250m"/), expect.stringMatching(/ResourceQuota\/shop\/b spec\.hard\.cpu: found "-250m"/)]);
});

test('a quantity that is not one is the schema check\'s finding, reported once', () => {
  const arrange = (p: Parameters<Parameters<typeof findingsOf>[1]>[0]) => new ApiObject(p, 'X', {
    apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'x' }, spec: { hard: { pods: '10 pods' } },
  });
  expect(findingsOf(QuantityRules.QUANTITY, arrange)).toEqual([]);
  expect(findingsOf(SchemaRules.SCHEMA, arrange)).toEqual([expect.stringMatching(/spec\.hard\.pods: found "10 pods"; expected a number or a quantity/)]);
});

// Resource quantities: parsing, canonical rendering and the environment's scale.
import { Size, Testing } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { formatBytes, formatCpu, parseBytes, parseCpu, resolveResources } from '../../lib/pod/resources';

const scope = Testing.chart();

test.each([
  ['250m', 250], ['0.5', 500], ['2', 2000], [Cpu.millis(300), 300], [Cpu.units(1.5), 1500],
])('CPU %p is %p millicores', (value, millis) => {
  expect(parseCpu(scope, 'cpu', value)).toBe(millis);
});

test.each(['', 'lots', '-1', '0', '1.5.2', '100 m', '1e3'])('CPU %p is refused', (value) => {
  expect(() => parseCpu(scope, 'cpu', value)).toThrow(/cpu \(".*"\) must be a positive CPU quantity/);
});

test.each([
  ['256Mi', 256 * 1024 * 1024], ['1Gi', 1024 ** 3], ['500M', 500e6], ['1k', 1000], [Size.mebibytes(64), 64 * 1024 * 1024],
])('memory %p is %p bytes', (value, bytes) => {
  expect(parseBytes(scope, 'memory', value)).toBe(bytes);
});

test.each(['', '12 MB', '0', '1Zi', 'Mi'])('memory %p is refused', (value) => {
  expect(() => parseBytes(scope, 'memory', value)).toThrow(/memory \(".*"\) must be a positive size/);
});

test('rendering is canonical', () => {
  expect([formatCpu(2000), formatCpu(250), formatBytes(1024 ** 3), formatBytes(96 * 1024 * 1024), formatBytes(1000)])
    .toEqual(['2', '250m', '1Gi', '96Mi', '1000']);
});

test('the environment scale applies to CPU and memory, rounded up to whole millicores and MiB', () => {
  const r = resolveResources(scope, { requests: { cpu: '75m', memory: '100Mi' } }, { scale: 0.5, cpuLimits: true });
  expect(r.requests).toEqual({ cpuMillis: 38, memoryBytes: 50 * 1024 * 1024, ephemeralBytes: 64 * 1024 * 1024 });
  expect(r.limits.cpuMillis).toBe(76);
});

test('without CPU limits the limit is left out', () => {
  expect(resolveResources(scope, undefined, { scale: 1, cpuLimits: false }).limits.cpuMillis).toBeUndefined();
});

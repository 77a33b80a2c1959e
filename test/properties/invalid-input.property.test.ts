// Bad input: the kit refuses it with its own error naming the construct path and prop, or emits valid output.
import { Duration, Size, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { ApiGateway, DatabaseCredentials, DatabaseEngine, Environment, PatternError, Platform, Probe, Release, ResilientMicroservice, StatefulDatabase, SynthesisError } from '../../lib';
import { synthesizeCharts } from '../../lib/synthesis';
import { K8sObject } from '../support/objects';
import { nameProblems, serviceProblems } from '../support/platform-checks';
import { propertyParameters } from './generators';

/** Which construct of the base platform a mutation changes. */
type Target = 'platform' | 'environment' | 'orders' | 'batch' | 'edge' | 'pg' | 'pg-engine' | 'cache-engine' | 'pg-credentials';

/** One mutable prop: where it is, what values to try, and which of them are invalid beyond doubt. */
interface PropClass {
  readonly target: Target;
  /** Dotted path into the props; `[n]` steps into arrays. */
  readonly prop: string;
  /** How the value is given: as is, or wrapped into a Duration, Size or Probe first. */
  readonly wrap?: 'duration' | 'size' | 'http-probe';
  readonly values: fc.Arbitrary<unknown>;
  /** True when the value must be refused. */
  readonly invalid: (value: unknown) => boolean;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Values of every shape a JavaScript caller might pass by mistake. */
const anything: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(NaN, Infinity, -Infinity, -1, 0, -0, 0.5, 1.5, 1e21, Number.MAX_SAFE_INTEGER, 2 ** 31, 65536, 70000),
  fc.integer(), fc.double(),
  fc.constantFrom('', ' ', 'UPPER', 'a_b', '-a', 'a-', 'a..b', 'a\nb', '../etc', 'latest', 'x'.repeat(300), 'ünï', '0', '1.5', '-5', '5m', '5Mi', '*', '/', '/a b'),
  fc.string({ maxLength: 20 }),
  fc.constantFrom(true, false, null, {}, [], [1], { a: 1 }),
);
const int = (v: unknown, min: number, max: number) => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
const notInt = (min: number, max: number) => (v: unknown) => v !== undefined && v !== null && !int(v, min, max);
const notLabel = (max = 63) => (v: unknown) => v !== undefined && v !== null && (typeof v !== 'string' || v.length > max || !DNS_LABEL.test(v));
const notSubdomain = (v: unknown) => v !== undefined && v !== null && (typeof v !== 'string' || v.length > 253 || !DNS_SUBDOMAIN.test(v));
const notQuantity = (v: unknown) => v !== undefined && v !== null && (typeof v !== 'string' || !/^\d+(\.\d+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/.test(v) || /^0+(\.0+)?\D*$/.test(v));
const notPath = (v: unknown) => v !== undefined && v !== null && (typeof v !== 'string' || !v.startsWith('/'));
/** Kubernetes requires a mount path (no ':'); relative ones are resolved from the root. */
const notMountPath = (v: unknown) => v !== undefined && v !== null && (typeof v !== 'string' || v === '' || v.includes(':'));
const notSeconds = (v: unknown) => typeof v === 'number' && (!Number.isInteger(v) || v < 0);
const numbers = (min: number, max: number) => fc.oneof(anything, fc.integer({ min: min - 10, max: max + 10 }));
const port = numbers(1, 65535);
const names = fc.oneof(anything, fc.stringMatching(/^[-a-zA-Z0-9_.]{0,70}$/));

const CLASSES: readonly PropClass[] = [
  { target: 'platform', prop: 'namespace', values: names, invalid: notLabel() },
  { target: 'platform', prop: 'monitoringNamespace', values: names, invalid: notLabel() },
  { target: 'platform', prop: 'quota.pods', values: numbers(1, 1_000_000), invalid: notInt(1, 1_000_000) },
  { target: 'platform', prop: 'quota.requestsCpu', values: anything, invalid: notQuantity },
  { target: 'environment', prop: 'minReplicas', values: numbers(1, 5), invalid: notInt(1, 1e9) },
  { target: 'environment', prop: 'resourceScale', values: fc.oneof(anything, fc.double({ min: -1, max: 200 })), invalid: (v) => v !== undefined && v !== null && !(typeof v === 'number' && v > 0 && v <= 100) },
  { target: 'environment', prop: 'databaseReplicas', values: numbers(1, 5), invalid: notInt(1, 100) },
  { target: 'orders', prop: 'name', values: names, invalid: notLabel() },
  { target: 'orders', prop: 'image', values: fc.oneof(anything, fc.constantFrom('shop/orders', 'shop/orders:latest', 'shop/orders: 1', 'shop/orders@sha256:abc')), invalid: (v) => typeof v !== 'string' || !/:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(v) || v.endsWith(':latest') },
  { target: 'orders', prop: 'port', values: port, invalid: notInt(1, 65535) },
  { target: 'orders', prop: 'component', values: names, invalid: (v) => v !== undefined && v !== null && (typeof v !== 'string' || v.length > 63 || !/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(v)) },
  { target: 'orders', prop: 'autoscaling.minReplicas', values: numbers(1, 10), invalid: notInt(1, 10) },
  { target: 'orders', prop: 'autoscaling.maxReplicas', values: numbers(2, 10_000), invalid: notInt(2, 10_000) },
  { target: 'orders', prop: 'autoscaling.targetCpuUtilization', values: numbers(1, 100), invalid: notInt(1, 100) },
  { target: 'orders', prop: 'autoscaling.scaleDownStabilization', wrap: 'duration', values: numbers(0, 3600), invalid: notSeconds },
  { target: 'orders', prop: 'resources.requests.cpu', values: fc.oneof(anything, fc.stringMatching(/^\d{1,4}(\.\d{1,4})?m?$/)), invalid: notQuantity },
  { target: 'orders', prop: 'resources.requests.memory', values: fc.oneof(anything, fc.stringMatching(/^\d{1,5}(Mi|Gi|M|k)?$/)), invalid: notQuantity },
  { target: 'orders', prop: 'resources.limits.memory', values: fc.oneof(anything, fc.stringMatching(/^\d{1,5}(Mi|Gi)$/)), invalid: notQuantity },
  { target: 'orders', prop: 'metrics.port', values: port, invalid: (v) => notInt(1, 65535)(v) || v === 8080 },
  { target: 'orders', prop: 'metrics.path', values: names, invalid: notPath },
  { target: 'orders', prop: 'runAsUser', values: numbers(1, 2 ** 31 - 1), invalid: notInt(1, 2 ** 31 - 1) },
  { target: 'orders', prop: 'terminationGracePeriod', wrap: 'duration', values: numbers(0, 600), invalid: notSeconds },
  { target: 'orders', prop: 'preStopDelay', wrap: 'duration', values: numbers(0, 60), invalid: notSeconds },
  { target: 'orders', prop: 'probes.liveness', wrap: 'http-probe', values: names, invalid: notPath },
  { target: 'orders', prop: 'writablePaths[0]', values: names, invalid: notPath },
  { target: 'orders', prop: 'configMountPath', values: names, invalid: notMountPath },
  { target: 'orders', prop: 'priorityClassName', values: names, invalid: notSubdomain },
  { target: 'orders', prop: 'ingress.host', values: names, invalid: notSubdomain },
  { target: 'orders', prop: 'ingress.path', values: names, invalid: notPath },
  { target: 'orders', prop: 'secretEnv.DB_URL.secretName', values: names, invalid: notSubdomain },
  { target: 'orders', prop: 'secretEnv.DB_URL.key', values: names, invalid: (v) => typeof v !== 'string' || !/^[-._a-zA-Z0-9]{1,253}$/.test(v) },
  { target: 'orders', prop: 'secretFiles[0].mountPath', values: names, invalid: notMountPath },
  { target: 'orders', prop: 'env.LOG_LEVEL', values: anything, invalid: (v) => v !== undefined && v !== null && typeof v !== 'string' },
  // The base canary splits by nginx Ingress, where 0 and 100 are valid weights.
  { target: 'orders', prop: 'release.weight', values: numbers(1, 99), invalid: notInt(0, 100) },
  { target: 'batch', prop: 'replicas', values: numbers(1, 10_000), invalid: notInt(1, 10_000) },
  { target: 'edge', prop: 'hosts[0]', values: names, invalid: notSubdomain },
  { target: 'edge', prop: 'port', values: port, invalid: (v) => notInt(1, 65535)(v) || v === 8081 },
  { target: 'edge', prop: 'healthPort', values: port, invalid: (v) => notInt(1, 65535)(v) || v === 8080 },
  { target: 'edge', prop: 'workerConnections', values: numbers(16, 65_536), invalid: notInt(16, 65_536) },
  { target: 'edge', prop: 'maxBodySize', values: anything, invalid: notQuantity },
  { target: 'edge', prop: 'maxBodySize', wrap: 'size', values: numbers(0, 100), invalid: (v) => typeof v === 'number' && !(v > 0 && Number.isFinite(v)) },
  { target: 'edge', prop: 'ingressClassName', values: names, invalid: notLabel(253) },
  { target: 'edge', prop: 'ingressController.namespace', values: names, invalid: notLabel() },
  { target: 'edge', prop: 'routes[0].path', values: names, invalid: notPath },
  { target: 'edge', prop: 'routes[0].rewrite', values: names, invalid: notPath },
  { target: 'edge', prop: 'routes[0].timeout', wrap: 'duration', values: numbers(1, 600), invalid: (v) => notSeconds(v) || v === 0 },
  { target: 'edge', prop: 'routes[0].rateLimit.requestsPerSecond', values: numbers(1, 100_000), invalid: notInt(1, 100_000) },
  { target: 'pg', prop: 'name', values: names, invalid: notLabel(52) },
  { target: 'pg', prop: 'replicas', values: numbers(1, 100), invalid: notInt(1, 100) },
  { target: 'pg', prop: 'storage', values: anything, invalid: notQuantity },
  { target: 'pg', prop: 'storageClassName', values: names, invalid: notSubdomain },
  { target: 'pg', prop: 'backup.schedule', values: fc.oneof(anything, fc.constantFrom('* * *', '61 * * * *', '@weekly', '0 3 * * 8')), invalid: (v) => v !== undefined && v !== null && (typeof v !== 'string' || v.trim() === '') },
  { target: 'pg', prop: 'backup.retention', values: numbers(1, 1000), invalid: notInt(1, 1000) },
  { target: 'pg', prop: 'terminationGracePeriod', wrap: 'duration', values: numbers(0, 600), invalid: notSeconds },
  { target: 'pg-engine', prop: 'version', values: fc.oneof(anything, fc.constantFrom('16', '16.4', '16.4.1', 'sixteen')), invalid: (v) => v !== undefined && v !== null && (typeof v !== 'string' || !/^\d{1,2}(\.\d{1,2})?$/.test(v)) },
  { target: 'pg-engine', prop: 'maxConnections', values: numbers(1, 262_143), invalid: notInt(1, 262_143) },
  { target: 'pg-engine', prop: 'sharedBuffers', values: anything, invalid: notQuantity },
  { target: 'pg-engine', prop: 'databaseName', values: names, invalid: (v) => v !== undefined && v !== null && (typeof v !== 'string' || !/^[a-z_][a-z0-9_]{0,62}$/.test(v)) },
  { target: 'cache-engine', prop: 'maxMemory', values: anything, invalid: notQuantity },
  { target: 'cache-engine', prop: 'maxMemoryPolicy', values: fc.oneof(names, fc.constantFrom('allkeys-lru', 'noeviction\nrequirepass x')), invalid: (v) => v !== undefined && v !== null && !['noeviction', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl'].includes(v as string) },
  { target: 'pg-credentials', prop: 'secretName', values: names, invalid: notSubdomain },
];

/** The construct path and the prop text the error must name, per target. */
const WHERE: Record<Target, { path: string; prefix: string }> = {
  'platform': { path: 'shop', prefix: '' },
  'environment': { path: 'shop', prefix: 'environment.' },
  'orders': { path: 'shop/orders', prefix: '' },
  'batch': { path: 'shop/batch', prefix: '' },
  'edge': { path: 'shop/edge', prefix: '' },
  'pg': { path: 'shop/pg', prefix: '' },
  'pg-engine': { path: 'shop/pg', prefix: 'engine.' },
  'cache-engine': { path: 'shop/cache', prefix: 'engine.' },
  'pg-credentials': { path: 'shop/pg', prefix: 'credentials.' },
};

interface Mutation {
  readonly target: Target;
  readonly prop: string;
  readonly value: unknown;
}

/** Sets `value` at a dotted path (with `[n]` array steps) in a copy of `props`. */
function withValue<T>(props: T, path: string, value: unknown): T {
  const steps = path.replace(/\[(\d+)\]/g, '.$1').split('.');
  const copy = copyOf(props as object) as Record<string, any>;
  let node = copy;
  for (const step of steps.slice(0, -1)) {
    node[step] = Array.isArray(node[step]) ? [...node[step]] : copyOf(node[step] ?? {});
    node = node[step];
  }
  node[steps[steps.length - 1]] = value;
  return copy as T;
}

/** A shallow copy that keeps its prototype, so a class instance (a Release) stays one. */
function copyOf<T extends object>(value: T): T {
  return Object.assign(Object.create(Object.getPrototypeOf(value)), value);
}

function wrapped(wrap: PropClass['wrap'], value: unknown): unknown {
  if (wrap === 'duration') return Duration.millis((value as number) * 1000);
  if (wrap === 'size') return Size.mebibytes(value as number);
  if (wrap === 'http-probe') return Probe.http(value as string);
  return value;
}

function props<T>(target: Target, mutation: Mutation | undefined, base: T): T {
  return mutation && mutation.target === target ? withValue(base, mutation.prop, mutation.value) : base;
}

/** A small platform with every construct, one prop of which is mutated; returns the synthesized objects. */
export function buildMutated(mutation?: Mutation): K8sObject[] {
  const app = Testing.app();
  const environment = Environment.custom(props('environment', mutation, { name: 'qa', minReplicas: 2, maxReplicas: 4, metrics: true, backups: true }));
  const platform = new Platform(app, 'shop', props('platform', mutation, { environment, quota: {} }));
  const users = new ResilientMicroservice(platform, 'users', { image: 'shop/users:1.0.0' });
  const orders = new ResilientMicroservice(platform, 'orders', props('orders', mutation, {
    image: 'shop/orders:1.2.0',
    autoscaling: { minReplicas: 2, maxReplicas: 6 },
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
    metrics: { port: 9090 },
    probes: { liveness: Probe.http('/health') },
    writablePaths: ['/tmp'],
    configFiles: { 'app.yaml': 'a: 1\n' },
    ingress: { host: 'orders.example.com', path: '/' },
    secretEnv: { DB_URL: { secretName: 'db', key: 'url' } },
    secretFiles: [{ secretName: 'tls', mountPath: '/etc/tls' }],
    env: { LOG_LEVEL: 'info' },
    release: Release.canary({ image: 'shop/orders:1.3.0', weight: 20, split: 'nginx-ingress' }),
  } as Record<string, any>) as any);
  new ResilientMicroservice(platform, 'batch', props('batch', mutation, { image: 'shop/batch:1.0.0', autoscaling: false as const, replicas: 2 }));
  const pg = new StatefulDatabase(platform, 'pg', props('pg', mutation, {
    engine: DatabaseEngine.postgres(props('pg-engine', mutation, {})),
    credentials: DatabaseCredentials.fromExistingSecret(props('pg-credentials', mutation, { secretName: 'pg-credentials' }).secretName),
    replicas: 2,
    backup: { schedule: '0 3 * * *', retention: 7 },
  }));
  const cache = new StatefulDatabase(platform, 'cache', { engine: DatabaseEngine.redis(props('cache-engine', mutation, { maxMemory: '64Mi' })) });
  new ApiGateway(platform, 'edge', props('edge', mutation, {
    hosts: ['shop.example.com'],
    routes: [{ path: '/orders/', to: orders, rewrite: '/', timeout: Duration.seconds(30), rateLimit: { requestsPerSecond: 10 } }, { path: '/users/', to: users }],
  }));
  orders.connectTo(users);
  orders.connectTo(pg);
  orders.connectTo(cache);
  return synthesizeCharts(app).flatMap((c) => c.objects);
}

/** A mutation: one prop class and one of its values (wrapped into the prop's type; skipped when cdk8s refuses it). */
const mutationArb: fc.Arbitrary<{ mutation: Mutation; invalid: boolean }> = fc.constantFrom(...CLASSES)
  .chain((c) => c.values.map((value) => ({ c, value })))
  .map(({ c, value }) => {
    let given: unknown;
    try {
      given = wrapped(c.wrap, value);
    } catch {
      return undefined; // cdk8s's own Duration/Size refused the raw value before the kit saw it
    }
    return { mutation: { target: c.target, prop: c.prop, value: given }, invalid: c.invalid(value) };
  })
  .filter((m): m is { mutation: Mutation; invalid: boolean } => m !== undefined);

/** The prop as the kit's messages write it: dotted, array steps as `[n]`, map keys dotted. */
function messageProp(m: Mutation): string {
  return `${WHERE[m.target].prefix}${m.prop}`;
}

/** The outcome of building a mutated platform, as a problem list (empty when the kit behaved). */
function outcomeProblems(m: Mutation, mustThrow: boolean): string[] {
  let objects: K8sObject[];
  try {
    objects = buildMutated(m);
  } catch (error) {
    const e = error as Error;
    if (!(e instanceof PatternError) && !(e instanceof SynthesisError)) return [`threw ${e?.name}: ${e?.message}`];
    const problems: string[] = [];
    if (!e.message.includes(WHERE[m.target].path)) problems.push(`${e.name} does not name ${WHERE[m.target].path}: ${e.message}`);
    const prop = messageProp(m);
    const leaf = prop.slice(prop.lastIndexOf('.') + 1).replace(/\[\d+\]$/, '');
    if (!e.message.includes(leaf)) problems.push(`${e.name} does not name the prop ${prop}: ${e.message}`);
    return problems;
  }
  if (mustThrow) return [`accepted an invalid value and emitted ${objects.length} objects`];
  return [...serviceProblems(objects), ...nameProblems(objects)];
}

describe('bad input', () => {
  // PROPERTY_SURVEY=<n>: n mutations, every failing prop listed at once instead of stopping at the first.
  if (process.env.PROPERTY_SURVEY) {
    test('survey', () => {
      const found = new Map<string, string>();
      for (const { mutation, invalid } of fc.sample(mutationArb, Number(process.env.PROPERTY_SURVEY))) {
        const problems = outcomeProblems(mutation, invalid);
        const key = `${mutation.target} ${mutation.prop}`;
        if (problems.length && !found.has(key)) found.set(key, `${JSON.stringify(String(mutation.value))} -> ${problems[0].slice(0, 300)}`);
      }
      process.stdout.write([...found].map(([k, v]) => `${k}: ${v}`).join('\n') + '\n');
      expect([...found.keys()]).toEqual([]);
    });
  }

  test('the unmutated base platform synthesizes', () => {
    expect(buildMutated().length).toBeGreaterThan(50);
  });

  test('every mutated prop is refused with a PatternError or SynthesisError naming the path and prop, or gives valid output', () => {
    fc.assert(fc.property(mutationArb, ({ mutation, invalid }) => {
      expect(outcomeProblems(mutation, invalid)).toEqual([]);
    }), propertyParameters(200));
  });
});

describe('regressions found by the properties', () => {
  const cases: Array<[string, Mutation, string]> = [
    ['a Duration of fractional seconds was a cdk8s Error', { target: 'orders', prop: 'terminationGracePeriod', value: Duration.millis(1500) },
      '[shop/orders] terminationGracePeriod ("1.5s") must be a whole number of seconds'],
    ['a probe period of fractional seconds was a cdk8s Error', { target: 'orders', prop: 'probes.liveness', value: Probe.http('/health', { period: Duration.millis(2500) }) },
      '[shop/orders] probes.liveness.period ("2.5s") must be a whole number of seconds'],
    ['an unknown Redis eviction policy went into redis.conf', { target: 'cache-engine', prop: 'maxMemoryPolicy', value: 'noeviction\nrequirepass x' },
      '[shop/cache] engine.maxMemoryPolicy ("noeviction\\nrequirepass x") must be one of noeviction, allkeys-lru'],
    ['an invalid component label was emitted', { target: 'orders', prop: 'component', value: 'Back End' }, '[shop/orders] component ("Back End") must be a label value'],
    ['an invalid priorityClassName was emitted', { target: 'orders', prop: 'priorityClassName', value: 'High_Priority' }, '[shop/orders] priorityClassName ("High_Priority") must be a DNS-1123 subdomain'],
    ['an invalid Secret key was emitted', { target: 'orders', prop: 'secretEnv.DB_URL.key', value: 'db url' }, '[shop/orders] secretEnv.DB_URL.key ("db url") must be a Secret key'],
    ['an empty secret mount path was emitted', { target: 'orders', prop: 'secretFiles[0].mountPath', value: '' }, '[shop/orders] secretFiles[0].mountPath ("") must be an absolute path'],
    ['a non-string configMountPath failed only the schema', { target: 'orders', prop: 'configMountPath', value: 5 }, '[shop/orders] configMountPath (5) must be an absolute path'],
    ['a non-string env value failed only the schema', { target: 'orders', prop: 'env.LOG_LEVEL', value: 3 }, '[shop/orders] props.env.LOG_LEVEL (3) must be a string'],
    ['a string resourceScale was coerced', { target: 'environment', prop: 'resourceScale', value: '1.5' }, '[shop] environment.resourceScale ("1.5") of environment "qa" must be above 0'],
    ['a huge databaseReplicas was blamed on the database', { target: 'environment', prop: 'databaseReplicas', value: 1000 }, '[shop] environment.databaseReplicas (1000) of environment "qa" must be an integer from 1 to 100'],
    ['a stabilization window above an hour failed only the schema', { target: 'orders', prop: 'autoscaling.scaleDownStabilization', value: Duration.hours(2) },
      '[shop/orders] autoscaling.scaleDownStabilization ("7200s") must be at most one hour'],
  ];
  test.each(cases)('%s', (_name, mutation, message) => {
    expect(() => buildMutated(mutation)).toThrow(message);
  });
});

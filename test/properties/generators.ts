// fast-check arbitraries of valid platform descriptions: plain data, so a failing case prints and replays as JSON.
import * as fc from 'fast-check';

/** The environment profile of a generated platform. */
export type EnvironmentSpec =
  | { readonly kind: 'development' | 'staging' | 'production' }
  | {
    readonly kind: 'custom';
    readonly name: string;
    readonly minReplicas: number;
    readonly maxReplicas: number;
    readonly resourceScale: number;
    readonly databaseReplicas: number;
    readonly metrics: boolean;
    readonly backups: boolean;
  };

/** How a generated service scales. */
export type ScalingSpec =
  | { readonly kind: 'default' }
  | { readonly kind: 'hpa'; readonly min: number; readonly extra: number; readonly cpu: number; readonly memory: number; readonly stabilizationSeconds: number }
  | { readonly kind: 'fixed'; readonly replicas: number };

export type ReleaseSpec =
  | { readonly kind: 'rolling' | 'recreate' | 'blue-green' | 'argo' }
  | { readonly kind: 'rolling-custom'; readonly maxSurge: number; readonly maxUnavailable: number }
  | { readonly kind: 'canary'; readonly weight: number; readonly split: 'replica-ratio' | 'nginx-ingress' };

export type ProbeSpec = 'default' | 'tcp' | 'exec' | 'http-custom' | 'no-startup';

export interface ServiceSpec {
  readonly name: string;
  readonly image: string;
  readonly port: number;
  readonly metricsPort?: number;
  readonly probes: ProbeSpec;
  readonly probePeriodSeconds: number;
  readonly resources?: { readonly cpuMillis: number; readonly memoryMi: number; readonly limitFactor: number };
  readonly scaling: ScalingSpec;
  readonly release: ReleaseSpec;
  readonly config: Readonly<Record<string, string | number | boolean>>;
  readonly env: Readonly<Record<string, string>>;
  /** Secret references: names of the form SECRET_*, never values. */
  readonly secretEnv: readonly { readonly envName: string; readonly secretName: string; readonly key: string }[];
  readonly secretFiles: readonly { readonly secretName: string; readonly mountPath: string }[];
  /** Values written into a Secret: present only when the case opts into plaintext; each holds SECRET_MARKER. */
  readonly plaintextSecrets?: Readonly<Record<string, string>>;
  /** An Ingress host; `canary` with an nginx split always has one. */
  readonly ingressHost?: string;
  readonly sidecar: boolean;
  readonly vpa: boolean;
}

export interface DatabaseSpec {
  readonly name: string;
  readonly engine: 'postgres' | 'redis';
  readonly replicas?: number;
  readonly metrics?: boolean;
  readonly backup?: boolean;
  readonly credentials: 'existing' | 'external' | 'plaintext';
  /** Plaintext credentials only: holds SECRET_MARKER. */
  readonly password?: string;
  readonly storageGi: number;
  readonly tuning: number;
}

export type RouteTarget =
  | { readonly kind: 'service'; readonly index: number }
  | { readonly kind: 'external'; readonly host: string; readonly port: number };

export interface GatewaySpec {
  readonly name: string;
  readonly hosts: readonly string[];
  readonly tls: 'secret' | 'cert-manager' | 'plaintext';
  readonly routes: readonly { readonly path: string; readonly to: RouteTarget; readonly rateLimit?: number; readonly timeoutSeconds?: number }[];
}

export interface ConnectionSpec {
  /** Index of the client service. */
  readonly from: number;
  readonly to: { readonly kind: 'service' | 'database'; readonly index: number };
  readonly envPrefix?: string;
  readonly withoutEnv: boolean;
}

export interface PlatformSpec {
  readonly namespace: string;
  readonly environment: EnvironmentSpec;
  readonly services: readonly ServiceSpec[];
  readonly databases: readonly DatabaseSpec[];
  readonly gateways: readonly GatewaySpec[];
  readonly connections: readonly ConnectionSpec[];
}

/** Every plaintext secret value a generator writes contains this, so its appearance in YAML can be traced. */
export const SECRET_MARKER = 'pw-Zq7xK';

/** Generated limits, for the reports of the property runs. */
export const LIMITS = { services: 30, databasesPerEngine: 3, gateways: 2 } as const;

const word = fc.stringMatching(/^[a-z][a-z0-9]{0,7}$/);
const envWord = fc.stringMatching(/^[A-Z][A-Z0-9]{0,6}$/);
const label = fc.stringMatching(/^[a-z]([-a-z0-9]{0,14}[a-z0-9])?$/);
const version = fc.tuple(fc.nat(20), fc.nat(30), fc.nat(99)).map(([a, b, c]) => `${a}.${b}.${c}`);
/** Ports the kit or the platform does not use for itself (health 8081, DNS 53). */
const port = fc.integer({ min: 1024, max: 65535 }).filter((p) => p !== 8081);

export const environmentArb: fc.Arbitrary<EnvironmentSpec> = fc.oneof(
  fc.constantFrom<EnvironmentSpec>({ kind: 'development' }, { kind: 'staging' }, { kind: 'production' }),
  fc.record({
    kind: fc.constant('custom' as const),
    name: label,
    minReplicas: fc.integer({ min: 1, max: 5 }),
    maxReplicas: fc.integer({ min: 0, max: 10 }),
    resourceScale: fc.constantFrom(0.25, 0.5, 1, 1.5, 2, 3),
    databaseReplicas: fc.integer({ min: 1, max: 3 }),
    metrics: fc.boolean(),
    backups: fc.boolean(),
  }).map((e) => ({ ...e, maxReplicas: e.minReplicas + e.maxReplicas })),
);

const scalingArb: fc.Arbitrary<ScalingSpec> = fc.oneof(
  fc.constant<ScalingSpec>({ kind: 'default' }),
  fc.record({
    kind: fc.constant('hpa' as const),
    min: fc.integer({ min: 2, max: 6 }),
    extra: fc.integer({ min: 0, max: 20 }),
    cpu: fc.integer({ min: 1, max: 100 }),
    memory: fc.integer({ min: 1, max: 100 }),
    stabilizationSeconds: fc.integer({ min: 0, max: 3600 }),
  }),
  fc.record({ kind: fc.constant('fixed' as const), replicas: fc.integer({ min: 2, max: 8 }) }),
);

const releaseArb: fc.Arbitrary<ReleaseSpec> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom<ReleaseSpec>({ kind: 'rolling' }, { kind: 'recreate' }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('rolling-custom' as const), maxSurge: fc.integer({ min: 0, max: 3 }), maxUnavailable: fc.integer({ min: 1, max: 2 }) }) },
  { weight: 1, arbitrary: fc.constantFrom<ReleaseSpec>({ kind: 'blue-green' }, { kind: 'argo' }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('canary' as const), weight: fc.integer({ min: 1, max: 99 }), split: fc.constantFrom('replica-ratio' as const, 'nginx-ingress' as const) }) },
);

const secretName = fc.tuple(label, fc.nat(99)).map(([l, n]) => `${l}-${n}`);
const configValue = fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.boolean(), fc.constantFrom('on', 'no', '0755', '1e3', 'null', '~'));

function serviceArb(index: number): fc.Arbitrary<ServiceSpec> {
  return fc.record({
    base: word,
    image: fc.tuple(word, version).map(([w, v]) => `registry.example.com/${w}:${v}`),
    port,
    metrics: fc.option(port, { nil: undefined }),
    probes: fc.constantFrom<ProbeSpec>('default', 'tcp', 'exec', 'http-custom', 'no-startup'),
    probePeriodSeconds: fc.integer({ min: 1, max: 60 }),
    resources: fc.option(fc.record({
      cpuMillis: fc.integer({ min: 10, max: 2000 }),
      memoryMi: fc.integer({ min: 16, max: 2048 }),
      limitFactor: fc.integer({ min: 1, max: 4 }),
    }), { nil: undefined }),
    scaling: scalingArb,
    release: releaseArb,
    config: fc.dictionary(envWord, configValue, { maxKeys: 4 }),
    env: fc.dictionary(envWord.map((w) => `ENV_${w}`), fc.string({ maxLength: 10 }), { maxKeys: 3 }),
    secretEnv: fc.uniqueArray(fc.record({ envName: envWord.map((w) => `SECRET_${w}`), secretName, key: fc.stringMatching(/^[a-z][-._a-z0-9]{0,10}$/) }),
      { maxLength: 3, selector: (s) => s.envName }),
    secretFiles: fc.uniqueArray(fc.record({ secretName, mountPath: word.map((w) => `/etc/secrets/${w}`) }), { maxLength: 2, selector: (s) => s.mountPath }),
    plaintext: fc.option(fc.dictionary(envWord.map((w) => `PLAIN_${w}`), fc.string({ maxLength: 8 }).map((s) => `${SECRET_MARKER}${s}`), { minKeys: 1, maxKeys: 2 }),
      { nil: undefined, freq: 10 }),
    ingress: fc.option(label, { nil: undefined, freq: 3 }),
    // Sidecars stay off: ContainerSpec has no probes, so validation (policy/probes) refuses every sidecar (see report).
    sidecar: fc.constant(false),
    vpa: fc.boolean(),
  }).map((s) => {
    const name = `${s.base}-${index}`;
    const needsIngress = s.release.kind === 'canary' && s.release.split === 'nginx-ingress';
    const ingressHost = s.ingress !== undefined || needsIngress ? `${s.ingress ?? s.base}-${index}.apps.example.com` : undefined;
    const metricsPort = s.metrics !== undefined && s.metrics !== s.port ? s.metrics : undefined;
    const spec: ServiceSpec = {
      name, image: s.image, port: s.port, metricsPort, probes: s.probes, probePeriodSeconds: s.probePeriodSeconds,
      resources: s.resources, scaling: s.scaling, release: s.release, config: s.config, env: s.env, secretEnv: s.secretEnv,
      secretFiles: s.secretFiles, plaintextSecrets: s.plaintext, ingressHost, sidecar: s.sidecar, vpa: s.vpa,
    };
    return spec;
  });
}

function databaseArb(engine: 'postgres' | 'redis', index: number): fc.Arbitrary<DatabaseSpec> {
  return fc.record({
    base: word,
    replicas: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
    metrics: fc.option(fc.boolean(), { nil: undefined }),
    backup: fc.option(fc.boolean(), { nil: undefined }),
    credentials: fc.constantFrom<DatabaseSpec['credentials']>('existing', 'existing', 'external', 'plaintext'),
    password: fc.string({ maxLength: 8 }).map((s) => `${SECRET_MARKER}${s}`),
    storageGi: fc.integer({ min: 1, max: 500 }),
    tuning: fc.integer({ min: 16, max: 500 }),
  }).map((d) => ({
    name: `${d.base}-${engine === 'postgres' ? 'pg' : 'redis'}-${index}`,
    engine, replicas: d.replicas, metrics: d.metrics, backup: d.backup, credentials: d.credentials,
    password: d.credentials === 'plaintext' ? d.password : undefined, storageGi: d.storageGi, tuning: d.tuning,
  }));
}

function gatewayArb(index: number, serviceCount: number): fc.Arbitrary<GatewaySpec> {
  const target: fc.Arbitrary<RouteTarget> = fc.oneof(
    { weight: 5, arbitrary: fc.nat(serviceCount - 1).map((i) => ({ kind: 'service' as const, index: i })) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('external' as const), host: word.map((w) => `${w}.partner.example.net`), port: fc.constantFrom(80, 443, 8443) }) },
  );
  return fc.record({
    base: word,
    hosts: fc.uniqueArray(label, { minLength: 1, maxLength: 3 }),
    tls: fc.constantFrom<GatewaySpec['tls']>('secret', 'cert-manager', 'plaintext'),
    routes: fc.uniqueArray(fc.record({
      segment: label,
      to: target,
      rateLimit: fc.option(fc.integer({ min: 1, max: 1000 }), { nil: undefined }),
      timeoutSeconds: fc.option(fc.integer({ min: 1, max: 300 }), { nil: undefined }),
    }), { maxLength: 5, selector: (r) => r.segment }),
  }).map((g) => ({
    name: `${g.base}-gw-${index}`,
    hosts: g.hosts.map((h) => `${h}-${index}.example.com`),
    tls: g.tls,
    routes: g.routes.map((r) => ({ path: `/${r.segment}/`, to: r.to, rateLimit: r.rateLimit, timeoutSeconds: r.timeoutSeconds })),
  }));
}

function connectionsArb(services: number, databases: number): fc.Arbitrary<ConnectionSpec[]> {
  const to = databases > 0
    ? fc.oneof(
      fc.nat(services - 1).map((index) => ({ kind: 'service' as const, index })),
      fc.nat(databases - 1).map((index) => ({ kind: 'database' as const, index })),
    )
    : fc.nat(services - 1).map((index) => ({ kind: 'service' as const, index }));
  const connection = fc.record({ from: fc.nat(services - 1), to, prefixed: fc.boolean(), withoutEnv: fc.boolean() });
  return fc.uniqueArray(connection, { maxLength: Math.min(3 * services, 60), selector: (c) => `${c.from}>${c.to.kind}${c.to.index}` })
    .map((list) => list
      .filter((c) => !(c.to.kind === 'service' && c.to.index === c.from))
      // Two databases of one engine give the same env names: such connections need a prefix of their own.
      .map((c, k) => ({ from: c.from, to: c.to, envPrefix: c.prefixed || c.to.kind === 'database' ? `C${k}_` : undefined, withoutEnv: c.withoutEnv })));
}

/** A valid platform: 1–30 services, 0–3 databases per engine, 0–2 gateways, random wiring, any environment. */
export function platformArb(options: { maxServices?: number } = {}): fc.Arbitrary<PlatformSpec> {
  const maxServices = options.maxServices ?? LIMITS.services;
  return fc.record({
    namespace: label,
    environment: environmentArb,
    serviceCount: fc.oneof(
      { weight: 3, arbitrary: fc.integer({ min: 1, max: Math.min(6, maxServices) }) },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: maxServices }) },
    ),
    postgres: fc.integer({ min: 0, max: LIMITS.databasesPerEngine }),
    redis: fc.integer({ min: 0, max: LIMITS.databasesPerEngine }),
    gateways: fc.integer({ min: 0, max: LIMITS.gateways }),
  }).chain((shape) => fc.record({
    namespace: fc.constant(shape.namespace),
    environment: fc.constant(shape.environment),
    services: fc.tuple(...Array.from({ length: shape.serviceCount }, (_, i) => serviceArb(i))),
    databases: fc.tuple(
      ...Array.from({ length: shape.postgres }, (_, i) => databaseArb('postgres', 100 + i)),
      ...Array.from({ length: shape.redis }, (_, i) => databaseArb('redis', 200 + i)),
    ),
    gateways: fc.tuple(...Array.from({ length: shape.gateways }, (_, i) => gatewayArb(300 + i, shape.serviceCount))),
    connections: connectionsArb(shape.serviceCount, shape.postgres + shape.redis),
  }));
}

/** A declaration order: a permutation of the constructs and an interleaving of the wiring calls. */
export interface DeclarationOrder {
  /** Sort keys of services, databases, gateways (in that concatenated order). */
  readonly constructKeys: readonly number[];
  /** Sort keys of the wiring calls: connections, then every route. */
  readonly wiringKeys: readonly number[];
}

/** A spec together with a random declaration order of it. */
export function platformWithOrderArb(options: { maxServices?: number } = {}): fc.Arbitrary<{ spec: PlatformSpec; order: DeclarationOrder }> {
  return platformArb(options).chain((spec) => {
    const constructs = spec.services.length + spec.databases.length + spec.gateways.length;
    const wiring = spec.connections.length + spec.gateways.reduce((n, g) => n + g.routes.length, 0);
    return fc.record({
      spec: fc.constant(spec),
      order: fc.record({
        constructKeys: fc.array(fc.double({ noNaN: true }), { minLength: constructs, maxLength: constructs }),
        wiringKeys: fc.array(fc.double({ noNaN: true }), { minLength: wiring, maxLength: wiring }),
      }),
    });
  });
}

/** How many property runs: PROPERTY_RUNS in the environment, else `fallback`. */
export function propertyRuns(fallback: number): number {
  const fromEnv = Number(process.env.PROPERTY_RUNS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : fallback;
}

/** The seed of every property run in CI. */
const CI_SEED = 20261122;

/**
 * fast-check parameters of every property: the run count, and a replay seed and path from PROPERTY_SEED /
 * PROPERTY_PATH when given (fast-check prints both on failure). CI uses a fixed seed, so a red build is always
 * reproducible; local runs draw a new one each time and keep exploring.
 */
export function propertyParameters<T>(fallbackRuns: number): fc.Parameters<T> {
  const given = process.env.PROPERTY_SEED ?? (process.env.CI === 'true' ? String(CI_SEED) : undefined);
  const seed = given !== undefined ? Number(given) : undefined;
  return {
    numRuns: propertyRuns(fallbackRuns),
    ...(seed !== undefined && Number.isInteger(seed) ? { seed, path: process.env.PROPERTY_PATH } : {}),
    endOnFailure: process.env.PROPERTY_SHRINK === undefined,
  };
}

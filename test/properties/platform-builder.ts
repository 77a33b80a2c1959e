// Builds a generated PlatformSpec with the kit, in any declaration order, and states the flows it declared.
import { ApiObject, App, Duration, Testing } from 'cdk8s';
import {
  ApiGateway, DatabaseCredentials, DatabaseEngine, Environment, ExternalTarget, GatewayRoute, GatewayTls, IConnectable,
  IRelease, Platform, Probe, Release, ResilientMicroservice, ResilientMicroserviceProps, RolloutStep, StatefulDatabase,
} from '../../lib';
import { InsecureOptInRules, Validation } from '../../lib/validation';
import {
  ConnectionSpec, DatabaseSpec, DeclarationOrder, EnvironmentSpec, GatewaySpec, PlatformSpec, ReleaseSpec, ServiceSpec,
} from './generators';

/** What a built platform holds: the app, and the constructs by spec index. */
export interface BuiltPlatform {
  readonly app: App;
  readonly platform: Platform;
  readonly services: ResilientMicroservice[];
  readonly databases: StatefulDatabase[];
  readonly gateways: ApiGateway[];
}

/** The environment object of a spec. */
export function environmentOf(spec: EnvironmentSpec): Environment {
  switch (spec.kind) {
    case 'development': return Environment.DEVELOPMENT;
    case 'staging': return Environment.STAGING;
    case 'production': return Environment.PRODUCTION;
    default: return Environment.custom({ ...spec });
  }
}

/**
 * Builds the spec in a fresh `Testing.app()`. Without an order, constructs are declared services first (routes in
 * the gateways' props); with one, constructs come in the order's permutation and the wiring calls (connections and
 * `addRoute`) interleaved by it, each client's and each gateway's own calls keeping their relative order.
 */
export function buildPlatform(spec: PlatformSpec, order?: DeclarationOrder): BuiltPlatform {
  const app = Testing.app();
  const platform = new Platform(app, spec.namespace, { environment: environmentOf(spec.environment) });
  const services: ResilientMicroservice[] = [];
  const databases: StatefulDatabase[] = [];
  const gateways: ApiGateway[] = [];
  const declare: Array<() => void> = [
    ...spec.services.map((s, i) => () => { services[i] = new ResilientMicroservice(platform, s.name, serviceProps(s)); }),
    ...spec.databases.map((d, i) => () => { databases[i] = new StatefulDatabase(platform, d.name, databaseProps(d)); }),
    ...spec.gateways.map((g, i) => () => {
      gateways[i] = new ApiGateway(platform, g.name, {
        hosts: g.hosts,
        tls: gatewayTls(g),
        routes: order ? [] : g.routes.map((r) => route(r, services)),
      });
    }),
  ];
  const wiring: Array<{ owner: string; call: () => void }> = [
    ...spec.connections.map((c) => ({ owner: `client${c.from}`, call: () => connect(c, services, databases) })),
    ...(order ? spec.gateways.flatMap((g, gi) => g.routes.map((r) => ({ owner: `gateway${gi}`, call: () => { gateways[gi].addRoute(route(r, services)); } }))) : []),
  ];
  for (const step of permute(declare, order?.constructKeys)) step();
  for (const step of interleave(wiring, order?.wiringKeys)) step.call();
  waiveInsecureOptIns(app, platform);
  return { app, platform, services, databases, gateways };
}

/** In production every insecure opt-in needs a waiver with a reason: given here, as the platform's owner would. */
function waiveInsecureOptIns(app: App, platform: Platform): void {
  if (!platform.environment.production) return;
  const paths = new Set(Validation.collect(app).insecureOptIns.map((o) => o.constructPath));
  for (const object of app.node.findAll()) {
    if (!(object instanceof ApiObject) || !paths.has(object.node.path)) continue;
    Validation.of(platform).waive(InsecureOptInRules.INSECURE_OPT_IN, { kind: object.kind, name: object.name }, 'a generated test platform: its plaintext opt-ins are test values');
  }
}

function serviceProps(s: ServiceSpec): ResilientMicroserviceProps {
  const scaling = s.scaling;
  return {
    image: s.image,
    port: s.port,
    metrics: s.metricsPort !== undefined ? { port: s.metricsPort } : undefined,
    probes: probes(s),
    resources: s.resources ? {
      requests: { cpu: `${s.resources.cpuMillis}m`, memory: `${s.resources.memoryMi}Mi` },
      limits: { cpu: `${s.resources.cpuMillis * s.resources.limitFactor}m`, memory: `${s.resources.memoryMi * s.resources.limitFactor}Mi` },
    } : undefined,
    autoscaling: scaling.kind === 'fixed' ? false : scaling.kind === 'hpa' ? {
      minReplicas: scaling.min, maxReplicas: scaling.min + scaling.extra, targetCpuUtilization: scaling.cpu,
      targetMemoryUtilization: scaling.memory, scaleDownStabilization: Duration.seconds(scaling.stabilizationSeconds),
    } : undefined,
    replicas: scaling.kind === 'fixed' ? scaling.replicas : undefined,
    release: release(s.release, s.image),
    config: s.config,
    env: s.env,
    secretEnv: Object.fromEntries(s.secretEnv.map((e) => [e.envName, { secretName: e.secretName, key: e.key }])),
    secretFiles: s.secretFiles,
    insecurePlaintextSecrets: s.plaintextSecrets,
    ingress: s.ingressHost !== undefined ? { host: s.ingressHost } : undefined,
    sidecars: s.sidecar ? [{ name: 'log-shipper', image: 'fluent/fluent-bit:3.1.9' }] : undefined,
    verticalPodAutoscaler: s.vpa,
  };
}

function probes(s: ServiceSpec): ResilientMicroserviceProps['probes'] {
  const period = Duration.seconds(s.probePeriodSeconds);
  switch (s.probes) {
    case 'default': return undefined;
    case 'tcp': return { liveness: Probe.tcp({ period }), readiness: Probe.tcp({ period }) };
    case 'exec': return { liveness: Probe.exec(['cat', '/tmp/healthy'], { period }), readiness: Probe.http('/ready', { period }) };
    case 'http-custom': return { liveness: Probe.http('/livez', { period, failureThreshold: 5 }), readiness: Probe.http('/readyz', { period, timeout: Duration.seconds(3) }) };
    case 'no-startup': return { startup: false };
  }
}

function release(r: ReleaseSpec, image: string): IRelease | undefined {
  switch (r.kind) {
    case 'rolling': return undefined;
    case 'recreate': return Release.recreate();
    case 'rolling-custom': return Release.rollingUpdate({ maxSurge: r.maxSurge, maxUnavailable: r.maxUnavailable });
    case 'blue-green': return Release.blueGreen({ active: 'green', green: { image: `${image}-next` } });
    case 'canary': return Release.canary({ image: `${image}-canary`, weight: r.weight, split: r.split });
    case 'argo': return Release.argoRollout({ steps: [RolloutStep.setWeight(25), RolloutStep.pause(Duration.minutes(2)), RolloutStep.setWeight(75), RolloutStep.pause()] });
  }
}

function databaseProps(d: DatabaseSpec) {
  const engine = d.engine === 'postgres'
    ? DatabaseEngine.postgres({ maxConnections: d.tuning })
    : DatabaseEngine.redis({ maxMemory: `${d.tuning}Mi`, maxMemoryPolicy: 'allkeys-lru' });
  const credentials = d.credentials === 'existing' ? undefined
    : d.credentials === 'external' ? DatabaseCredentials.fromExternalSecret({ secretStoreName: 'vault', remoteKey: `db/${d.name}` })
      : DatabaseCredentials.insecurePlaintext({ password: d.password! });
  return {
    engine, replicas: d.replicas, metrics: d.metrics, backup: d.backup === undefined ? undefined : d.backup ? {} : false as const,
    credentials, storage: `${d.storageGi}Gi`,
  };
}

function gatewayTls(g: GatewaySpec): GatewayTls | undefined {
  if (g.tls === 'cert-manager') return GatewayTls.certManager('letsencrypt-prod');
  if (g.tls === 'plaintext') return GatewayTls.insecurePlaintext();
  return undefined;
}

function route(r: GatewaySpec['routes'][number], services: readonly ResilientMicroservice[]): GatewayRoute {
  return {
    path: r.path,
    to: r.to.kind === 'service' ? services[r.to.index] : ExternalTarget.host(r.to.host, r.to.port),
    rateLimit: r.rateLimit !== undefined ? { requestsPerSecond: r.rateLimit } : undefined,
    timeout: r.timeoutSeconds !== undefined ? Duration.seconds(r.timeoutSeconds) : undefined,
  };
}

function connect(c: ConnectionSpec, services: readonly ResilientMicroservice[], databases: readonly StatefulDatabase[]): void {
  const target: IConnectable = c.to.kind === 'service' ? services[c.to.index] : databases[c.to.index];
  if (c.withoutEnv) services[c.from].allowTo(target);
  else services[c.from].connectTo(target, { envPrefix: c.envPrefix });
}

function permute<T>(items: readonly T[], keys: readonly number[] | undefined): T[] {
  if (!keys) return [...items];
  return items.map((item, i) => ({ item, key: keys[i] })).sort((a, b) => a.key - b.key).map((x) => x.item);
}

/** Reorders calls by their keys while each owner's calls keep their own relative order. */
function interleave<T extends { owner: string }>(items: readonly T[], keys: readonly number[] | undefined): T[] {
  if (!keys) return [...items];
  const slots = permute(items.map((item, i) => ({ item, i })), keys);
  const queues = new Map<string, T[]>();
  for (const item of items) queues.set(item.owner, [...(queues.get(item.owner) ?? []), item]);
  return slots.map(({ item }) => queues.get(item.owner)!.shift()!);
}

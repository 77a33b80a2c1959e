// Hardened containers: every container the kit emits (main, sidecar, init) is rendered here.
import { Lazy } from 'cdk8s';
import { IConstruct } from 'constructs';
import { PatternError } from '../errors';
import { KubernetesVersion } from '../kubernetes-version';
import * as k8s from '../private/k8s';
import { checkDnsLabel, checkEnvName, checkPinnedImage, checkPort, checkPortName, checkUnique } from '../private/prop-checks';
import { Probe } from './probes';
import { ContainerResources, renderResources, ResolvedResources, resolveResources } from './resources';
import { PodIdentity, restrictedContainerSecurityContext } from './security';
import { sharedPart, sharedPartOf } from './shared-parts';

/** A container port. */
export interface ContainerPort {
  /** The port's name (IANA service name), used by probes and Services. */
  readonly name: string;
  /** The port number. */
  readonly port: number;
}

/** A sidecar or init container, hardened like the main one. */
export interface ContainerSpec {
  /** The container's name (a DNS-1123 label). */
  readonly name: string;
  /** The image, pinned by tag or digest. */
  readonly image: string;
  /**
   * The entrypoint.
   * @default - the image's
   */
  readonly command?: readonly string[];
  /**
   * Arguments to the entrypoint.
   * @default - the image's
   */
  readonly args?: readonly string[];
  /**
   * Plain environment variables (never secrets: use secret references).
   * @default - none
   */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Ports the container listens on.
   * @default - none
   */
  readonly ports?: readonly ContainerPort[];
  /**
   * Requests and limits.
   * @default - 50m CPU and 64Mi memory requested, twice that as limits
   */
  readonly resources?: ContainerResources;
  /**
   * Paths the container writes to, each an emptyDir (the root filesystem is read-only).
   * @default ['/tmp']
   */
  readonly writablePaths?: readonly string[];
  /**
   * Liveness and readiness checks, against the first of `ports` unless they name one. A container with ports
   * needs both (the kit's validation requires them); a portless sidecar needs none.
   * @default - none
   */
  readonly probes?: { readonly liveness?: Probe; readonly readiness?: Probe };
}

/** What the platform decides for every container. */
export interface HardeningContext {
  readonly identity: PodIdentity;
  readonly imagePullPolicy: string;
  readonly cpuLimits: boolean;
  readonly resourceScale: number;
  readonly readOnlyRootFilesystem: boolean;
  /** The target Kubernetes minor, which decides the features containers use (native sidecars, the sleep action). */
  readonly kubernetesVersion: KubernetesVersion;
}

/** Fields of the main container that only its construct knows: probes, shutdown, config, a command decided at synth. */
export type ContainerExtras = Pick<k8s.Container, 'command' | 'livenessProbe' | 'readinessProbe' | 'startupProbe' | 'lifecycle' | 'envFrom' | 'volumeMounts'>;

/** A rendered container with the emptyDirs it needs and its resources in numbers. */
export interface RenderedContainer {
  readonly container: k8s.Container;
  /** The container's env, open for additions until synth (wiring adds connection settings). */
  readonly env: k8s.EnvVar[];
  readonly volumes: k8s.Volume[];
  readonly resources: ResolvedResources;
}

/** The emptyDir size limit of each writable path. */
const WRITABLE_PATH_SIZE = '64Mi';

/** Renders one hardened container; `prop` prefixes every error (e.g. `sidecars[0]`). */
export function renderContainer(scope: IConstruct, prop: string, spec: ContainerSpec, context: HardeningContext,
  defaultResources?: ContainerResources, extras: ContainerExtras = {}): RenderedContainer {
  checkDnsLabel(scope, `${prop}.name`, spec.name);
  checkPinnedImage(scope, `${prop}.image`, spec.image);
  const ports = spec.ports ?? [];
  ports.forEach((p, i) => {
    checkPortName(scope, `${prop}.ports[${i}].name`, p.name);
    checkPort(scope, `${prop}.ports[${i}].port`, p.port);
  });
  checkUnique(scope, `${prop}.ports`, ports.map((p) => p.name));
  const envNames = Object.keys(spec.env ?? {});
  envNames.forEach((name) => checkEnvName(scope, `${prop}.env`, name));
  for (const name of envNames) {
    if (typeof spec.env![name] !== 'string') throw PatternError.invalidProp(scope, `${prop}.env.${name}`, spec.env![name], 'must be a string');
  }

  const { resources, rendered: renderedResources } = containerResources(scope, prop, spec.resources, context, defaultResources);
  const writable = writableVolumes(scope, `${prop}.writablePaths`, spec.name, spec.writablePaths ?? ['/tmp']);
  const env: k8s.EnvVar[] = envNames.map((name) => ({ name, value: spec.env![name] }));
  const container: k8s.Container = {
    name: spec.name,
    image: spec.image,
    imagePullPolicy: context.imagePullPolicy,
    command: extras.command ?? (spec.command ? [...spec.command] : undefined),
    args: spec.args ? [...spec.args] : undefined,
    // Not shared: the list is the main container's own, which its users may add to (`mainContainer`).
    ports: ports.length ? ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: 'TCP' })) : undefined,
    env: openEnv(env),
    resources: renderedResources,
    securityContext: restrictedContainerSecurityContext(context.identity, context.readOnlyRootFilesystem),
    livenessProbe: extras.livenessProbe ?? spec.probes?.liveness?.render(scope, `${prop}.probes.liveness`, ports[0]?.name ?? 'http'),
    readinessProbe: extras.readinessProbe ?? spec.probes?.readiness?.render(scope, `${prop}.probes.readiness`, ports[0]?.name ?? 'http'),
    startupProbe: extras.startupProbe,
    lifecycle: extras.lifecycle,
    envFrom: extras.envFrom,
    volumeMounts: writable.mounts.concat(extras.volumeMounts ?? []),
  };
  return { container, env, volumes: writable.volumes, resources };
}

/**
 * A container's resources, resolved and rendered. Without resources of its own they follow from the context and the
 * kind's defaults alone, so the containers of one context share them (see sharedPartOf).
 */
function containerResources(scope: IConstruct, prop: string, own: ContainerResources | undefined, context: HardeningContext,
  defaults: ContainerResources | undefined): { resources: ResolvedResources; rendered: k8s.ResourceRequirements } {
  const resolve = () => {
    const resources = resolveResources(scope, own ?? defaults, { scale: context.resourceScale, cpuLimits: context.cpuLimits, prop: `${prop}.resources` });
    return { resources, rendered: renderResources(resources) };
  };
  if (own !== undefined) return resolve();
  return sharedPartOf(defaults ?? context, defaults ? `resources:${context.resourceScale}/${context.cpuLimits}` : 'resources', resolve);
}

/**
 * The env of a container, read at synth (wiring adds to it until then); none when it stays empty. A function of its
 * own, so that the closure holds the list alone: one made in renderContainer would keep its whole scope (the spec
 * and the extras) alive with the construct tree.
 */
function openEnv(env: k8s.EnvVar[]): k8s.EnvVar[] {
  return Lazy.any({ produce: () => (env.length ? env : undefined) }) as unknown as k8s.EnvVar[];
}

/** Adds an env var to a rendered container, refusing a name it already has. */
export function addEnv(scope: IConstruct, rendered: RenderedContainer, variable: k8s.EnvVar): void {
  checkEnvName(scope, 'env', variable.name);
  if (rendered.env.some((e) => e.name === variable.name)) {
    throw PatternError.invalidProp(scope, 'env', variable.name,
      `is set twice on container "${rendered.container.name}": each environment variable name must be unique (use an envPrefix on connectTo to tell two connections apart)`);
  }
  rendered.env.push(variable);
}

function writableVolumes(scope: IConstruct, prop: string, containerName: string, paths: readonly string[]) {
  checkUnique(scope, prop, paths);
  // The volume and its mount are the same for every container of that name and path (see sharedPart).
  const parts = paths.map((path) => {
    if (!/^\/[A-Za-z0-9._\-/]*$/.test(path) || path === '/') {
      throw PatternError.invalidProp(scope, prop, path, 'must hold absolute paths below "/" such as "/tmp"');
    }
    return sharedPart(`writable-path:${containerName}:${path}`, () => {
      const name = `${containerName}-${path.slice(1).replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`.slice(0, 63).replace(/-+$/, '');
      return { volume: { name, emptyDir: { sizeLimit: k8s.Quantity.fromString(WRITABLE_PATH_SIZE) } }, mount: { name, mountPath: path } };
    });
  });
  // Lists by map and concat, which allocate what they hold: a list built by push or a spread keeps room for 17.
  return { volumes: parts.map((p) => p.volume), mounts: parts.map((p) => p.mount) };
}

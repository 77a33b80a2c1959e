// The props of a ResilientMicroservice and their option types, each with its default.
import { Duration } from 'cdk8s';
import { ServiceExposeOptions } from './edge/service-exposure';
import { ServiceIngressOptions } from './network/service-ingress';
import { ContainerSpec } from './pod/container';
import { PodOptions } from './pod/pod-options';
import { SharedVolume, SidecarSpec } from './pod/sidecars';
import { Probe } from './pod/probes';
import { ContainerResources } from './pod/resources';
import { IRelease } from './release/release-plan';
import { AutoscalingOptions } from './scaling/horizontal-autoscaler';
import { SecretFileMount, SecretKeyRef } from './pod/secret-refs';

/** Liveness, readiness and startup probes. */
export interface ProbeSet {
  /** @default Probe.http('/health') */
  readonly liveness?: Probe;
  /** @default Probe.http('/ready', { period: Duration.seconds(5) }) */
  readonly readiness?: Probe;
  /**
   * Holds off liveness until the app has started; `false` for none.
   * @default - the liveness check, every 5 s, for up to 150 s
   */
  readonly startup?: Probe | false;
}

/** A port Prometheus scrapes. */
export interface MetricsOptions {
  /** The metrics port (named `metrics`). */
  readonly port: number;
  /** @default '/metrics' */
  readonly path?: string;
  /**
   * A prometheus-operator ServiceMonitor scraping the `metrics` port of the service's Services.
   * @default - the environment's `metrics` flag
   */
  readonly serviceMonitor?: boolean;
  /**
   * Whether the app serves `http_requests_total` and `http_request_duration_seconds`, for the platform's
   * error-rate alert and dashboard panels.
   * @default true
   */
  readonly httpMetrics?: boolean;
}

/** Props of a ResilientMicroservice. */
export interface ResilientMicroserviceProps extends PodOptions {
  /** The container image, pinned by a tag other than `latest` or by a digest. */
  readonly image: string;
  /**
   * The port the app serves on (named `http`); the Service exposes the same number.
   * @default 8080
   */
  readonly port?: number;
  /**
   * The name of every object of the service, and its DNS name.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * The `app.kubernetes.io/component` label.
   * @default 'backend'
   */
  readonly component?: string;
  /** @default - the image's entrypoint */
  readonly command?: readonly string[];
  /** @default - the image's arguments */
  readonly args?: readonly string[];
  /**
   * Requests and limits of the main container, before the environment's scale.
   * @default - 100m CPU, 128Mi memory requested; twice that as limits
   */
  readonly resources?: ContainerResources;
  /**
   * Autoscaling on CPU and memory; `false` for a fixed replica count.
   * @default - the environment's bounds at 70 % CPU and 80 % memory
   */
  readonly autoscaling?: AutoscalingOptions | false;
  /**
   * The fixed replica count, only when autoscaling is `false`.
   * @default - the environment's minReplicas
   */
  readonly replicas?: number;
  /**
   * How new versions ship: `Release.rollingUpdate()`, `.recreate()`, `.blueGreen()`, `.canary()` or
   * `.argoRollout()`.
   * @default Release.rollingUpdate() (maxSurge 25 %, maxUnavailable 0)
   */
  readonly release?: IRelease;
  /**
   * Exposes the service on a host through the Platform's edge: an HTTPRoute on its Gateway (or an Ingress under
   * the Ingress edge), with TLS; needed by canaries that split by route weight and by blue/green previews.
   * @default - not exposed outside the cluster
   */
  readonly expose?: ServiceExposeOptions;
  /**
   * @deprecated Use `expose`. An Ingress of class `nginx` admitting the `ingress-nginx` namespace, whatever the
   * Platform's edge; kept for the `nginx-ingress` canary split.
   * @default - none
   */
  readonly ingress?: ServiceIngressOptions;
  /** @default - HTTP /health for liveness, /ready for readiness, a startup probe on /health */
  readonly probes?: ProbeSet;
  /**
   * Settings exposed as environment variables through a ConfigMap (`envFrom`).
   * @default - none
   */
  readonly config?: Readonly<Record<string, string | number | boolean>>;
  /**
   * Files mounted read-only at `configMountPath`, from a second ConfigMap.
   * @default - none
   */
  readonly configFiles?: Readonly<Record<string, string>>;
  /** @default '/etc/config' */
  readonly configMountPath?: string;
  /**
   * Plain environment variables that are not secrets.
   * @default - none
   */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Environment variables read from existing Secrets.
   * @default - none
   */
  readonly secretEnv?: Readonly<Record<string, SecretKeyRef>>;
  /**
   * Existing Secrets mounted as files.
   * @default - none
   */
  readonly secretFiles?: readonly SecretFileMount[];
  /**
   * Secret values written into the YAML as a Secret object. Anyone who can read the manifests can read them:
   * for local experiments only. Each use prints a synth-time warning.
   * @default - none
   */
  readonly insecurePlaintextSecrets?: Readonly<Record<string, string>>;
  /**
   * Containers beside the main one (log shippers, proxies), hardened the same way.
   * @default - none
   */
  readonly sidecars?: readonly SidecarSpec[];
  /**
   * emptyDir volumes the main container and every sidecar mount at the same path (a socket directory, logs a
   * shipper reads).
   * @default - none
   */
  readonly sharedVolumes?: readonly SharedVolume[];
  /**
   * Containers that run to completion before the others start (e.g. wait-for-db, migrations).
   * @default - none
   */
  readonly initContainers?: readonly ContainerSpec[];
  /**
   * Paths the main container writes to, each an emptyDir.
   * @default ['/tmp']
   */
  readonly writablePaths?: readonly string[];
  /**
   * Lets the main container write to its root filesystem. Writable roots let an attacker persist tools in a
   * compromised container; prefer `writablePaths`.
   * @default false
   */
  readonly allowWritableRootFilesystem?: boolean;
  /**
   * uid and gid the pod runs as.
   * @default - the compatibility profile's (10001)
   */
  readonly runAsUser?: number;
  /**
   * Time between SIGTERM and SIGKILL.
   * @default Duration.seconds(30)
   */
  readonly terminationGracePeriod?: Duration;
  /**
   * A pause before SIGTERM (preStop), so endpoints are removed before the app stops accepting; 0 for none. From
   * Kubernetes 1.34 (the Platform's kubernetesVersion) the kubelet's `sleep` action pauses; before, an exec of
   * `sleep`, which the image must have.
   * @default Duration.seconds(5)
   * @see https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/#hook-handler-implementations
   */
  readonly preStopDelay?: Duration;
  /**
   * A metrics port with Prometheus scrape annotations, reachable from the monitoring namespace.
   * @default - none
   */
  readonly metrics?: MetricsOptions;
  /**
   * A VerticalPodAutoscaler in recommendation mode (`updateMode: Off`), which never evicts pods.
   * @default false
   */
  readonly verticalPodAutoscaler?: boolean;
}


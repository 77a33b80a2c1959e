// The gateway's metrics: nginx's stub_status, read over loopback by a pinned nginx-prometheus-exporter sidecar.
import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { INetworkPeer, WiringGraph } from '../network/wiring-graph';
import * as k8s from '../private/k8s';
import { ServiceMonitor } from './service-monitor';
import { HardeningContext, renderContainer, RenderedContainer } from '../pod/container';
import { Probe } from '../pod/probes';
import { STUB_STATUS_PATH } from '../gateway/nginx-config';

/** The exporter image: NGINX's own exporter, pinned (1.5.3, August 2026; 1.5.2 was retracted). */
export const NGINX_EXPORTER_IMAGE = 'nginx/nginx-prometheus-exporter:1.5.3';
/** The exporter's port (its default), named `metrics`. */
export const NGINX_EXPORTER_PORT = 9113;
/** Marks the Service that only exposes the exporter, which the ServiceMonitor selects. */
export const GATEWAY_METRICS_SERVICE_LABEL = 'cdk8s-patterns.io/metrics';

/** Props of GatewayMetrics. */
export interface GatewayMetricsProps {
  /** The gateway: its pods get the ingress allow from the monitoring namespace. */
  readonly peer: INetworkPeer;
  /** The gateway's labels (the Service and ServiceMonitor carry them). */
  readonly labels: Readonly<Record<string, string>>;
  /** The nginx port that serves stub_status, to loopback only. */
  readonly healthPort: number;
  readonly hardening: HardeningContext;
  /** The platform's Prometheus pods (Platform.prometheusPeer()), the only peer the exporter admits. */
  readonly prometheus: k8s.NetworkPolicyPeer;
}

/**
 * The exporter sidecar (hardened like every kit container), a `<name>-metrics` Service exposing only its port,
 * a ServiceMonitor whose series PlatformDashboard shows in the gateway's row, and the ingress allow for
 * Prometheus. The routes' Service never carries the metrics port, so routes and scrapes stay apart.
 * @see https://github.com/nginx/nginx-prometheus-exporter
 */
export class GatewayMetrics extends Construct {
  /** The sidecar, for the gateway's pod template. */
  public readonly container: RenderedContainer;
  public readonly service: k8s.KubeService;
  public readonly serviceMonitor: ServiceMonitor;

  constructor(scope: Construct, id: string, props: GatewayMetricsProps) {
    super(scope, id);
    const peer = props.peer;
    this.container = renderContainer(scope, 'metrics', {
      name: 'metrics',
      image: NGINX_EXPORTER_IMAGE,
      args: [
        `--nginx.scrape-uri=http://127.0.0.1:${props.healthPort}${STUB_STATUS_PATH}`,
        `--web.listen-address=:${NGINX_EXPORTER_PORT}`,
      ],
      ports: [{ name: 'metrics', port: NGINX_EXPORTER_PORT }],
      // A static binary that writes nothing.
      writablePaths: [],
    }, props.hardening, { requests: { cpu: '10m', memory: '32Mi' } }, {
      livenessProbe: Probe.tcp({ period: Duration.seconds(10) }).render(scope, 'metrics.liveness', 'metrics'),
      readinessProbe: Probe.http('/', { period: Duration.seconds(10) }).render(scope, 'metrics.readiness', 'metrics'),
    });
    const labels = { ...props.labels, [GATEWAY_METRICS_SERVICE_LABEL]: 'true' };
    this.service = new k8s.KubeService(this, 'Service', {
      metadata: { name: `${peer.workloadName}-metrics`, labels },
      spec: {
        type: 'ClusterIP',
        selector: { ...peer.podSelector },
        ports: [{ name: 'metrics', port: NGINX_EXPORTER_PORT, targetPort: k8s.IntOrString.fromString('metrics'), protocol: 'TCP' }],
      },
    });
    this.serviceMonitor = new ServiceMonitor(this, 'ServiceMonitor', {
      workloadName: peer.workloadName,
      serviceSelector: { ...peer.podSelector, [GATEWAY_METRICS_SERVICE_LABEL]: 'true' },
      labels: props.labels,
      nginxMetrics: true,
    });
    WiringGraph.of(scope).addExternal({
      peer, direction: 'ingress', ports: [{ port: NGINX_EXPORTER_PORT }], description: 'prometheus',
      others: [props.prometheus],
    });
  }
}

// The Ingress of one exposure under the Ingress edge: one class, TLS from the exposer's GatewayTls, and only the
// annotations asked for by name (the edge's and the exposer's) besides cert-manager's issuer.
import { Construct } from 'constructs';
import { RenderedGatewayTls } from '../gateway/gateway-tls';
import * as k8s from '../private/k8s';
import { RouteBackend } from './http-route';

/** Props of an exposure's Ingress. */
export interface EdgeIngressProps {
  readonly name: string;
  readonly className: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly hosts: readonly string[];
  readonly path: string;
  readonly backend: RouteBackend;
  readonly tls: RenderedGatewayTls;
  /** The edge's annotations, then the exposer's, then the issuer's. */
  readonly annotations: Readonly<Record<string, string>>;
}

/**
 * An Ingress for `hosts` under `path` to one Service port.
 * @see https://kubernetes.io/docs/concepts/services-networking/ingress/
 */
export function createEdgeIngress(scope: Construct, id: string, props: EdgeIngressProps): k8s.KubeIngress {
  const annotations = { ...props.annotations };
  return new k8s.KubeIngress(scope, id, {
    metadata: { name: props.name, labels: { ...props.labels }, annotations: Object.keys(annotations).length ? annotations : undefined },
    spec: {
      ingressClassName: props.className,
      tls: props.tls.tls.length ? props.tls.tls : undefined,
      rules: props.hosts.map((host) => ({
        host,
        http: {
          paths: [{
            path: props.path,
            pathType: 'Prefix',
            backend: { service: { name: props.backend.serviceName, port: { number: props.backend.port } } },
          }],
        },
      })),
    },
  });
}

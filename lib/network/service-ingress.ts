// A minimal Ingress exposing one microservice through an nginx ingress controller, with TLS and the network allow.
import { Construct } from 'constructs';
import * as k8s from '../private/k8s';
import { checkDnsLabel, checkDnsSubdomain } from '../private/prop-checks';
import { PatternError } from '../errors';
import { INetworkPeer, WiringGraph } from './wiring-graph';

/** How a microservice is exposed outside the cluster. */
export interface ServiceIngressOptions {
  /** The public host name. */
  readonly host: string;
  /** @default '/' */
  readonly path?: string;
  /** @default 'nginx' */
  readonly className?: string;
  /**
   * The `kubernetes.io/tls` Secret holding the host's certificate (e.g. written by cert-manager).
   * @default - `<name>-tls`
   */
  readonly tlsSecretName?: string;
  /**
   * The namespace the ingress controller's pods run in; they are allowed in on the service's port.
   * @default 'ingress-nginx'
   */
  readonly controllerNamespace?: string;
}

/** Props of a ServiceIngress. */
export interface ServiceIngressProps extends ServiceIngressOptions {
  /** The workload whose pods the controller may reach. */
  readonly peer: INetworkPeer;
  /** The Ingress's name, also the Service it routes to. */
  readonly serviceName: string;
  /** The Service port (by name) the Ingress routes to. */
  readonly portName: string;
  /** The container port the controller connects to. */
  readonly port: number;
  readonly labels: Record<string, string>;
}

/**
 * An Ingress `<name>` for one host and path, TLS always on, and an ingress allow from the controller's namespace.
 * @see https://kubernetes.io/docs/concepts/services-networking/ingress/
 */
export class ServiceIngress extends Construct {
  public readonly apiObject: k8s.KubeIngress;
  public readonly name: string;
  public readonly host: string;
  public readonly path: string;
  public readonly className: string;
  public readonly tlsSecretName: string;
  public readonly controllerNamespace: string;

  constructor(scope: Construct, id: string, props: ServiceIngressProps) {
    super(scope, id);
    this.name = props.serviceName;
    this.host = props.host;
    this.path = props.path ?? '/';
    this.className = props.className ?? 'nginx';
    this.tlsSecretName = props.tlsSecretName ?? `${props.serviceName}-tls`;
    this.controllerNamespace = props.controllerNamespace ?? 'ingress-nginx';
    checkDnsSubdomain(scope, 'ingress.host', this.host);
    if (!/^\/[A-Za-z0-9._~\-/]*$/.test(this.path)) {
      throw PatternError.invalidProp(scope, 'ingress.path', this.path, 'must be an absolute URL path such as "/" or "/api"');
    }
    checkDnsLabel(scope, 'ingress.className', this.className, 253);
    checkDnsLabel(scope, 'ingress.tlsSecretName', this.tlsSecretName, 253);
    checkDnsLabel(scope, 'ingress.controllerNamespace', this.controllerNamespace);
    this.apiObject = new k8s.KubeIngress(this, 'Resource', {
      metadata: { name: this.name, labels: props.labels },
      spec: {
        ingressClassName: this.className,
        tls: [{ hosts: [this.host], secretName: this.tlsSecretName }],
        rules: [{
          host: this.host,
          http: {
            paths: [{
              path: this.path,
              pathType: 'Prefix',
              backend: { service: { name: props.serviceName, port: { name: props.portName } } },
            }],
          },
        }],
      },
    });
    WiringGraph.of(this).addExternal({
      peer: props.peer, direction: 'ingress', ports: [{ port: props.port }], description: 'ingress-controller',
      others: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': this.controllerNamespace } } }],
    });
  }
}

// The Gateway a platform creates: an HTTP listener for the redirect and ACME challenges, and one HTTPS listener
// per host with that host's certificate, all admitting routes of the platform's namespace only.
import { ApiObject, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { PatternError } from '../errors';
import { checkPort } from '../private/prop-checks';
import { compareCodePoints } from '../private/ordering';

/** The Gateway API version the kit emits for Gateway, HTTPRoute (and GatewayClass). */
export const GATEWAY_API_VERSION = 'gateway.networking.k8s.io/v1';
/** The listener routes without TLS and the HTTP→HTTPS redirect attach to. */
export const HTTP_LISTENER = 'http';

/** Props of a PlatformGateway. */
export interface PlatformGatewayProps {
  readonly name: string;
  readonly className: string;
  readonly labels: Readonly<Record<string, string>>;
  /** @default 80 */
  readonly httpPort?: number;
  /** @default 443 */
  readonly httpsPort?: number;
}

interface HttpsListener {
  readonly host: string;
  readonly secretName: string;
  readonly owner: string;
}

/**
 * A Gateway whose HTTPS listeners follow the hosts routed through it (added at construction, rendered at synth).
 * cert-manager's issuer annotation, when any host's certificate comes from cert-manager, makes cert-manager
 * issue one Certificate per Secret the listeners name.
 * @see https://gateway-api.sigs.k8s.io/reference/spec/#gateway
 * @see https://cert-manager.io/docs/usage/gateway/
 */
export class PlatformGateway extends Construct {
  public readonly apiObject: ApiObject;
  public readonly gatewayName: string;
  private readonly listeners = new Map<string, HttpsListener>();
  private issuer?: { readonly key: string; readonly value: string; readonly owner: string };

  constructor(scope: Construct, id: string, props: PlatformGatewayProps) {
    super(scope, id);
    this.gatewayName = props.name;
    const httpPort = props.httpPort ?? 80;
    const httpsPort = props.httpsPort ?? 443;
    checkPort(scope, 'edge.create.httpPort', httpPort);
    checkPort(scope, 'edge.create.httpsPort', httpsPort);
    if (httpPort === httpsPort) throw PatternError.invalidProp(scope, 'edge.create.httpsPort', httpsPort, `must differ from httpPort (${httpPort})`);
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: GATEWAY_API_VERSION,
      kind: 'Gateway',
      metadata: {
        name: props.name,
        labels: { ...props.labels },
      },
      spec: {
        gatewayClassName: props.className,
        listeners: Lazy.any({ produce: () => this.renderListeners(httpPort, httpsPort) }),
      },
    });
  }

  /** The HTTPS listener of `host`, created on first use; the same host must keep the same certificate. */
  public listenerFor(scope: IConstruct, props: { readonly host: string; readonly secretName: string }, host: string, secretName: string): string {
    const existing = this.listeners.get(host);
    if (existing && existing.secretName !== secretName) {
      throw PatternError.invalidProp(scope, props.secretName, secretName,
        `must be the certificate Secret host "${host}" already has on the Gateway ("${existing.secretName}", from ${existing.owner}): one host, one listener, one certificate`);
    }
    if (!existing && this.listeners.size >= 63) {
      throw PatternError.invalidProp(scope, props.host, host, 'would be the 64th listener: a Gateway holds at most 64 (one is the HTTP listener)');
    }
    const clash = existing ? undefined : [...this.listeners.values()].find((l) => listenerName(l.host) === listenerName(host));
    if (clash) {
      throw PatternError.invalidProp(scope, props.host, host,
        `would share the listener name "${listenerName(host)}" with host "${clash.host}" (from ${clash.owner}): use host names that differ by more than "." and "-"`);
    }
    if (!existing) this.listeners.set(host, { host, secretName, owner: scope.node.path });
    return listenerName(host);
  }

  /** Sets cert-manager's issuer annotation; every host of one Gateway shares it. */
  public useIssuer(scope: IConstruct, prop: string, annotations: Readonly<Record<string, string>>): void {
    for (const [key, value] of Object.entries(annotations)) {
      if (this.issuer && (this.issuer.key !== key || this.issuer.value !== value)) {
        throw PatternError.invalidProp(scope, prop, `${key}: ${value}`,
          `must be the issuer the platform's Gateway already uses (${this.issuer.key}: ${this.issuer.value}, from ${this.issuer.owner}): cert-manager reads one issuer per Gateway`);
      }
      if (!this.issuer) this.apiObject.metadata.addAnnotation(key, value);
      this.issuer ??= { key, value, owner: scope.node.path };
    }
  }

  /** The hosts with an HTTPS listener, sorted. */
  public get httpsHosts(): readonly string[] {
    return [...this.listeners.keys()].sort(compareCodePoints);
  }

  /** The issuer annotation, if any host's certificate comes from cert-manager. */
  public get issuerAnnotation(): { readonly key: string; readonly value: string } | undefined {
    return this.issuer;
  }

  private renderListeners(httpPort: number, httpsPort: number): Record<string, unknown>[] {
    const allowedRoutes = { namespaces: { from: 'Same' } };
    const https = [...this.listeners.values()]
      .sort((a, b) => compareCodePoints(listenerName(a.host), listenerName(b.host)))
      .map((l) => ({
        name: listenerName(l.host),
        hostname: l.host,
        port: httpsPort,
        protocol: 'HTTPS',
        tls: { mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: l.secretName }] },
        allowedRoutes,
      }));
    return [{ name: HTTP_LISTENER, port: httpPort, protocol: 'HTTP', allowedRoutes }, ...https];
  }
}

/** The HTTPS listener's name of a host: `https-` and the host with dots as dashes (`*.` as `wildcard-`). */
export function listenerName(host: string): string {
  return `https-${host.replace(/^\*\./, 'wildcard.').replace(/\./g, '-')}`;
}

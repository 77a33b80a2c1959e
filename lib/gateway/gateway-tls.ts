// How the API gateway's Ingress gets its TLS certificate: an existing Secret, cert-manager, or explicitly none.
import { IConstruct } from 'constructs';
import { PatternError } from '../errors';
import * as k8s from '../private/k8s';
import { checkDnsLabel } from '../private/prop-checks';

/** Options of `GatewayTls.certManager`. */
export interface CertManagerOptions {
  /**
   * The Secret cert-manager writes the certificate into.
   * @default - `<gateway name>-tls`
   */
  readonly secretName?: string;
  /**
   * Whether `issuer` names a cluster-wide ClusterIssuer or an Issuer in the gateway's namespace.
   * @default 'ClusterIssuer'
   * @see https://cert-manager.io/docs/usage/ingress/
   */
  readonly issuerKind?: 'ClusterIssuer' | 'Issuer';
}

/** What a GatewayTls adds to the Ingress. */
export interface RenderedGatewayTls {
  /** The Ingress `spec.tls` entries; empty when TLS is off. */
  readonly tls: k8s.IngressTls[];
  /** Annotations for the Ingress (cert-manager's issuer). */
  readonly annotations: Record<string, string>;
}

type TlsSource =
  | { readonly kind: 'secret'; readonly secretName: string }
  | { readonly kind: 'cert-manager'; readonly issuer: string; readonly secretName?: string; readonly issuerKind: 'ClusterIssuer' | 'Issuer' }
  | { readonly kind: 'none' };

/**
 * TLS of the gateway's Ingress. The Ingress controller terminates TLS; the gateway pods speak plain HTTP inside
 * the cluster behind it.
 * @see https://kubernetes.io/docs/concepts/services-networking/ingress/#tls
 */
export class GatewayTls {
  /** A certificate in an existing `kubernetes.io/tls` Secret in the gateway's namespace. */
  public static fromSecret(secretName: string): GatewayTls {
    return new GatewayTls({ kind: 'secret', secretName });
  }

  /** A certificate issued and renewed by cert-manager, which watches the issuer annotation on the Ingress. */
  public static certManager(issuer: string, options: CertManagerOptions = {}): GatewayTls {
    return new GatewayTls({
      kind: 'cert-manager', issuer, secretName: options.secretName, issuerKind: options.issuerKind ?? 'ClusterIssuer',
    });
  }

  /**
   * No TLS: clients talk plain HTTP to the Ingress, and credentials and cookies cross the network readable.
   * Polaris reports tlsSettingsMissing; the gateway prints a synth-time warning.
   */
  public static insecurePlaintext(): GatewayTls {
    return new GatewayTls({ kind: 'none' });
  }

  private constructor(private readonly source: TlsSource) {}

  /** Whether clients reach the gateway over TLS. */
  public get enabled(): boolean {
    return this.source.kind !== 'none';
  }

  /** The Secret holding the certificate, or undefined without TLS. */
  public secretName(gatewayName: string): string | undefined {
    switch (this.source.kind) {
      case 'secret': return this.source.secretName;
      case 'cert-manager': return this.source.secretName ?? `${gatewayName}-tls`;
      case 'none': return undefined;
    }
  }

  /** The Ingress fields for `hosts`, checking names; `prop` prefixes errors. */
  public render(scope: IConstruct, prop: string, gatewayName: string, hosts: readonly string[]): RenderedGatewayTls {
    const source = this.source;
    if (source.kind === 'none') return { tls: [], annotations: {} };
    const secretName = this.secretName(gatewayName)!;
    checkDnsLabel(scope, `${prop}.secretName`, secretName, 253);
    const tls = [{ hosts: [...hosts], secretName }];
    if (source.kind === 'secret') return { tls, annotations: {} };
    if (typeof source.issuer !== 'string' || !/^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/.test(source.issuer) || source.issuer.length > 253) {
      throw PatternError.invalidProp(scope, `${prop}.issuer`, source.issuer,
        'must name a cert-manager issuer: lower-case letters, digits, \'-\' and \'.\'');
    }
    const annotation = source.issuerKind === 'Issuer' ? 'cert-manager.io/issuer' : 'cert-manager.io/cluster-issuer';
    return { tls, annotations: { [annotation]: source.issuer } };
  }
}

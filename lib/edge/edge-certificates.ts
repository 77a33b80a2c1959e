// What TLS at the edge needs besides the listener: cert-manager Certificates for a Gateway the platform does not
// own, a ReferenceGrant letting that Gateway read the platform's Secrets, and a NetworkPolicy admitting the data
// plane to cert-manager's HTTP-01 solver pods.
import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../private/k8s';
import { compareCodePoints } from '../private/ordering';

/** The cert-manager API version the kit emits. */
export const CERT_MANAGER_API_VERSION = 'cert-manager.io/v1';
/** ReferenceGrant is served at v1beta1 (Gateway API standard channel; no v1 yet). */
export const REFERENCE_GRANT_API_VERSION = 'gateway.networking.k8s.io/v1beta1';
/** cert-manager's acmesolver: the label on its pods and the port it listens on. */
export const HTTP01_SOLVER = { podLabels: { 'acme.cert-manager.io/http01-solver': 'true' }, port: 8089 } as const;

/** A cert-manager issuer as its annotation names it. */
export interface IssuerRef {
  readonly name: string;
  readonly kind: 'ClusterIssuer' | 'Issuer';
}

/** The issuer an annotation from `GatewayTls.render` names, if any. */
export function issuerOf(annotations: Readonly<Record<string, string>>): IssuerRef | undefined {
  if (annotations['cert-manager.io/cluster-issuer']) return { name: annotations['cert-manager.io/cluster-issuer'], kind: 'ClusterIssuer' };
  if (annotations['cert-manager.io/issuer']) return { name: annotations['cert-manager.io/issuer'], kind: 'Issuer' };
  return undefined;
}

/** A Certificate for the hosts `hosts()` gives at synth, into `secretName`, from `issuer`. */
export function createCertificate(scope: Construct, id: string, props: {
  readonly secretName: string; readonly hosts: () => string[]; readonly issuer: IssuerRef; readonly labels: Readonly<Record<string, string>>;
}): ApiObject {
  return new ApiObject(scope, id, {
    apiVersion: CERT_MANAGER_API_VERSION,
    kind: 'Certificate',
    metadata: { name: props.secretName, labels: { ...props.labels } },
    spec: {
      secretName: props.secretName,
      dnsNames: Lazy.any({ produce: () => props.hosts() }),
      issuerRef: { group: 'cert-manager.io', kind: props.issuer.kind, name: props.issuer.name },
      privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
    },
  });
}

/**
 * A ReferenceGrant in the platform's namespace letting Gateways of `fromNamespace` use the Secrets `secrets()`
 * lists at synth (their listeners' certificateRefs).
 * @see https://gateway-api.sigs.k8s.io/api-types/referencegrant/
 */
export function createSecretGrant(scope: Construct, id: string, props: {
  readonly name: string; readonly fromNamespace: string; readonly labels: Readonly<Record<string, string>>; readonly secrets: () => string[];
}): ApiObject {
  return new ApiObject(scope, id, {
    apiVersion: REFERENCE_GRANT_API_VERSION,
    kind: 'ReferenceGrant',
    metadata: { name: props.name, labels: { ...props.labels } },
    spec: {
      from: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: props.fromNamespace }],
      to: Lazy.any({ produce: () => [...new Set(props.secrets())].sort(compareCodePoints).map((name) => ({ group: '', kind: 'Secret', name })) }),
    },
  });
}

/**
 * Admits the edge's data plane to cert-manager's HTTP-01 solver pods (which start in the platform's namespace,
 * under its default deny) on the solver's port, and nothing else.
 * @see https://cert-manager.io/docs/installation/best-practice/#network-requirements
 */
export function createSolverPolicy(scope: Construct, id: string, props: {
  readonly labels: Readonly<Record<string, string>>; readonly dataPlane: readonly k8s.NetworkPolicyPeer[];
}): k8s.KubeNetworkPolicy {
  return new k8s.KubeNetworkPolicy(scope, id, {
    metadata: { name: 'allow-acme-http01-solver', labels: { ...props.labels } },
    spec: {
      podSelector: { matchLabels: { ...HTTP01_SOLVER.podLabels } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [...props.dataPlane], ports: [{ port: k8s.IntOrString.fromNumber(HTTP01_SOLVER.port), protocol: 'TCP' }] }],
    },
  });
}

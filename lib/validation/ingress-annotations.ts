// Ingress annotations that switch off the TLS redirect, change the certificate's issuer or inject configuration.
import { ApiObject } from 'cdk8s';
import { Finding, finding, fieldPath, foundText } from './finding';
import { IndexedObject } from './object-index';

/** The rule id; waive it per Ingress, with a reason, where such an annotation is meant. */
export const INGRESS_ANNOTATIONS_RULE = 'policy/ingress-annotations';

/** Annotations that, set to "false", let clients stay on plain HTTP. */
const REDIRECT_ANNOTATIONS = new Set([
  'nginx.ingress.kubernetes.io/ssl-redirect',
  'nginx.ingress.kubernetes.io/force-ssl-redirect',
]);
/** cert-manager's ingress-shim annotations that choose who signs the certificate. */
const ISSUER_ANNOTATIONS = new Set([
  'cert-manager.io/issuer',
  'cert-manager.io/cluster-issuer',
  'cert-manager.io/issuer-kind',
  'cert-manager.io/issuer-group',
  'kubernetes.io/tls-acme',
]);

const OWN_ANNOTATIONS = new WeakMap<ApiObject, Readonly<Record<string, string>>>();

/**
 * Records the annotations a construct put on an object itself (the issuer its `tls` prop chose), so the rule
 * tells them from those a user passed in: only the latter can change the issuer behind the construct's back.
 */
export function declareOwnAnnotations(object: ApiObject, annotations: Readonly<Record<string, string>>): void {
  OWN_ANNOTATIONS.set(object, { ...annotations });
}

/** What `declareOwnAnnotations` recorded for an object, if anything. */
export function ownAnnotationsOf(object: ApiObject): Readonly<Record<string, string>> | undefined {
  return OWN_ANNOTATIONS.get(object);
}

/**
 * One error per annotation of an Ingress that weakens it: `ssl-redirect`/`force-ssl-redirect` set to "false",
 * any `…snippet` annotation (raw controller configuration; CVE-2021-25742 read every Secret through one), and
 * cert-manager issuer annotations the producing construct did not set itself. For objects no construct vouched
 * for, an issuer annotation counts as chosen deliberately.
 */
export function checkIngressAnnotations(object: IndexedObject): Finding[] {
  if (object.kind !== 'Ingress') return [];
  const annotations: Record<string, unknown> = object.json.metadata?.annotations ?? {};
  const own = object.ownAnnotations;
  const findings: Finding[] = [];
  for (const key of Object.keys(annotations).sort()) {
    const value = annotations[key];
    const problem = weakening(key, value, own);
    if (problem) {
      findings.push(finding(INGRESS_ANNOTATIONS_RULE, 'error', object, fieldPath('metadata.annotations', key),
        foundText(`${key}: ${JSON.stringify(value)}, which ${problem}`),
        `no such annotation; where it is meant, waive ${INGRESS_ANNOTATIONS_RULE} for this Ingress with the reason`));
    }
  }
  return findings;
}

function weakening(key: string, value: unknown, own: Readonly<Record<string, string>> | undefined): string | undefined {
  if (REDIRECT_ANNOTATIONS.has(key) && String(value).trim().toLowerCase() === 'false') {
    return 'lets clients stay on plain HTTP';
  }
  const name = key.slice(key.indexOf('/') + 1);
  if (/snippet/i.test(name)) return 'injects raw configuration into the ingress controller';
  if (ISSUER_ANNOTATIONS.has(key) && own && own[key] !== value) {
    return 'changes who signs the certificate: choose the issuer through the construct\'s tls prop';
  }
  return undefined;
}

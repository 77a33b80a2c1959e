// Secret values in the manifest and the kit's insecure opt-ins: a hand-made plaintext Secret is an error; an opt-in
// the kit marked (plaintext credentials, a plain-HTTP gateway) is a warning, and an error in production.
import { IConstruct } from 'constructs';
import { Finding, finding, foundText } from './finding';
import { IndexedObject, ObjectIndex } from './object-index';

/** Rule ids of the plaintext and opt-in checks. */
export const InsecureOptInRules = {
  /** A Secret with values in the manifest that no opt-in of the kit produced (written by hand). */
  PLAINTEXT_SECRET: 'policy/plaintext-secret',
  /** An insecure opt-in of the kit: a warning, and in a production environment an error unless waived. */
  INSECURE_OPT_IN: 'policy/insecure-opt-in',
} as const;

/** One insecure opt-in, recorded on the ApiObject that carries it. */
export interface InsecureOptIn {
  /** Construct path of the ApiObject (the plaintext Secret, the plain-HTTP Ingress). */
  readonly constructPath: string;
  /** The opt-in used, e.g. `insecurePlaintextSecrets` or `GatewayTls.insecurePlaintext()`. */
  readonly optIn: string;
  /** What it exposes, in one sentence. */
  readonly risk: string;
  /** What to use instead. */
  readonly instead: string;
  /** Whether the object goes to a production environment. */
  readonly production: boolean;
}

const OPT_IN = 'cdk8s-patterns:insecure-opt-in';

/** Records an insecure opt-in on the ApiObject that carries it; validation reports it. */
export function recordInsecureOptIn(object: IConstruct, optIn: Omit<InsecureOptIn, 'constructPath'>): void {
  object.node.addMetadata(OPT_IN, optIn);
}

/** The opt-ins recorded on one construct. */
export function insecureOptInsOf(construct: IConstruct): InsecureOptIn[] {
  return construct.node.metadata.filter((entry) => entry.type === OPT_IN)
    .map((entry) => ({ ...(entry.data as Omit<InsecureOptIn, 'constructPath'>), constructPath: construct.node.path }));
}

/** Reports every recorded opt-in, and every Secret with values that no opt-in accounts for. */
export function checkPlaintextAndOptIns(index: ObjectIndex, optIns: readonly InsecureOptIn[]): Finding[] {
  const byPath = new Map<string, IndexedObject>();
  if (optIns.length > 0) for (const object of index.all) if (object.constructPath) byPath.set(object.constructPath, object);
  const findings: Finding[] = [];
  const optedIn = new Set<IndexedObject>();
  for (const optIn of optIns) {
    const object = byPath.get(optIn.constructPath);
    if (!object) continue; // not in this object set (another app, or a scope the caller left out)
    optedIn.add(object);
    findings.push(finding(InsecureOptInRules.INSECURE_OPT_IN, optIn.production ? 'error' : 'warning', object, '',
      foundText(`${optIn.optIn}: ${optIn.risk}`),
      optIn.production
        ? `${optIn.instead}; in production an insecure opt-in needs a waiver with a reason: Validation.of(scope).waive('${InsecureOptInRules.INSECURE_OPT_IN}', { kind: '${object.kind}', name: '${object.name}' }, reason)`
        : `${optIn.instead} outside local experiments`));
  }
  for (const secret of index.everyOfKind('Secret')) if (!optedIn.has(secret)) findings.push(...checkPlaintextSecret(secret));
  return findings;
}

function checkPlaintextSecret(secret: IndexedObject): Finding[] {
  const values = { ...(isMap(secret.json.data) ? secret.json.data : {}), ...(isMap(secret.json.stringData) ? secret.json.stringData : {}) };
  const keys = Object.keys(values);
  if (keys.length === 0) return [];
  return [finding(InsecureOptInRules.PLAINTEXT_SECRET, 'error', secret, secret.json.stringData ? 'stringData' : 'data',
    foundText(`${keys.length} secret value(s) in plain text (${keys.join(', ')})`),
    'no values in the manifest: an existing Secret (External Secrets, sealed-secrets) referenced by name, '
    + `or a waiver with a reason: Validation.of(scope).waive('${InsecureOptInRules.PLAINTEXT_SECRET}', { kind: 'Secret', name: '${secret.name}' }, reason)`)];
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Insecure opt-ins (secret values in the YAML, plain HTTP): recorded on the object that carries them, so validation
// reports each one, as a warning, and in a production environment as an error unless waived with a reason.
import { IConstruct } from 'constructs';
import { Platform } from './platform';
import { recordInsecureOptIn } from './validation/insecure-opt-ins';

/** What an insecure opt-in is and what to use instead, for the finding. */
export interface InsecureOptInDescription {
  /** The prop or value used, e.g. `insecurePlaintextSecrets`. */
  readonly optIn: string;
  /** What it exposes, e.g. "1 secret value(s) written into the YAML in plain text". */
  readonly risk: string;
  /** The secure alternative. */
  readonly instead: string;
}

/** Records an insecure opt-in on `object` (an ApiObject), with whether its Platform's environment is production. */
export function markInsecureOptIn(object: IConstruct, description: InsecureOptInDescription): void {
  recordInsecureOptIn(object, { ...description, production: Platform.of(object).environment.production });
}

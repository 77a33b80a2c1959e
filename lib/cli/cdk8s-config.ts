// What the commands read from a project's cdk8s.yaml: the command that runs the app and the output folder.
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { load } from 'js-yaml';

/** The fields of cdk8s.yaml the kit's commands use. */
export interface Cdk8sConfig {
  /** The command that runs the app (`app:`), e.g. `npx ts-node main.ts`. */
  readonly app?: string;
  /** The output folder (`output:`). */
  readonly output?: string;
}

/** The output folder when neither the command line nor cdk8s.yaml names one (as `cdk8s synth`). */
export const DEFAULT_OUTPUT = 'dist';

/** Reads `cwd/cdk8s.yaml`; a missing file gives no fields. */
export function readCdk8sConfig(cwd: string): Cdk8sConfig {
  const path = join(cwd, 'cdk8s.yaml');
  if (!existsSync(path)) return {};
  const config = load(readFileSync(path, 'utf8')) as { app?: unknown; output?: unknown } | null;
  return {
    app: typeof config?.app === 'string' ? config.app : undefined,
    output: typeof config?.output === 'string' ? config.output : undefined,
  };
}

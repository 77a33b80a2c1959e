// Before any test:
// - The schema validators are built from the installed packages when missing or stale (what `npm run schemas`
//   does; ~6 s when they are, ~0.5 s to find they are not), so `npx jest` works on a fresh checkout.
// - Every temp folder of the run goes under one folder of its own (TMPDIR, which os.tmpdir() and so cdk8s's
//   Testing.app() read, is inherited by the workers), which global-teardown.ts removes: a full run made ~1,700
//   folders (most of them Testing.app()'s empty outdirs) and left them in the system's temp folder.
import { spawnSync } from 'child_process';
import { chmodSync, mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

/** The environment variable that tells global-teardown.ts which folder to remove. */
export const RUN_TEMP_VARIABLE = 'CDK8S_PATTERNS_JEST_TMPDIR';

export default function globalSetup(): void {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, '..', '..', 'scripts', 'generate-schemas.ts')],
    { stdio: 'inherit' });
  if (result.status !== 0) throw new Error('npm run schemas failed: the schema validators could not be generated');
  const runTemp = mkdtempSync(join(tmpdir(), 'cdk8s-patterns-jest-'));
  // Like the system's temp folder: the real-program tests run servers as other users (postgres, nobody).
  chmodSync(runTemp, 0o1777);
  process.env[RUN_TEMP_VARIABLE] = runTemp;
  process.env.TMPDIR = runTemp;
}

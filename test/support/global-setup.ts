// Before any test: the schema validators are built from the installed packages when missing or stale (what
// `npm run schemas` does; ~6 s when they are, ~0.5 s to find they are not), so `npx jest` works on a fresh checkout.
import { spawnSync } from 'child_process';
import { join } from 'path';

export default function globalSetup(): void {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, '..', '..', 'scripts', 'generate-schemas.ts')],
    { stdio: 'inherit' });
  if (result.status !== 0) throw new Error('npm run schemas failed: the schema validators could not be generated');
}

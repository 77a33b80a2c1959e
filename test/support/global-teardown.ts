// After the run: removes the run's own temp folder (global-setup.ts), whatever the tests left in it.
import { rmSync } from 'fs';
import { RUN_TEMP_VARIABLE } from './global-setup';

export default function globalTeardown(): void {
  const runTemp = process.env[RUN_TEMP_VARIABLE];
  if (runTemp) rmSync(runTemp, { recursive: true, force: true });
}

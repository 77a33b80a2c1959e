// `npm run synth`: brings the schema validators up to date, as `npm run schemas` does, then synthesizes the
// reference platforms (apps/main.ts) in the same process: a second start of node and tsx cost ~0.1 s of the loop.
import { ensureSchemas } from './generate-schemas';

ensureSchemas().then(() => {
  require('../apps/main');
}, (error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? error}\n`);
  process.exitCode = 1;
});

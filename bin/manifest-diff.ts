#!/usr/bin/env node
// `npm run diff`: what the current code would change in dist/, or between two directories (see --help).
import { runManifestDiff } from '../lib/diff/cli';

process.exitCode = runManifestDiff(process.argv.slice(2), {
  cwd: process.cwd(),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTty: Boolean(process.stdout.isTTY),
  env: process.env,
});

#!/usr/bin/env node
// `npm run diff` / `manifest-diff`: what the current code would change in dist/, or between two directories (see
// --help). The same command as `cdk8s-patterns diff`.
import { processIo, runManifestDiff } from '../lib/cli';

process.exitCode = runManifestDiff(process.argv.slice(2), processIo());

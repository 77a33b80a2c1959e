#!/usr/bin/env node
// `cdk8s-patterns synth | validate | diff`: the kit's command line for a cdk8s project (see --help).
import { processIo, runCli } from '../lib/cli';

process.exitCode = runCli(process.argv.slice(2), processIo());

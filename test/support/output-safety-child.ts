// A synth in a process of its own, for the tests that kill it or run two at once:
// `node --import tsx output-safety-child.ts <outdir> <old|new> <thread|reports>`. Prints `ready` just before
// synthesizing, `done` after.
import { synthesize } from '../../lib';
import { outputSafetyApp, outputSafetyLayout, OutputVersion } from './output-safety-app';

const [outdir, version, mode] = process.argv.slice(2);
const app = outputSafetyApp(version as OutputVersion);
process.stdout.write('ready\n');
// The default layout writes on the worker thread; the reports layout on this one.
synthesize(app, { outdir, layout: mode === 'reports' ? outputSafetyLayout : undefined, warn: () => undefined });
process.stdout.write('done\n');

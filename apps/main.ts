// The cdk8s entry: every reference platform in every environment, written to dist/ with its diagram and report.
import { App } from 'cdk8s';
import { Environment, synthesize } from '../lib';
import { withPlatformReports } from '../lib/reports';
import { blogPlatform } from './blog';
import { ecommercePlatform } from './ecommerce';

const ENVIRONMENTS = [Environment.DEVELOPMENT, Environment.STAGING, Environment.PRODUCTION];

const app = new App();
for (const environment of ENVIRONMENTS) {
  blogPlatform(app, environment);
  ecommercePlatform(app, environment);
}
try {
  synthesize(app, { layout: withPlatformReports() });
} catch (error) {
  // The kit's errors carry the whole report in their message, and a short stack (CDK8S_PATTERNS_VERBOSE=1: full).
  process.stderr.write(`${(error as Error).stack ?? error}\n`);
  process.exitCode = 1;
}

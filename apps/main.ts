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
synthesize(app, { layout: withPlatformReports() });

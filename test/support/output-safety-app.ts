// The app the output-safety tests replace outputs with: `old` and `new` differ in bytes and in their set of files.
import { App, Testing } from 'cdk8s';
import { Environment, Platform, ResilientMicroservice } from '../../lib';
import { withPlatformReports } from '../../lib/reports';

export type OutputVersion = 'old' | 'new';

/** Two platforms (`new` adds a third environment and a service), each with its reports: a dozen files or so. */
export function outputSafetyApp(version: OutputVersion): App {
  const app = Testing.app();
  const environments = version === 'old' ? [Environment.STAGING, Environment.PRODUCTION]
    : [Environment.DEVELOPMENT, Environment.STAGING, Environment.PRODUCTION];
  for (const name of ['shop', 'blog']) {
    for (const environment of environments) {
      const platform = new Platform(app, `${name}-${environment.name}`, { name, environment });
      const services = version === 'old' ? 3 : 4;
      for (let i = 0; i < services; i++) {
        new ResilientMicroservice(platform, `svc-${i}`, { image: `registry.example.com/${name}/svc-${i}:1.${version === 'old' ? 0 : 1}.${i}` });
      }
    }
  }
  return app;
}

/** The layout the tests synthesize with: YAML and the reports. */
export const outputSafetyLayout = withPlatformReports();

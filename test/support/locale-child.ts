// Synthesizes both reference platforms, and a platform whose names locales collate differently, into argv[2]:
// `node --import tsx locale-child.ts <outdir>`, run by test/apps/locale-determinism.test.ts under several locales.
import { App } from 'cdk8s';
import { Environment, Platform, PlatformDashboard, ResilientMicroservice, synthesize } from '../../lib';
import { withPlatformReports } from '../../lib/reports';
import { blogPlatform } from '../../apps/blog';
import { ecommercePlatform } from '../../apps/ecommerce';

const app = new App();
for (const environment of [Environment.DEVELOPMENT, Environment.STAGING, Environment.PRODUCTION]) {
  blogPlatform(app, environment);
  ecommercePlatform(app, environment);
}
// Danish sorts `aa` after `z`, Lithuanian `y` between `i` and `j`: the policy rules, the dashboard's rows and the
// reports' lines would move with the locale.
const collation = new Platform(app, 'collation', { environment: Environment.PRODUCTION });
const names = ['z-svc', 'aa-svc', 'y-svc', 'j-svc', 'i-svc', 'ab-svc'];
const services = names.map((name) => new ResilientMicroservice(collation, name, { image: `registry.example.com/c/${name}:1.0.0`, metrics: { port: 9090 } }));
for (const client of services) for (const server of services) if (client !== server) client.connectTo(server);
new PlatformDashboard(collation, 'Dashboard');
synthesize(app, { outdir: process.argv[2], layout: withPlatformReports(), warn: () => undefined });

// The cdk8s entry, ended the way `cdk8s init typescript-app` ends it: app.synth() on a plain App.
import { App } from 'cdk8s';
import { Environment } from 'cdk8s-patterns';
import { shopPlatform } from './shop';

const app = new App();
for (const environment of [Environment.STAGING, Environment.PRODUCTION]) {
  shopPlatform(app, environment, {
    apiVersion: process.env.SHOP_API_VERSION,
    broken: process.env.SHOP_BROKEN === '1',
  });
}
app.synth();

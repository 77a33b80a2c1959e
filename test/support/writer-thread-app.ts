// The app the writer-thread tests synthesize twice, once with the YAML written on the worker thread (in a child
// process run with tsx, where the thread can load the kit) and once on the calling thread (under Jest).
import { ApiObject, App, JsonPatch, Testing } from 'cdk8s';
import { Environment, Platform, ResilientMicroservice } from '../../lib';

/**
 * Two platforms (two files), enough services that the writer sends several chunks; with `moveByPatch`, a JSON
 * patch renames a PodDisruptionBudget so that it moves in apply order after resolution; with `invalid`, a service fails
 * validation; with `schemaErrors`, a Deployment has a value of the wrong type, a ConfigMap a misspelt field, and an
 * object of a kind without a known schema is added.
 */
export function writerThreadApp(options: { moveByPatch?: boolean; invalid?: boolean; schemaErrors?: boolean } = {}): App {
  const app = Testing.app();
  for (const environment of [Environment.STAGING, Environment.PRODUCTION]) {
    const platform = new Platform(app, `shop-${environment.name}`, { name: 'shop', environment });
    for (let i = 0; i < 60; i++) {
      const service = new ResilientMicroservice(platform, `svc-${String(i).padStart(2, '0')}`, {
        image: `registry.example.com/shop/svc-${i}:1.0.${i}`,
        config: { LOG_LEVEL: 'info', FLAG: 'on', MODE: '0755' },
      });
      if (options.moveByPatch && i === 0) service.pdb.addJsonPatch(JsonPatch.replace('/metadata/name', 'zz-last'));
      if (options.invalid && i === 1) {
        service.deployment.addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/image', 'registry.example.com/shop/svc:latest'));
      }
      if (options.schemaErrors && i === 2) {
        service.deployment.addJsonPatch(JsonPatch.replace('/spec/revisionHistoryLimit', 'ten'));
      }
    }
    if (options.schemaErrors) {
      new ApiObject(platform, 'odd-config', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'odd' }, dataa: { a: 'b' } });
      new ApiObject(platform, 'widget', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'widget' } });
    }
  }
  return app;
}

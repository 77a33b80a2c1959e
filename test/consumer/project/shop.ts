// A first platform, as the README's "Use it in your cdk8s project" shows it: two services and a Redis.
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { DatabaseCredentials, DatabaseEngine, Environment, Platform, ResilientMicroservice, StatefulDatabase } from 'cdk8s-patterns';

export interface ShopOptions {
  /** The api's image tag (the consumer test changes it to see the diff report a change). */
  readonly apiVersion?: string;
  /** Adds a Service that selects no pod, which validation must refuse. */
  readonly broken?: boolean;
}

export function shopPlatform(scope: Construct, environment: Environment, options: ShopOptions = {}): Platform {
  const shop = new Platform(scope, `shop-${environment.name}`, { name: 'shop', namespace: 'shop', environment });
  const cache = new StatefulDatabase(shop, 'cache', {
    engine: DatabaseEngine.redis({ version: '7.2.5', maxMemory: '256Mi' }),
    credentials: DatabaseCredentials.fromExistingSecret('cache-credentials'),
  });
  const api = new ResilientMicroservice(shop, 'api', {
    image: `registry.example.com/shop/api:${options.apiVersion ?? '1.4.0'}`,
    port: 8080,
    resources: { requests: { cpu: '100m', memory: '128Mi' } },
  });
  const web = new ResilientMicroservice(shop, 'web', { image: 'registry.example.com/shop/web:2.0.1', port: 8080 });
  api.connectTo(cache);
  web.connectTo(api);
  if (options.broken) {
    new k8s.KubeService(shop, 'orphan', {
      metadata: { name: 'orphan' },
      spec: { selector: { app: 'nothing' }, ports: [{ port: 80, targetPort: k8s.IntOrString.fromNumber(8080) }] },
    });
  }
  return shop;
}

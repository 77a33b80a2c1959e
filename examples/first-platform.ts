// The README's example, runnable in a clone without a build: `npm run example` writes examples/dist/, not dist/.
import { App } from 'cdk8s';
import { DatabaseEngine, Environment, Platform, ResilientMicroservice, StatefulDatabase, synthesize } from '../lib';

const app = new App();
const shop = new Platform(app, 'shop', { namespace: 'shop', environment: Environment.PRODUCTION });

const db = new StatefulDatabase(shop, 'postgres', { engine: DatabaseEngine.postgres({ version: '16.4' }), storage: '20Gi' });
const users = new ResilientMicroservice(shop, 'user-service', {
  image: 'ecommerce/user-service:v1.2.0',
  port: 8080,
  resources: { requests: { cpu: '100m', memory: '128Mi' } },
  autoscaling: { minReplicas: 2, maxReplicas: 10, targetCpuUtilization: 70 },
});
const orders = new ResilientMicroservice(shop, 'order-service', {
  image: 'ecommerce/order-service:v2.0.1',
  config: { LOG_LEVEL: 'info' },
});
users.connectTo(db);       // DATABASE_* env from the credentials Secret; NetworkPolicies both ways on 5432 only
orders.connectTo(users);   // egress on orders, ingress on users, USER_SERVICE_URL in orders' env

synthesize(app, { outdir: 'examples/dist' });   // validated YAML in examples/dist/shop/production.k8s.yaml, or an error and no output at all

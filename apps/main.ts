// The cdk8s entry: builds every reference platform in every environment and writes dist/.
import { App } from 'cdk8s';
import { Environment, Platform, ResilientMicroservice, synthesize } from '../lib';

const app = new App();
for (const environment of [Environment.DEVELOPMENT, Environment.STAGING, Environment.PRODUCTION]) {
  const blog = new Platform(app, `blog-${environment.name}`, { name: 'blog', namespace: 'blog-platform', environment });
  new ResilientMicroservice(blog, 'auth-service', { image: 'registry.example.com/blog/auth-service:1.0.0' });
}
synthesize(app);

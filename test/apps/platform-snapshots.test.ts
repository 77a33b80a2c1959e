// Snapshots of every reference platform in every environment, as readable YAML; the assertions that explain them
// are in reference-platforms.test.ts, blog.test.ts and ecommerce.test.ts.
import { Testing } from 'cdk8s';
import { Environment } from '../../lib';
import { yamlSnapshotSerializer } from '../../lib/testing';
import { blogPlatform } from '../../apps/blog';
import { ecommercePlatform } from '../../apps/ecommerce';

expect.addSnapshotSerializer(yamlSnapshotSerializer);

const ENVIRONMENTS = [Environment.DEVELOPMENT, Environment.STAGING, Environment.PRODUCTION];

describe.each([
  { name: 'blog', build: blogPlatform },
  { name: 'ecommerce', build: ecommercePlatform },
])('$name platform', ({ build }) => {
  test.each(ENVIRONMENTS.map((environment) => ({ environment, environmentName: environment.name })))(
    'in $environmentName synthesizes to its snapshot', ({ environment }) => {
      const chart = build(Testing.app(), environment);
      expect(Testing.synth(chart)).toMatchSnapshot();
    });
});

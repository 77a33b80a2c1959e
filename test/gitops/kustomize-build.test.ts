// The real client: `kubectl kustomize` (kubectl 1.28) builds each kustomization.yaml into exactly the synthesized
// objects, in apply order.
import { mkdtempSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Testing } from 'cdk8s';
import { loadAll } from 'js-yaml';
import { Environment, Platform, ResilientMicroservice, synthesize } from '../../lib';
import { synthesizeCharts } from '../../lib/synthesis';
import { gitOpsLayout, ManifestLayout } from '../../lib/gitops';
import { kubectl } from '../support/kubectl';

function blogApp(): App {
  const app = Testing.app();
  for (const environment of [Environment.DEVELOPMENT, Environment.PRODUCTION]) {
    const blog = new Platform(app, `blog-${environment.name}`, { name: 'blog', namespace: `blog-${environment.name}`, environment });
    new ResilientMicroservice(blog, 'auth-service', { image: 'registry.example.com/blog/auth-service:1.0.0' });
    new ResilientMicroservice(blog, 'posts', { image: 'registry.example.com/blog/posts:2.1.0' });
  }
  return app;
}

const build = (folder: string) => loadAll(kubectl('kustomize', folder)) as Record<string, any>[];

describe.each<ManifestLayout>(['per-environment', 'per-object'])('kubectl kustomize, %s layout', (layout) => {
  const outdir = join(mkdtempSync(join(tmpdir(), 'kustomize-test-')), 'dist');
  const charts = synthesizeCharts(blogApp());
  synthesize(blogApp(), {
    outdir,
    warn: () => undefined,
    layout: gitOpsLayout({ layout, argoCd: { repoUrl: 'https://github.com/acme/platform.git' }, flux: {} }),
  });

  test.each(['development', 'production'])('blog/%s builds into exactly its synthesized objects, in order', (environment) => {
    const expected = charts.find((c) => c.file === `blog/${environment}.k8s.yaml`)!.objects;
    const built = build(join(outdir, 'blog', environment));
    expect(built.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(expected.map((o) => `${o.kind}/${o.metadata.name}`));
    expect(built).toEqual(expected);
  });

  test('gitops/argocd and gitops/flux build into the Applications and Kustomizations', () => {
    const applications = build(join(outdir, 'gitops', 'argocd'));
    expect(applications.map((o) => `${o.kind}/${o.metadata.name}:${o.spec.source.path}`)).toEqual([
      'Application/blog-development:dist/blog/development', 'Application/blog-production:dist/blog/production',
    ]);
    const kustomizations = build(join(outdir, 'gitops', 'flux'));
    expect(kustomizations.map((o) => `${o.kind}/${o.metadata.name}:${o.spec.path}`)).toEqual([
      'Kustomization/blog-development:./dist/blog/development', 'Kustomization/blog-production:./dist/blog/production',
    ]);
    expect(applications[1]).toEqual(loadAll(readFileSync(join(outdir, 'gitops/argocd/blog-production.yaml'), 'utf8'))[0]);
  });
});

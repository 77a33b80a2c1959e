// GitOps output: folder layouts with kustomization.yaml, Argo CD Applications and Flux Kustomizations.
import { mkdtempSync, readdirSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ApiObject, App, Chart, Duration, Testing } from 'cdk8s';
import { schemaViolation } from '../../lib/validation/schema-models';
import { load, loadAll } from 'js-yaml';
import { Environment, Platform, ResilientMicroservice, synthesize } from '../../lib';
import { diffDirectories } from '../../lib/diff';
import { formatInterval, gitOpsLayout, GitOpsLayoutOptions, objectFileNames } from '../../lib/gitops';

const REPO = 'https://github.com/acme/platform.git';

function blogApp(): App {
  const app = Testing.app();
  for (const environment of [Environment.STAGING, Environment.PRODUCTION]) {
    const blog = new Platform(app, `blog-${environment.name}`, { name: 'blog', namespace: `blog-${environment.name}`, environment });
    new ResilientMicroservice(blog, 'auth-service', { image: 'registry.example.com/blog/auth-service:1.0.0' });
  }
  return app;
}

function synthInto(app: App, options?: GitOpsLayoutOptions): string {
  const outdir = join(mkdtempSync(join(tmpdir(), 'gitops-test-')), 'dist');
  synthesize(app, { outdir, warn: () => undefined, ...(options ? { layout: gitOpsLayout(options) } : {}) });
  return outdir;
}

function files(dir: string, sub = ''): string[] {
  return readdirSync(join(dir, sub), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(dir, join(sub, e.name)) : [join(sub, e.name)]).sort();
}

const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8');

describe('per-environment layout', () => {
  test('a folder per platform environment with the objects in one file and a kustomization listing it', () => {
    const out = synthInto(blogApp(), { argoCd: { repoUrl: REPO } });
    expect(files(out)).toEqual([
      'blog/production/kustomization.yaml', 'blog/production/manifest.k8s.yaml',
      'blog/staging/kustomization.yaml', 'blog/staging/manifest.k8s.yaml',
      'gitops/argocd/blog-production.yaml', 'gitops/argocd/blog-staging.yaml', 'gitops/argocd/kustomization.yaml',
    ]);
    expect(load(read(out, 'blog/production/kustomization.yaml'))).toEqual({
      apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization',
      resources: ['manifest.k8s.yaml'], sortOptions: { order: 'fifo' },
    });
  });

  test('holds exactly what the default layout writes, so the diff sees no change', () => {
    const flat = synthInto(blogApp());
    const gitops = synthInto(blogApp(), { argoCd: { repoUrl: REPO } });
    expect(read(gitops, 'blog/production/manifest.k8s.yaml')).toBe(read(flat, 'blog/production.k8s.yaml'));
    const diff = diffDirectories(flat, gitops);
    expect(diff.groups.map((g) => `${g.group} ${g.status}`)).toEqual(['gitops/argocd added']);
  });
});

describe('per-object layout', () => {
  test('one file per object, named <rank>-<kind>-<name>, listed in apply order: namespace first', () => {
    const out = synthInto(blogApp(), { layout: 'per-object' });
    const kustomization = load(read(out, 'blog/production/kustomization.yaml')) as { resources: string[] };
    expect(kustomization.resources).toEqual([
      '00-namespace-blog-production.yaml',
      '02-priorityclass-blog-batch.yaml', '02-priorityclass-blog-data.yaml', '02-priorityclass-blog-edge.yaml', '02-priorityclass-blog-service.yaml',
      '03-resourcequota-platform-quota.yaml', '04-limitrange-container-defaults.yaml',
      '05-networkpolicy-allow-dns.yaml', '05-networkpolicy-auth-service.yaml', '05-networkpolicy-default-deny.yaml',
      '06-serviceaccount-auth-service.yaml', '10-service-auth-service.yaml', '11-deployment-auth-service.yaml',
      '15-horizontalpodautoscaler-auth-service.yaml', '17-poddisruptionbudget-auth-service.yaml',
    ]);
    expect([...kustomization.resources].sort()).toEqual(kustomization.resources);
    expect(files(out).filter((f) => f.startsWith('blog/production/'))).toHaveLength(kustomization.resources.length + 1);
    expect(loadAll(read(out, 'blog/production/11-deployment-auth-service.yaml'))).toEqual([
      expect.objectContaining({ kind: 'Deployment', metadata: expect.objectContaining({ name: 'auth-service' }) }),
    ]);
    expect(files(out).some((f) => f.startsWith('gitops/'))).toBe(false);
  });

  test('CRDs come right after namespaces; repeated kind and name get the namespace', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'crds');
    new ApiObject(chart, 'widget', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'a' } });
    new ApiObject(chart, 'widget-b', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'b' } });
    new ApiObject(chart, 'crd', {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com', scope: 'Namespaced', names: { kind: 'Widget', plural: 'widgets' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } }],
      },
    });
    new ApiObject(chart, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } });
    const out = synthInto(app, { layout: 'per-object' });
    expect((load(read(out, 'crds/kustomization.yaml')) as { resources: string[] }).resources).toEqual([
      '00-namespace-a.yaml', '01-customresourcedefinition-widgets.example.com.yaml', '19-widget-w-a.yaml', '19-widget-w-b.yaml',
    ]);
  });

  test('objectFileNames names cluster-scoped duplicates "cluster"', () => {
    const o = (namespace?: string) => ({ kind: 'Widget', metadata: { name: 'w', namespace } });
    expect(objectFileNames([o(), o('x')])).toEqual(['19-widget-w-cluster.yaml', '19-widget-w-x.yaml']);
  });
});

describe('Argo CD Applications', () => {
  test('one per platform environment, schema-valid, pointing at its folder and namespace, syncing automatically', () => {
    const out = synthInto(blogApp(), { argoCd: { repoUrl: REPO }, repositoryPath: './deploy/dist/' });
    const application = load(read(out, 'gitops/argocd/blog-production.yaml')) as any;
    expect(schemaViolation(application)).toBeUndefined();
    expect(application).toEqual({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'blog-production', namespace: 'argocd' },
      spec: {
        project: 'default',
        source: { repoURL: REPO, targetRevision: 'HEAD', path: 'deploy/dist/blog/production' },
        destination: { server: 'https://kubernetes.default.svc', namespace: 'blog-production' },
        syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['PruneLast=true'] },
      },
    });
    expect(load(read(out, 'gitops/argocd/kustomization.yaml'))).toMatchObject({ resources: ['blog-production.yaml', 'blog-staging.yaml'] });
  });

  test('options: revision, namespace, project, cluster, manual sync', () => {
    const out = synthInto(blogApp(), {
      argoCd: { repoUrl: 'git@github.com:acme/platform.git', targetRevision: 'main', namespace: 'gitops', project: 'blog', destinationServer: 'https://prod.example.com', autoSync: false },
    });
    const application = load(read(out, 'gitops/argocd/blog-staging.yaml')) as any;
    expect(application.metadata.namespace).toBe('gitops');
    expect(application.spec).toMatchObject({
      project: 'blog', source: { targetRevision: 'main', path: 'dist/blog/staging' }, destination: { server: 'https://prod.example.com' },
    });
    expect(application.spec.syncPolicy).toEqual({ syncOptions: ['PruneLast=true'] });
  });
});

describe('Flux Kustomizations', () => {
  test('one per platform environment, schema-valid, reading the flux-system GitRepository by default', () => {
    const out = synthInto(blogApp(), { flux: {} });
    const kustomization = load(read(out, 'gitops/flux/blog-production.yaml')) as any;
    expect(schemaViolation(kustomization)).toBeUndefined();
    expect(kustomization).toEqual({
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: 'blog-production', namespace: 'flux-system' },
      spec: { interval: '10m', path: './dist/blog/production', prune: true, sourceRef: { kind: 'GitRepository', name: 'flux-system' } },
    });
  });

  test('options: source, namespace, interval, prune; both controllers at once', () => {
    const out = synthInto(blogApp(), {
      argoCd: { repoUrl: REPO },
      flux: { sourceRef: { kind: 'OCIRepository', name: 'platform', namespace: 'sources' }, namespace: 'flux', interval: Duration.hours(1), prune: false },
      repositoryPath: '.',
    });
    const kustomization = load(read(out, 'gitops/flux/blog-staging.yaml')) as any;
    expect(kustomization.metadata.namespace).toBe('flux');
    expect(kustomization.spec).toEqual({
      interval: '1h', path: './blog/staging', prune: false, sourceRef: { kind: 'OCIRepository', name: 'platform', namespace: 'sources' },
    });
    expect(files(out).filter((f) => f.startsWith('gitops/'))).toHaveLength(6);
  });

  test('formatInterval writes whole hours, minutes, seconds or milliseconds', () => {
    expect([Duration.hours(2), Duration.minutes(90), Duration.seconds(45), Duration.millis(1500)].map(formatInterval))
      .toEqual(['2h', '90m', '45s', '1500ms']);
  });
});

describe('errors', () => {
  test('a repository URL that is not a Git URL', () => {
    expect(() => synthInto(blogApp(), { argoCd: { repoUrl: 'github.com/acme' } }))
      .toThrow('[gitops] argoCd.repoUrl ("github.com/acme") must be a Git URL (https://…, ssh://… or git@host:path)');
  });

  test('a repository path outside the repository', () => {
    expect(() => gitOpsLayout({ repositoryPath: '../dist' })).toThrow('[gitops] repositoryPath ("../dist") must be relative to the repository root');
    expect(() => gitOpsLayout({ repositoryPath: '/dist' })).toThrow('repositoryPath ("/dist")');
  });

  test('a chart whose folder is the GitOps folder', () => {
    const app = Testing.app();
    new Platform(app, 'gitops', { environment: Environment.STAGING });
    expect(() => synthInto(app, { flux: {} }))
      .toThrow('[gitops] output folder "gitops/staging" collides with the GitOps folder "gitops/": rename the chart or platform');
  });

  test('an unknown layout', () => {
    expect(() => synthInto(blogApp(), { layout: 'per-kind' as any })).toThrow(`[gitops] layout ("per-kind") must be 'per-environment' or 'per-object'`);
  });

  test('a schema failure names the chart and the controller object', () => {
    expect(() => synthInto(blogApp(), { flux: { sourceRef: { kind: 'HelmRepository' as any, name: 'charts' } } }))
      .toThrow(/^\[blog-staging\] Flux Kustomization "blog-staging" fails the kustomize.toolkit.fluxcd.io\/v1 Kustomization schema: .*sourceRef\/kind must be equal to one of the allowed values/);
  });

  test('a failed GitOps layout writes nothing', () => {
    const outdir = synthInto(blogApp());
    const before = files(outdir);
    expect(() => synthesize(blogApp(), { outdir, layout: gitOpsLayout({ argoCd: { repoUrl: 'nope' } }) })).toThrow('argoCd.repoUrl');
    expect(files(outdir)).toEqual(before);
  });
});

// diffDirectories and the reports: added, removed, changed, no change; grouping by platform/environment.
import { writeFileSync } from 'fs';
import { join } from 'path';
import { diffDirectories, markdownReport, readManifestDirectory, terminalReport } from '../../lib/diff';
import { configMap, deployment, manifestDir, namespace } from './fixtures';

describe('diffDirectories', () => {
  test('given identical output, no changes and every object counted unchanged', () => {
    const files = { 'blog/production.k8s.yaml': [namespace, deployment()] };
    const diff = diffDirectories(manifestDir(files), manifestDir(files));
    expect(diff).toEqual({ groups: [], added: 0, removed: 0, changed: 0, unchanged: 2, hasChanges: false });
    expect(terminalReport(diff)).toBe('Manifest diff: no changes (2 object(s) unchanged).\n');
    expect(markdownReport(diff)).toBe('### Manifest diff: no changes (2 object(s) unchanged)\n');
  });

  test('added, removed and changed objects, grouped by platform/environment', () => {
    const before = manifestDir({
      'blog/production.k8s.yaml': [namespace, configMap('old'), deployment()],
      'blog/staging.k8s.yaml': [namespace, deployment()],
    });
    const after = manifestDir({
      'blog/production.k8s.yaml': [namespace, configMap('new'), deployment({ replicas: 3 })],
      'blog/staging.k8s.yaml': [namespace, deployment()],
    });
    const diff = diffDirectories(before, after);
    expect(diff).toMatchObject({ added: 1, removed: 1, changed: 1, unchanged: 3, hasChanges: true });
    expect(diff.groups).toEqual([{
      group: 'blog/production',
      status: 'changed',
      added: ['ConfigMap/blog/new'],
      removed: ['ConfigMap/blog/old'],
      changed: [{
        ref: 'Deployment/blog/web',
        file: 'blog/production.k8s.yaml',
        changes: [{ path: 'spec.replicas', change: 'changed', before: 2, after: 3 }],
        immutableChanges: [],
      }],
    }]);
  });

  test('a new and a removed environment are marked as whole groups', () => {
    const before = manifestDir({ 'blog/staging.k8s.yaml': [namespace] });
    const after = manifestDir({ 'blog/production.k8s.yaml': [namespace] });
    const diff = diffDirectories(before, after);
    expect(diff.groups.map((g) => [g.group, g.status, g.added, g.removed])).toEqual([
      ['blog/production', 'added', ['Namespace/blog'], []],
      ['blog/staging', 'removed', [], ['Namespace/blog']],
    ]);
  });

  test('an apiVersion bump is a change, not a removal and an addition', () => {
    const hpa = (apiVersion: string) => ({ apiVersion, kind: 'HorizontalPodAutoscaler', metadata: { name: 'web', namespace: 'blog' } });
    const diff = diffDirectories(manifestDir({ 'a.k8s.yaml': [hpa('autoscaling/v1')] }), manifestDir({ 'a.k8s.yaml': [hpa('autoscaling/v2')] }));
    expect(diff.groups[0].changed[0].changes).toEqual([{ path: 'apiVersion', change: 'changed', before: 'autoscaling/v1', after: 'autoscaling/v2' }]);
  });

  test('a change of layout alone (one file per environment to a folder with a kustomization) is no change', () => {
    const before = manifestDir({ 'blog/production.k8s.yaml': [namespace, deployment()] });
    const after = manifestDir({
      'blog/production/00-namespace-blog.yaml': [namespace],
      'blog/production/10-deployment-web.yaml': [deployment()],
      'blog/production/kustomization.yaml': 'resources:\n- 00-namespace-blog.yaml\n- 10-deployment-web.yaml\n',
    });
    expect(diffDirectories(before, after)).toMatchObject({ hasChanges: false, unchanged: 2 });
  });

  test('a change of a Deployment selector is flagged: it needs the object recreated', () => {
    const diff = diffDirectories(
      manifestDir({ 'a.k8s.yaml': [deployment()] }), manifestDir({ 'a.k8s.yaml': [deployment({ track: 'stable' })] }));
    expect(diff.groups[0].changed[0].immutableChanges).toEqual(['spec.selector.matchLabels.track']);
    expect(terminalReport(diff)).toContain(
      '      ! Deployment/blog/web must be deleted and recreated: spec.selector.matchLabels.track cannot be changed in place (kubectl apply will fail)');
  });
});

describe('readManifestDirectory: bad input', () => {
  test('an object twice in one environment', () => {
    const dir = manifestDir({ 'a/b.k8s.yaml': [namespace], 'a/b/kustomization.yaml': 'resources: []\n', 'a/b/x.yaml': [] });
    writeFileSync(join(dir, 'c.yaml'), 'kind: Namespace\nmetadata:\n  name: x\n---\nkind: Namespace\nmetadata:\n  name: x\n');
    expect(() => readManifestDirectory(dir)).toThrow('c: Namespace/x appears twice (c.yaml and c.yaml)');
  });

  test('a document that is not an object, invalid YAML, a missing directory', () => {
    expect(() => readManifestDirectory(manifestDir({ 'a.yaml': '- 1\n- 2\n' })))
      .toThrow('a.yaml: document 1 is not a Kubernetes object (kind and metadata.name required)');
    expect(() => readManifestDirectory(manifestDir({ 'a.yaml': 'a: [\n' }))).toThrow('a.yaml: not valid YAML');
    expect(() => readManifestDirectory('/nonexistent/dist')).toThrow('/nonexistent/dist is not a directory');
  });
});

describe('reports', () => {
  const before = manifestDir({ 'blog/production.k8s.yaml': [namespace, configMap('old'), deployment()] });
  const after = manifestDir({ 'blog/production.k8s.yaml': [namespace, configMap('new'), deployment({ image: 'web:1.1.0' })] });
  const diff = diffDirectories(before, after);

  test('terminal: + added, - removed with the prune reminder, ~ changed with - old / + new lines', () => {
    expect(terminalReport(diff)).toBe([
      'blog/production',
      '  + ConfigMap/blog/new',
      '  - ConfigMap/blog/old  (removed: prune it, kubectl apply will not)',
      '  ~ Deployment/blog/web',
      '      - spec.template.spec.containers[name=app].image: "web:1.0.0"',
      '      + spec.template.spec.containers[name=app].image: "web:1.1.0"',
      '',
      'Manifest diff: 1 added, 1 removed, 1 changed, 1 unchanged.',
      '1 object(s) removed. `kubectl apply` does not delete objects that left the manifests: delete them (`kubectl delete`) or let Argo CD / Flux prune them.',
      '',
    ].join('\n'));
  });

  test('terminal colours only when asked', () => {
    expect(terminalReport(diff)).not.toContain('\u001b[');
    expect(terminalReport(diff, { color: true })).toContain('\u001b[32m  + ConfigMap/blog/new\u001b[0m');
  });

  test('Markdown: summary, a warning listing removals, folded field diffs per object', () => {
    expect(markdownReport(diff)).toBe([
      '### Manifest diff: 1 added, 1 removed, 1 changed, 1 unchanged',
      '',
      '> [!WARNING]',
      '> 1 object(s) removed. `kubectl apply` does not delete objects that left the manifests: delete them (`kubectl delete`) or let Argo CD / Flux prune them.',
      '> - `ConfigMap/blog/old` in `blog/production`',
      '',
      '#### blog/production',
      '',
      '**Added**',
      '',
      '- `ConfigMap/blog/new`',
      '',
      '**Removed**',
      '',
      '- `ConfigMap/blog/old`',
      '',
      '**Changed**',
      '',
      '<details><summary><code>Deployment/blog/web</code>: 1 field(s)</summary>',
      '',
      '```diff',
      '- spec.template.spec.containers[name=app].image: "web:1.0.0"',
      '+ spec.template.spec.containers[name=app].image: "web:1.1.0"',
      '```',
      '',
      '</details>',
      '',
    ].join('\n'));
  });

  test('Markdown: an immutable change is a caution; a value with backticks gets a longer fence', () => {
    const cm = (v: string) => ({ ...configMap('c', { script: v }) });
    const selectorDiff = diffDirectories(
      manifestDir({ 'a.yaml': [deployment(), cm('x')] }), manifestDir({ 'a.yaml': [deployment({ track: 'b' }), cm('```')] }));
    const text = markdownReport(selectorDiff);
    expect(text).toContain('> [!CAUTION]\n> - `a`: Deployment/blog/web must be deleted and recreated: spec.selector.matchLabels.track');
    expect(text).toContain('````diff\n- data.script: "x"\n+ data.script: "```"\n````');
  });
});

// Fixture directories of synthesized YAML for the diff tests, written to a temporary folder.
import { mkdirSync, mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join } from 'path';
import { toYaml } from '../../lib/synthesis';

export type Files = Record<string, readonly Record<string, any>[] | string>;

/** A temporary directory holding `files` (objects are written as YAML, strings as is). */
export function manifestDir(files: Files): string {
  const dir = mkdtempSync(join(tmpdir(), 'diff-test-'));
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), typeof content === 'string' ? content : toYaml(content));
  }
  return dir;
}

export const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'blog' } };

export function deployment(overrides: { replicas?: number; image?: string; track?: string } = {}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'blog' },
    spec: {
      replicas: overrides.replicas ?? 2,
      selector: { matchLabels: { app: 'web', ...(overrides.track ? { track: overrides.track } : {}) } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'app', image: overrides.image ?? 'web:1.0.0' }, { name: 'proxy', image: 'envoy:1.30.0' }] },
      },
    },
  };
}

export function configMap(name: string, data: Record<string, string> = { key: 'value' }) {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'blog' }, data };
}

// Synthesis with validation: a failing synth writes nothing and reports every error grouped by construct path.
import { mkdtempSync, readdirSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { performance } from 'perf_hooks';
import { JsonPatch, Testing } from 'cdk8s';
import { Environment, Platform, ResilientMicroservice, synthesize, SynthesisError } from '../../lib';
import { SynthesisMarks, toYaml } from '../../lib/synthesis';
import { fileTree } from '../support/file-tree';

const IMAGE = 'registry.example.com/shop/api:1.4.0';

function app(breakIt: boolean) {
  const a = Testing.app();
  const platform = new Platform(a, 'shop', { environment: Environment.PRODUCTION });
  const api = new ResilientMicroservice(platform, 'api', { image: IMAGE });
  const web = new ResilientMicroservice(platform, 'web', { image: 'registry.example.com/shop/web:2.0.0' });
  if (breakIt) {
    api.deployment.addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/securityContext/runAsNonRoot', false));
    api.service.addJsonPatch(JsonPatch.replace('/spec/ports/0/targetPort', { value: 'web' }));
    web.deployment.addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/image', 'registry.example.com/shop/web:latest'));
  }
  return a;
}

describe('synthesize with validation', () => {
  let outdir: string;
  beforeEach(() => { outdir = join(mkdtempSync(join(tmpdir(), 'validation-')), 'dist'); });
  afterEach(() => rmSync(join(outdir, '..'), { recursive: true, force: true }));

  test("without an outdir option, the output goes to the app's own outdir (not to ./dist)", () => {
    // given an app whose outdir is a folder of the test's, and a working folder whose dist/ must stay untouched
    const a = app(false);
    const cwd = mkdtempSync(join(tmpdir(), 'validation-cwd-'));
    const previous = process.cwd();
    process.chdir(cwd);
    try {
      // when it is synthesized without an outdir
      synthesize(a, { warn: () => undefined });
    } finally {
      process.chdir(previous);
    }
    // then the files are in the app's outdir, and nothing in the working folder
    expect(Object.keys(fileTree(a.outdir))).toEqual(['/shop/production.k8s.yaml']);
    expect(readdirSync(cwd)).toEqual([]);
  });

  test('a failing synth leaves the previous output byte-identical and lists every error grouped by construct path', () => {
    // given a previous, valid output
    synthesize(app(false), { outdir, warn: () => undefined });
    const before = fileTree(outdir);
    expect(Object.keys(before)).toEqual(['/shop/production.k8s.yaml']);
    // when a broken app is synthesized into the same folder
    let error: unknown;
    try {
      synthesize(app(true), { outdir, warn: () => undefined });
    } catch (e) {
      error = e;
    }
    // then it fails with all three errors, grouped under their construct paths, and nothing changed on disk
    expect(error).toBeInstanceOf(SynthesisError);
    const failure = error as SynthesisError;
    expect(failure.report?.errors.map((f) => `${f.constructPath} ${f.ruleId}`)).toEqual([
      'shop/api/Deployment policy/run-as-non-root',
      'shop/api/Service ref/service-target-port',
      'shop/web/Deployment policy/pinned-image',
    ]);
    expect(failure.message).toMatch(/nothing was written\. 3 error\(s\), 0 warning\(s\)\n\[shop\/api\/Deployment\]\n  error policy\/run-as-non-root Deployment\/shop\/api spec\.template\.spec\.containers\[0\]\.securityContext\.runAsNonRoot: found false; expected true \(here or in the pod's securityContext\)\n\[shop\/api\/Service\]\n  error ref\/service-target-port/);
    expect(failure.problems[0]).toMatch(/^\[shop\/api\/Deployment\] error policy\/run-as-non-root /);
    expect(fileTree(outdir)).toEqual(before);
    expect(readdirSync(join(outdir, '..'))).toEqual(['dist']);
  });

  test('warnings are printed with their construct path and do not fail, unless strictWarnings is set', () => {
    // given a service whose opt-out prop is a warning
    const build = () => {
      const a = Testing.app();
      const platform = new Platform(a, 'shop', { environment: Environment.PRODUCTION });
      new ResilientMicroservice(platform, 'api', { image: IMAGE, allowWritableRootFilesystem: true });
      return a;
    };
    // when synthesized normally
    const printed: string[] = [];
    synthesize(build(), { outdir, warn: (line) => printed.push(line) });
    // then the warning is printed and the output written
    expect(printed).toEqual([expect.stringMatching(/^warning: \[shop\/api\/Deployment\] warning policy\/read-only-root-filesystem Deployment\/shop\/api .*readOnlyRootFilesystem: found false; expected true/)]);
    const before = fileTree(outdir);
    // and with strictWarnings it fails without touching the output
    expect(() => synthesize(build(), { outdir, strictWarnings: true, warn: () => undefined })).toThrow(/policy\/read-only-root-filesystem/);
    expect(fileTree(outdir)).toEqual(before);
  });

  test('the default layout writes each chart as toYaml would, and the phases are marked in order', () => {
    // given
    performance.clearMarks();
    const a = app(false);
    // when
    const charts = synthesize(a, { outdir, warn: () => undefined });
    // then the file streamed document by document is the whole-string serialization of the same objects
    expect(Buffer.from(fileTree(outdir)['/shop/production.k8s.yaml'], 'base64').toString()).toBe(toYaml(charts[0].objects));
    // and the User Timing marks of the phases were recorded, each after the one before
    const times = Object.values(SynthesisMarks).map((name) => performance.getEntriesByName(name, 'mark')[0]?.startTime);
    expect(times.every((t) => typeof t === 'number')).toBe(true);
    expect([...times].sort((x, y) => x - y)).toEqual(times);
  });
});

// app.synth() of an App holding a Platform, and PlatformApp, run the kit's synthesis (docs/adr/0004-app-synth.md).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Chart, YamlOutputType } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Environment, PatternError, Platform, PlatformApp, ResilientMicroservice, SynthesisError } from '../lib';
import { chartObjects, toYaml } from '../lib/synthesis';
import { fileTree } from './support/file-tree';

const IMAGE = 'registry.example.com/shop/api:1.4.0';

function shop(app: App, options: { broken?: boolean } = {}): Platform {
  const platform = new Platform(app, 'shop', { environment: Environment.PRODUCTION });
  new ResilientMicroservice(platform, 'api', { image: IMAGE, config: { FEATURE: 'on', MODE: '0755' } });
  if (options.broken) {
    new k8s.KubeService(platform, 'orphan', { metadata: { name: 'orphan' }, spec: { selector: { app: 'nothing' }, ports: [{ port: 80 }] } });
  }
  return platform;
}

describe('app.synth() of a plain App holding a Platform', () => {
  let parent: string;
  let outdir: string;
  beforeEach(() => {
    parent = mkdtempSync(join(tmpdir(), 'app-synth-'));
    outdir = join(parent, 'dist');
  });
  afterEach(() => rmSync(parent, { recursive: true, force: true }));

  test('writes the kit\'s output: its layout, apply order, YAML 1.1-safe strings', () => {
    // given a plain App with a platform
    const app = new App({ outdir });
    const platform = shop(app);
    // when it is synthesized the way every cdk8s program ends
    app.synth();
    // then the file is the kit's, byte for byte what toYaml gives for the chart's objects in apply order
    expect(Object.keys(fileTree(outdir))).toEqual(['/shop/production.k8s.yaml']);
    const yaml = readFileSync(join(outdir, 'shop/production.k8s.yaml'), 'utf8');
    expect(yaml.startsWith('apiVersion: v1\nkind: Namespace\n')).toBe(true);
    expect(yaml).toContain("FEATURE: 'on'");
    expect(yaml).toContain("MODE: '0755'");
    expect(yaml).toBe(toYaml(chartObjects(platform)));
    expect(app.synth).not.toBe(App.prototype.synth);
  });

  test('fails with the short report and writes nothing when validation finds an error', () => {
    // given a previous output and a platform whose Service selects nothing
    const good = new App({ outdir });
    shop(good);
    good.synth();
    const before = fileTree(outdir);
    const app = new App({ outdir });
    shop(app, { broken: true });
    // when synthesized with app.synth()
    let error: unknown;
    try {
      app.synth();
    } catch (e) {
      error = e;
    }
    // then it throws the kit's error naming the construct and rule, and the previous output is untouched
    expect(error).toBeInstanceOf(SynthesisError);
    expect((error as Error).message).toMatch(/^Synthesis failed; nothing was written\. 1 error\(s\), 0 warning\(s\)\n\[shop\/orphan\]\n  error ref\/service-selector Service\/shop\/orphan spec\.selector: found \{"app":"nothing"\}/);
    expect(fileTree(outdir)).toEqual(before);
    expect(readdirSync(parent)).toEqual(['dist']);
  });

  test('synthYaml() is validated too, and in apply order', () => {
    const app = new App({ outdir });
    shop(app, { broken: true });
    expect(() => app.synthYaml()).toThrow(SynthesisError);
    const fine = new App({ outdir });
    shop(fine);
    expect(fine.synthYaml().startsWith('apiVersion: v1\nkind: Namespace\n')).toBe(true);
  });

  test('an App option the kit does not follow is refused, naming it', () => {
    const app = new App({ outdir, yamlOutputType: YamlOutputType.FILE_PER_RESOURCE });
    shop(app);
    expect(() => app.synth()).toThrow(PatternError);
    expect(() => app.synth()).toThrow(/\[shop\] App yamlOutputType \("FILE_PER_RESOURCE"\) is not supported by the kit's synthesis/);
    const extension = new App({ outdir, outputFileExtension: '.yaml' });
    shop(extension);
    expect(() => extension.synth()).toThrow(/App outputFileExtension \("\.yaml"\) is not supported/);
  });

  test('an App without a Platform, and an App subclass with its own synth(), keep cdk8s\' synth', () => {
    const plain = new App({ outdir });
    new Chart(plain, 'other');
    expect(plain.synth).toBe(App.prototype.synth);
    class OwnSynth extends App {
      public synthesized = false;
      public synth(): void {
        this.synthesized = true;
      }
    }
    const own = new OwnSynth({ outdir });
    shop(own);
    own.synth();
    expect(own.synthesized).toBe(true);
  });
});

describe('PlatformApp', () => {
  test('synth() runs the kit\'s synthesis with its synthesizeOptions', () => {
    const outdir = join(mkdtempSync(join(tmpdir(), 'platform-app-')), 'dist');
    const warnings: string[] = [];
    const app = new PlatformApp({ outdir, synthesizeOptions: { strictWarnings: true, warn: (line) => warnings.push(line) } });
    const platform = new Platform(app, 'shop', { environment: Environment.PRODUCTION });
    new ResilientMicroservice(platform, 'api', { image: IMAGE, allowWritableRootFilesystem: true });
    expect(() => app.synth()).toThrow(/policy\/read-only-root-filesystem/);
    expect(warnings).toEqual([expect.stringMatching(/^warning: \[shop\/api\/Deployment\] warning policy\/read-only-root-filesystem/)]);
    rmSync(join(outdir, '..'), { recursive: true, force: true });
  });

  test('is an App that a Platform does not re-route', () => {
    const app = new PlatformApp();
    new Platform(app, 'shop');
    expect(app).toBeInstanceOf(App);
    expect(Object.prototype.hasOwnProperty.call(app, 'synth')).toBe(false);
  });
});

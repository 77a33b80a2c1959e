// The consumer test: the packed kit installed in a project shaped exactly like `cdk8s init typescript-app`, once with
// the oldest and once with the newest cdk8s / constructs / cdk8s-plus-28 of the kit's peer ranges. Each project
// type-checks under four moduleResolution settings, synthesizes through its own scripts, runs a Jest test of the
// kit's helpers, diffs, and sees a broken platform fail with app.synth(), cdk8s synth and the kit's command.
// Usage: node --import tsx test/consumer/run-consumer.ts [--keep] [--no-build] [--profile oldest|newest]
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { Outcome, Runner } from './runner';

const REPO = resolve(__dirname, '../..');
const TEMPLATE = join(REPO, 'node_modules/cdk8s-cli/templates/typescript-app');
const FIXTURE = join(__dirname, 'project');
const PEERS = ['cdk8s', 'constructs', 'cdk8s-plus-28'] as const;

type Profile = 'oldest' | 'newest';

interface ProfileFigures {
  readonly versions: Record<string, string>;
  readonly installSeconds: number;
  readonly packages: number;
  readonly runtimePackages: number;
  readonly synthSeconds: number;
  readonly jestSeconds: number;
  readonly totalSeconds: number;
  readonly failureLines: number;
}

function main(): void {
  const argv = process.argv.slice(2);
  const keep = argv.includes('--keep');
  const only = argv.includes('--profile') ? argv[argv.indexOf('--profile') + 1] as Profile : undefined;
  const started = Date.now();
  const work = mkdtempSync(join(tmpdir(), 'cdk8s-patterns-consumer-'));
  const runner = new Runner();
  try {
    if (!argv.includes('--no-build')) runner.step('build the kit', 'npm', ['run', 'build'], { cwd: REPO });
    const packed = pack(runner, work);
    const figures = new Map<Profile, ProfileFigures>();
    for (const profile of (only ? [only] : ['oldest', 'newest']) as Profile[]) {
      figures.set(profile, consumerProject(runner, profile, packed.tarball, join(work, profile)));
    }
    if (figures.size === 2) {
      runner.check(sameTree(join(work, 'oldest', 'dist'), join(work, 'newest', 'dist')),
        'the oldest and the newest peer versions synthesize byte-identical output');
    }
    report(packed, figures, (Date.now() - started) / 1000);
    process.stdout.write(`consumer: ${runner.passed} passed, 0 failed\n`);
    if (!keep) rmSync(work, { recursive: true, force: true });
  } catch (error) {
    process.stderr.write(`\nconsumer test FAILED: ${(error as Error).message}\nthe projects are kept in ${work}\n`);
    process.stdout.write(`consumer: ${runner.passed} passed, 1 failed\n`);
    process.exitCode = 1;
  }
}

function pack(runner: Runner, work: string): { tarball: string; bytes: number; unpackedBytes: number; files: number } {
  const out = runner.step('npm pack', 'npm', ['pack', '--json', '--pack-destination', work], { cwd: REPO });
  const [info] = JSON.parse(out.stdout) as { filename: string; size: number; unpackedSize: number; entryCount: number; files: { path: string }[] }[];
  const paths = info.files.map((f) => f.path);
  for (const needed of ['LICENSE', 'README.md', 'build/bin/cdk8s-patterns.js', 'build/lib/index.d.ts', 'build/lib/testing/index.d.ts']) {
    runner.check(paths.includes(needed), `the tarball ships ${needed}`);
  }
  runner.check(!paths.some((p) => p.startsWith('build/test/') || p.startsWith('dist/')), 'the tarball ships no tests and no reference output');
  return { tarball: join(work, info.filename), bytes: info.size, unpackedBytes: info.unpackedSize, files: info.entryCount };
}

/** The peer versions of a profile: the lowest each range allows, or the range itself (npm takes the newest). */
function peerSpecs(profile: Profile): Record<string, string> {
  const peers = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).peerDependencies as Record<string, string>;
  return Object.fromEntries(PEERS.map((name) => [name, profile === 'oldest' ? peers[name].replace(/^[\^~>=]+/, '') : peers[name]]));
}

/** The template's files, its package.json with the kit's peers instead of cdk8s-plus-33, and the kit's scripts. */
function createProject(dir: string, profile: Profile, tarball: string): void {
  mkdirSync(dir, { recursive: true });
  for (const file of ['tsconfig.json', 'jest.config.js', 'cdk8s.yaml']) cpSync(join(TEMPLATE, file), join(dir, file));
  const template = JSON.parse(readFileSync(join(TEMPLATE, 'package.json'), 'utf8'));
  const cli = JSON.parse(readFileSync(join(REPO, 'node_modules/cdk8s-cli/package.json'), 'utf8')).version as string;
  const pkg = {
    ...template,
    name: `consumer-${profile}`,
    scripts: {
      ...template.scripts,
      synth: 'cdk8s-patterns synth',
      validate: 'cdk8s-patterns validate',
      diff: 'cdk8s-patterns diff',
    },
    // The template's cdk8s, constructs and cdk8s-plus-33 give way to the kit's peers.
    dependencies: { ...peerSpecs(profile), 'cdk8s-patterns': `file:${tarball}` },
    devDependencies: { ...template.devDependencies, 'cdk8s-cli': cli },
  };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  for (const file of readdirSync(FIXTURE)) cpSync(join(FIXTURE, file), join(dir, file));
}

function consumerProject(runner: Runner, profile: Profile, tarball: string, dir: string): ProfileFigures {
  const started = Date.now();
  runner.section(`consumer project, ${profile} peer versions`);
  createProject(dir, profile, tarball);
  const install = runner.step('npm install', 'npm', ['install', '--no-audit', '--no-fund'], { cwd: dir });
  const versions = Object.fromEntries(PEERS.map((name) => [name, installedVersion(dir, name)]));
  runner.note(`installed ${PEERS.map((n) => `${n} ${versions[n]}`).join(', ')}`);
  for (const name of PEERS) {
    const copies = runner.step(`npm ls ${name}`, 'npm', ['ls', name, '--omit=dev', '--all', '--parseable'], { cwd: dir }).stdout.trim().split('\n');
    runner.check(copies.length === 1, `one copy of ${name} for the app (found ${copies.length})`);
  }
  typeCheck(runner, dir);
  const synth = runner.step('npm run synth (cdk8s-patterns synth)', 'npm', ['run', 'synth'], { cwd: dir });
  checkOutput(runner, dir);
  const jest = testWithHelpers(runner, dir);
  diffs(runner, dir);
  const failureLines = brokenPlatform(runner, dir);
  return {
    versions,
    installSeconds: install.seconds,
    packages: countPackages(runner, dir, []),
    runtimePackages: countPackages(runner, dir, ['--omit=dev']),
    synthSeconds: synth.seconds,
    jestSeconds: jest,
    totalSeconds: (Date.now() - started) / 1000,
    failureLines,
  };
}

function installedVersion(dir: string, name: string): string {
  return JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')).version;
}

function countPackages(runner: Runner, dir: string, flags: string[]): number {
  const out = runner.quiet('npm', ['ls', '--all', '--parseable', ...flags], { cwd: dir }).stdout.trim().split('\n');
  return new Set(out.slice(1)).size;
}

/** The template's tsconfig as it is (module CommonJS: node10 resolution), then under node16, nodenext and bundler. */
function typeCheck(runner: Runner, dir: string): void {
  runner.step('tsc: the template\'s tsconfig (moduleResolution node10)', 'npx', ['tsc', '--noEmit', '-p', '.'], { cwd: dir });
  for (const [module, resolution] of [['node16', 'node16'], ['nodenext', 'nodenext'], ['esnext', 'bundler']]) {
    runner.step(`tsc --module ${module} --moduleResolution ${resolution}`, 'npx',
      ['tsc', '--noEmit', '-p', '.', '--module', module, '--moduleResolution', resolution], { cwd: dir });
  }
}

function checkOutput(runner: Runner, dir: string): void {
  const files = listTree(join(dir, 'dist'));
  runner.check(files.join(' ') === 'shop/production.k8s.yaml shop/staging.k8s.yaml', `dist/ holds the kit's layout (${files.join(', ')})`);
  const yaml = readFileSync(join(dir, 'dist/shop/production.k8s.yaml'), 'utf8');
  runner.check(yaml.startsWith('apiVersion: v1\nkind: Namespace\n'), 'objects are in apply order (the Namespace first)');
}

function testWithHelpers(runner: Runner, dir: string): number {
  const first = runner.step('jest, writing the snapshot (as the template\'s first build does)', 'npx', ['jest', '--ci=false', '-u'], { cwd: dir });
  const snapshot = readFileSync(join(dir, '__snapshots__/main.test.ts.snap'), 'utf8');
  runner.check(snapshot.includes('kind: Deployment') && snapshot.includes('name: api'), 'the snapshot is YAML from the kit\'s serializer');
  const again = runner.step('npm test (jest --ci: the snapshot matches)', 'npm', ['test', '--', '--ci'], { cwd: dir });
  return first.seconds + again.seconds;
}

function diffs(runner: Runner, dir: string): void {
  runner.expect('npm run diff: no change', 'npm', ['run', 'diff'], { cwd: dir }, Outcome.exit(0, /no changes/));
  runner.expect('npm run diff with a new api image: exit 1', 'npm', ['run', 'diff'], { cwd: dir, env: { SHOP_API_VERSION: '1.5.0' } },
    Outcome.exit(1, /Deployment\/shop\/api[\s\S]*1\.5\.0/));
  runner.expect('npm run diff -- --bogus: exit 2', 'npm', ['run', 'diff', '--', '--bogus'], { cwd: dir }, Outcome.exit(2, /unknown option --bogus/));
  runner.step('npm run synth -- --output after, with a new api image', 'npm', ['run', 'synth', '--', '--output', 'after'],
    { cwd: dir, env: { SHOP_API_VERSION: '1.5.0' } });
  runner.expect('cdk8s-patterns diff dist after: exit 1', 'npx', ['cdk8s-patterns', 'diff', 'dist', 'after'], { cwd: dir }, Outcome.exit(1, /1\.5\.0/));
  rmSync(join(dir, 'after'), { recursive: true });
}

/** A broken platform fails every way of synthesizing, with the short report; the kit's synth keeps dist/. */
function brokenPlatform(runner: Runner, dir: string): number {
  const broken = { cwd: dir, env: { SHOP_BROKEN: '1' } };
  const before = treeText(join(dir, 'dist'));
  const report = Outcome.shortReport(['shop-production/orphan', 'shop-staging/orphan'], 'ref/service-selector');
  const direct = runner.expect('app.synth() (npx ts-node main.ts) of a broken platform', 'npx', ['ts-node', 'main.ts'], broken, report);
  runner.check(treeText(join(dir, 'dist')) === before, 'app.synth() left dist/ as it was');
  runner.expect('npm run synth of a broken platform', 'npm', ['run', 'synth'], broken, report);
  runner.check(treeText(join(dir, 'dist')) === before, 'cdk8s-patterns synth left dist/ as it was');
  runner.expect('npm run validate of a broken platform', 'npm', ['run', 'validate'], broken, report);
  // CDK8S_CHECK_UPGRADE=false: cdk8s-cli would ask the registry for its newest version on every run.
  const cdk8sBroken = { cwd: dir, env: { ...broken.env, CDK8S_CHECK_UPGRADE: 'false' } };
  runner.expect('cdk8s synth of a broken platform', 'npx', ['cdk8s', 'synth'], cdk8sBroken, report);
  runner.step('cdk8s synth of the good platform (runs the kit\'s synthesis through app.synth())', 'npx', ['cdk8s', 'synth'],
    { cwd: dir, env: { CDK8S_CHECK_UPGRADE: 'false' } });
  checkOutput(runner, dir);
  return direct.stderr.trimEnd().split('\n').length;
}

function listTree(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string, prefix: string) => {
    for (const name of readdirSync(dir).sort()) {
      if (statSync(join(dir, name)).isDirectory()) walk(join(dir, name), `${prefix}${name}/`);
      else files.push(`${prefix}${name}`);
    }
  };
  walk(root, '');
  return files;
}

function treeText(root: string): string {
  return listTree(root).map((file) => `${file}\n${readFileSync(join(root, file), 'utf8')}`).join('\n');
}

function sameTree(a: string, b: string): boolean {
  return treeText(a) === treeText(b);
}

function report(packed: { bytes: number; unpackedBytes: number; files: number }, figures: Map<Profile, ProfileFigures>, seconds: number): void {
  const lines = [
    '',
    'Consumer test figures',
    `  tarball: ${(packed.bytes / 1024).toFixed(0)} KiB packed, ${(packed.unpackedBytes / 1024).toFixed(0)} KiB unpacked, ${packed.files} files`,
  ];
  for (const [profile, f] of figures) {
    lines.push(`  ${profile}: ${Object.entries(f.versions).map(([n, v]) => `${n} ${v}`).join(', ')}`);
    lines.push(`    install ${f.installSeconds.toFixed(1)} s; ${f.packages} packages installed (${f.runtimePackages} without devDependencies)`);
    lines.push(`    synth (npm run synth: cdk8s-patterns synth -> npx ts-node main.ts) ${f.synthSeconds.toFixed(1)} s; jest ${f.jestSeconds.toFixed(1)} s`);
    lines.push(`    broken platform: ${f.failureLines} lines of error output; whole project ${f.totalSeconds.toFixed(0)} s`);
  }
  lines.push(`  total ${seconds.toFixed(0)} s`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

main();

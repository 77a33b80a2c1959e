// Test harness for the real-engine tests: Debian's PostgreSQL and Redis on 127.0.0.1, started from the files the kit
// generates, in a temporary directory, as an unprivileged user when we are root.
import { ChildProcess, spawn, spawnSync, SpawnSyncReturns } from 'child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { freePort } from './free-port';
import { findObject, K8sObject, podSpecOf } from './objects';

/** Programs a real-engine suite needs, and which of them are missing. */
export interface ProgramCheck {
  readonly missing: readonly string[];
}

/**
 * `describe` when the programs are there; otherwise a skipped suite with a message, except under CI
 * (`CI=true`), where a missing program is a failing test: CI installs them (see .ci/run).
 */
export function describeWithPrograms(title: string, check: ProgramCheck, body: () => void): void {
  if (check.missing.length === 0) {
    describe(title, body);
    return;
  }
  const message = `${title}: missing ${check.missing.join(', ')} (apt-get install postgresql redis-server rclone prometheus-redis-exporter prometheus-postgres-exporter)`;
  if (process.env.CI === 'true') {
    describe(title, () => {
      test('the engine programs are installed', () => {
        throw new Error(`${message}; CI must install them`);
      });
    });
    return;
  }
  // eslint-disable-next-line no-console
  console.warn(`skipping real-engine tests: ${message}`);
  describe.skip(title, body);
}

/** The bin directory of the newest installed PostgreSQL (Debian layout), if any. */
export function findPostgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
  return versions.map((v) => join(root, v, 'bin')).find((bin) => existsSync(join(bin, 'postgres')));
}

/** Which of the PostgreSQL programs the tests run are missing. */
export function checkPostgresPrograms(): ProgramCheck {
  const bin = findPostgresBin();
  const needed = ['initdb', 'postgres', 'pg_ctl', 'psql', 'pg_dump', 'pg_restore', 'pg_isready', 'pg_basebackup'];
  return { missing: bin ? needed.filter((p) => !existsSync(join(bin, p))) : needed };
}

/** Which of the Redis programs are missing. */
export function checkRedisPrograms(): ProgramCheck {
  return checkPrograms('redis-server', 'redis-cli');
}

/** Which of `programs` are not on the PATH. */
export function checkPrograms(...programs: string[]): ProgramCheck {
  return { missing: programs.filter((p) => spawnSync('sh', ['-c', `command -v ${p}`]).status !== 0) };
}

export { freePort };

/** The uid/gid the servers run as: `postgres` when we are root (PostgreSQL refuses root), else ourselves. */
function unprivilegedIdentity(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const uid = id('-u');
  if (!Number.isInteger(uid) || uid <= 0) throw new Error('harness: running as root needs the "postgres" user (created by the postgresql package)');
  return { uid, gid: id('-g') };
}

/** A temporary directory owned by the user the servers run as; `remove()` deletes it. */
export class Sandbox {
  public readonly dir: string;
  public readonly identity = unprivilegedIdentity();

  constructor(prefix: string) {
    this.dir = mkdtempSync(join(tmpdir(), prefix));
    this.own(this.dir);
  }

  /** A subdirectory, created and owned like the sandbox. */
  public subdir(name: string): string {
    const path = join(this.dir, name);
    mkdirSync(path, { recursive: true, mode: 0o700 });
    this.own(path);
    return path;
  }

  /** Writes a file the servers can read. */
  public write(name: string, content: string, mode = 0o600): string {
    const path = join(this.dir, name);
    writeFileSync(path, content, { mode });
    this.own(path);
    return path;
  }

  /** The command line that runs `argv` as the unprivileged user (setpriv keeps the environment as given). */
  public asUser(argv: readonly string[]): string[] {
    if (!this.identity) return [...argv];
    return ['setpriv', `--reuid=${this.identity.uid}`, `--regid=${this.identity.gid}`, '--clear-groups', ...argv];
  }

  /** Runs a program to completion as the unprivileged user. */
  public run(argv: readonly string[], env: NodeJS.ProcessEnv = {}, input?: string): SpawnSyncReturns<string> {
    const [cmd, ...args] = this.asUser(argv);
    return spawnSync(cmd, args, { encoding: 'utf8', env: { PATH: process.env.PATH, ...env }, input, timeout: 60_000 });
  }

  /** Starts a long-running program as the unprivileged user; its output is kept for error messages. */
  public start(argv: readonly string[], env: NodeJS.ProcessEnv = {}): RunningProcess {
    const [cmd, ...args] = this.asUser(argv);
    return new RunningProcess(spawn(cmd, args, { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }));
  }

  public remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private own(path: string): void {
    if (this.identity) chownSync(path, this.identity.uid, this.identity.gid);
  }
}

/** A server process with its collected output. */
export class RunningProcess {
  public output = '';
  private exited = false;

  constructor(public readonly child: ChildProcess) {
    child.stdout?.on('data', (d) => (this.output += String(d)));
    child.stderr?.on('data', (d) => (this.output += String(d)));
    child.on('exit', () => (this.exited = true));
  }

  public get running(): boolean {
    return !this.exited;
  }

  /** Sends `signal` and waits for the process to end (SIGKILL after 15 s). */
  public async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.exited) return;
    const done = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await done;
    clearTimeout(timer);
  }
}

/** Polls `probe` until it returns true; fails with the server's output after `timeoutMs`. */
export async function waitFor(what: string, probe: () => boolean, server: RunningProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!server.running) throw new Error(`${what}: the server exited:\n${server.output}`);
    if (probe()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what}: not ready after ${timeoutMs} ms:\n${server.output}`);
}

/**
 * The env of a synthesized container as the kubelet would give it: literal values, with secretKeyRefs resolved
 * from `secrets` (secret name → key → value), then `overrides` for what only makes sense in a cluster (hosts,
 * ports, paths). Fails on a secret reference the test did not provide, so a wrong key name cannot pass.
 */
export function containerEnv(container: K8sObject, secrets: Record<string, Record<string, string>>,
  overrides: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const variable of container.env ?? []) {
    const ref = variable.valueFrom?.secretKeyRef;
    if (ref) {
      const value = secrets[ref.name]?.[ref.key];
      if (value === undefined) throw new Error(`harness: env ${variable.name} refers to Secret ${ref.name} key ${ref.key}, which the test does not provide`);
      env[variable.name] = value;
    } else {
      env[variable.name] = variable.value;
    }
  }
  for (const name of Object.keys(overrides)) {
    if (!(name in env)) throw new Error(`harness: override ${name} is not an env var of container ${container.name}`);
    env[name] = overrides[name];
  }
  return env;
}

/** Throws with the command's output unless it exited 0. */
export function expectSuccess(result: SpawnSyncReturns<string>, what: string): string {
  if (result.status !== 0) throw new Error(`${what} failed (exit ${result.status}${result.error ? `, ${result.error.message}` : ''}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/**
 * Lays out a projected Secret volume of the pod in `sandbox/<dirName>` as the kubelet would (`<item path>` per
 * source), with the values from `secrets`; a source whose Secret the test does not provide is left out, as an
 * optional source is. Returns the directory.
 */
export function layOutProjectedSecrets(sandbox: Sandbox, podSpec: K8sObject, volumeName: string, dirName: string,
  secrets: Record<string, Record<string, string>>): string {
  const dir = sandbox.subdir(dirName);
  for (const source of podSpec.volumes.find((v: K8sObject) => v.name === volumeName).projected.sources) {
    const item = source.secret.items[0];
    const value = secrets[source.secret.name]?.[item.key];
    if (value === undefined) continue;
    sandbox.subdir(join(dirName, item.path.split('/')[0]));
    sandbox.write(join(dirName, item.path), value);
  }
  return dir;
}

/** A Redis server from the generated files, with what a test needs to talk to it. */
export interface GeneratedRedis {
  readonly port: number;
  readonly server: RunningProcess;
  /** The database container's env, as the kubelet would give it. */
  readonly env: Record<string, string>;
  /** The ACL file the users script wrote. */
  readonly aclText: string;
  readonly dataDir: string;
}

/**
 * Starts Redis as the database container of StatefulSet `name` does: its users script writes the ACL file from the
 * clients' and service users' Secrets (laid out as their projected volumes), then redis-server reads the generated
 * redis.conf and that file; only the bind address, port and directory, which make sense only in the pod, are
 * overridden. `label` keeps two servers of one sandbox apart.
 */
export async function startGeneratedRedis(sandbox: Sandbox, objects: K8sObject[], name: string,
  secrets: Record<string, Record<string, string>>, label = 'redis'): Promise<GeneratedRedis> {
  const port = await freePort();
  const configMap = findObject(objects, 'ConfigMap', `${name}-config`);
  const config = sandbox.write(`${label}.conf`, configMap.data['redis.conf']);
  const users = sandbox.write(`${label}-acl-users.sh`, configMap.data['acl-users.sh']);
  const dataDir = sandbox.subdir(`${label}-data`);
  const spec = podSpecOf(findObject(objects, 'StatefulSet', name));
  const env = containerEnv(spec.containers[0], secrets, {});
  const aclFile = join(sandbox.dir, `${label}-users.acl`);
  expectSuccess(sandbox.run(['sh', users, aclFile], {
    ...env,
    CLIENTS_DIR: layOutProjectedSecrets(sandbox, spec, 'clients', `${label}-clients`, secrets),
    SERVICE_USERS_DIR: layOutProjectedSecrets(sandbox, spec, 'service-users', `${label}-service-users`, secrets),
  }), 'acl-users.sh');
  const server = sandbox.start(['redis-server', config, '--aclfile', aclFile, '--bind', '127.0.0.1', '--port', String(port), '--dir', dataDir]);
  await waitFor(label, () => sandbox.run(['redis-cli', '-h', '127.0.0.1', '-p', String(port), 'ping'], { REDISCLI_AUTH: env.REDISCLI_AUTH }).stdout.trim() === 'PONG', server);
  return { port, server, env, aclText: readFileSync(aclFile, 'utf8'), dataDir };
}

/**
 * s3rver in a child process (a test's rclone runs are synchronous and would block a server in the test's own
 * process), with `bucket` made; it prints its port once listening.
 */
export function startS3rver(directory: string, bucket: string): { child: ChildProcess; port: Promise<number> } {
  const program = `const S3rver = require('s3rver');
new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: process.argv[1], configureBuckets: [{ name: process.argv[2] }] })
  .run().then(({ port }) => console.log(port), (e) => { console.error(e); process.exit(1); });`;
  const child = spawn(process.execPath, ['-e', program, directory, bucket], { cwd: join(__dirname, '..', '..'), stdio: ['ignore', 'pipe', 'pipe'] });
  const port = new Promise<number>((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (d) => {
      output += String(d);
      if (/^\d+\n/.test(output)) resolve(Number(output.trim()));
    });
    child.stderr!.on('data', (d) => (output += String(d)));
    child.on('exit', (code) => reject(new Error(`s3rver exited (${code}):\n${output}`)));
  });
  return { child, port };
}

/** Ends a child process started by the test and waits for it. */
export async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill();
  await exited;
}

/** Runs a container's own `sh -c` command with its env as the kubelet gives it, cluster values overridden. */
export function runContainer(sandbox: Sandbox, container: K8sObject, secrets: Record<string, Record<string, string>>,
  overrides: Record<string, string>, path = process.env.PATH): SpawnSyncReturns<string> {
  const env = containerEnv(container, secrets, overrides);
  const [shell, flag, script] = container.command;
  return sandbox.run([shell, flag, script], { ...env, PATH: path });
}

/**
 * Starts an exporter with the env of the synthesized container (secrets resolved) plus `extra` (its listen address),
 * and returns its /metrics text once it answers.
 */
export async function scrapeExporter(sandbox: Sandbox, argv: readonly string[], container: K8sObject,
  secrets: Record<string, Record<string, string>>, extra: Record<string, string>, port: number): Promise<{ metrics: string; exporter: RunningProcess }> {
  const exporter = sandbox.start(argv, { ...containerEnv(container, secrets, {}), ...extra });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (!exporter.running) throw new Error(`${argv[0]}: the exporter exited:\n${exporter.output}`);
    const response = await fetch(`http://127.0.0.1:${port}/metrics`).catch(() => undefined);
    if (response?.ok) return { metrics: await response.text(), exporter };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await exporter.stop();
  throw new Error(`${argv[0]}: no metrics after 30 s:\n${exporter.output}`);
}

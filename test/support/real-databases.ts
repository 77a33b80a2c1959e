// Test harness for the real-engine tests: Debian's PostgreSQL and Redis on 127.0.0.1, started from the files the kit
// generates, in a temporary directory, as an unprivileged user when we are root.
import { ChildProcess, spawn, spawnSync, SpawnSyncReturns } from 'child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'fs';
import * as net from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import { K8sObject } from './objects';

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
  const message = `${title}: missing ${check.missing.join(', ')} (apt-get install postgresql redis-server rclone)`;
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
  return { missing: ['redis-server', 'redis-cli'].filter((p) => spawnSync('sh', ['-c', `command -v ${p}`]).status !== 0) };
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

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

// Test harness for the real-nginx tests: runs Debian's nginx on loopback, as `nobody` when we are root.
import { ChildProcess, spawn, spawnSync } from 'child_process';
import { accessSync, chownSync, constants, mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'fs';
import * as http from 'http';
import * as net from 'net';
import { tmpdir } from 'os';
import { join } from 'path';

const NOBODY = 65534;
const CANDIDATES = ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/nginx/sbin/nginx', '/usr/bin/nginx'];

/** The nginx binary, or undefined when none is installed. */
export function findNginx(): string | undefined {
  const fromPath = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' });
  const found = fromPath.status === 0 ? fromPath.stdout.trim() : '';
  for (const candidate of [found, ...CANDIDATES]) {
    if (!candidate) continue;
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // try the next
    }
  }
  return undefined;
}

/**
 * Declares the real-nginx tests of a file: without nginx they fail with CI=true (CI must install it) and are
 * skipped otherwise.
 */
export function describeRealNginx(title: string, body: (nginx: string) => void): void {
  const nginx = findNginx();
  if (nginx) {
    describe(title, () => body(nginx));
  } else if (process.env.CI === 'true') {
    test('nginx is installed (CI runs the real-nginx tests)', () => {
      throw new Error('nginx not found: CI must install the Debian package "nginx" (see .ci/run)');
    });
  } else {
    test.skip(`${title}: nginx is not installed`, () => undefined);
  }
}

/** How the harness maps the product's cluster addresses onto loopback. */
export interface LoopbackMapping {
  /** `host:port` of each upstream `server` line → a loopback port. Every upstream must be mapped. */
  readonly upstreams: Readonly<Record<string, number>>;
  /** The product's `listen` ports → loopback ports. Every listen line must be mapped. */
  readonly listen: Readonly<Record<number, number>>;
  /** Replaces the product's runtime directory (`/tmp`), so parallel runs never share pid or temp files. */
  readonly runtimeDir: string;
}

/**
 * Rewrites, in the harness only, exactly three kinds of lines of the generated config: `server` lines inside
 * `upstream` blocks (to 127.0.0.1), `listen` lines (to 127.0.0.1 and a free port), and paths under `/tmp/`.
 * Everything else is the product's text.
 */
export function toLoopback(config: string, mapping: LoopbackMapping): string {
  let inUpstream = false;
  const out = config.split('\n').map((line) => {
    if (/^\s*upstream\s+\S+\s*\{\s*$/.test(line)) inUpstream = true;
    else if (inUpstream && /^\s*\}\s*$/.test(line)) inUpstream = false;
    const server = /^(\s*)server\s+([^\s;]+);\s*$/.exec(line);
    if (inUpstream && server) {
      const port = mapping.upstreams[server[2]];
      if (port === undefined) throw new Error(`harness: no loopback port for upstream server ${server[2]}`);
      return `${server[1]}server 127.0.0.1:${port};`;
    }
    const listen = /^(\s*)listen\s+(\d+);\s*$/.exec(line);
    if (listen) {
      const port = mapping.listen[Number(listen[2])];
      if (port === undefined) throw new Error(`harness: no loopback port for listen ${listen[2]}`);
      return `${listen[1]}listen 127.0.0.1:${port};`;
    }
    return line;
  });
  return out.join('\n').replace(/ \/tmp\//g, ` ${mapping.runtimeDir}/`);
}

export { freePort } from './free-port';

/** A private directory nginx may write to; owned by `nobody` when we are root. */
export class NginxSandbox {
  public readonly dir: string;
  public readonly accessLogPath: string;
  /** Whether nginx runs as `nobody` (we are root) rather than as the current user. */
  public readonly asNobody: boolean;
  private process?: ChildProcess;
  private stderr = '';

  constructor(private readonly nginx: string) {
    this.dir = mkdtempSync(join(tmpdir(), 'cdk8s-patterns-nginx-'));
    this.asNobody = typeof process.getuid === 'function' && process.getuid() === 0;
    chmodSync(this.dir, 0o755);
    this.own(this.dir);
    this.accessLogPath = join(this.dir, 'access.log');
  }

  /** Writes the config into the sandbox and returns its path. */
  public writeConfig(text: string): string {
    const path = join(this.dir, 'nginx.conf');
    writeFileSync(path, text);
    this.own(path);
    return path;
  }

  /** `nginx -t` on the sandbox's config. */
  public testConfig(): { ok: boolean; output: string } {
    const log = this.openAccessLog();
    try {
      const result = spawnSync(this.nginx, [...this.baseArgs(), '-t'], {
        encoding: 'utf8', timeout: 15_000, stdio: ['ignore', log, 'pipe'], ...this.identity(),
      });
      return { ok: result.status === 0, output: result.stderr ?? '' };
    } finally {
      closeSync(log);
    }
  }

  /** Starts nginx in the foreground and waits until `port` accepts connections. */
  public async start(port: number): Promise<void> {
    const log = this.openAccessLog();
    const child = spawn(this.nginx, [...this.baseArgs(), '-g', 'daemon off;'], {
      stdio: ['ignore', log, 'pipe'], detached: true, ...this.identity(),
    });
    closeSync(log);
    this.process = child;
    child.stderr!.on('data', (chunk) => { this.stderr += String(chunk); });
    for (let attempt = 0; attempt < 100; attempt++) {
      if (child.exitCode !== null) throw new Error(`nginx exited (${child.exitCode}): ${this.stderr}`);
      if (await accepts(port)) return;
      await sleep(50);
    }
    throw new Error(`nginx did not listen on ${port} within 5 s: ${this.stderr}`);
  }

  /** The access log lines written so far. */
  public accessLog(): string[] {
    return readFileSync(this.accessLogPath, 'utf8').split('\n').filter((l) => l.trim() !== '');
  }

  /** The uid the running nginx master has (from /proc), or undefined when it is not running. */
  public masterUid(): number | undefined {
    const pid = this.process?.pid;
    if (pid === undefined || this.process?.exitCode !== null) return undefined;
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^Uid:\s+(\d+)/m.exec(status);
    return match ? Number(match[1]) : undefined;
  }

  /** What nginx wrote to stderr. */
  public errorOutput(): string {
    return this.stderr;
  }

  /** Stops nginx (graceful quit, then kill of its whole process group) and removes the sandbox. */
  public async dispose(): Promise<void> {
    const child = this.process;
    if (child && child.exitCode === null && child.pid !== undefined) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      signalGroup(child.pid, 'SIGQUIT');
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(false), 3000); });
      const gone = await Promise.race([exited.then(() => true), timeout]);
      clearTimeout(timer);
      if (!gone) {
        signalGroup(child.pid, 'SIGKILL');
        await exited;
      }
      signalGroup(child.pid, 'SIGKILL'); // workers left behind, if any
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  /**
   * nginx's stdout: the config logs to /dev/stdout, which nginx reopens. In a pod that is a pipe; here it is a
   * file owned by nginx's user, since Node's stdio pipes are sockets that cannot be reopened through /dev.
   */
  private openAccessLog(): number {
    const fd = openSync(this.accessLogPath, 'a');
    this.own(this.accessLogPath);
    return fd;
  }

  private baseArgs(): string[] {
    return ['-p', `${this.dir}/`, '-c', join(this.dir, 'nginx.conf'), '-e', 'stderr'];
  }

  private identity(): { uid?: number; gid?: number } {
    return this.asNobody ? { uid: NOBODY, gid: NOBODY } : {};
  }

  private own(path: string): void {
    if (this.asNobody) chownSync(path, NOBODY, NOBODY);
  }
}

/** What a test upstream saw of a request. */
export interface EchoedRequest {
  readonly upstream: string;
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
}

/** A loopback HTTP server that answers every request with what it received, as JSON. */
export class EchoUpstream {
  public static async start(name: string): Promise<EchoUpstream> {
    const server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const body: EchoedRequest = { upstream: name, method: req.method ?? '', url: req.url ?? '', headers: req.headers };
        // Padding so gzip's minimum length is exceeded.
        const text = JSON.stringify({ ...body, padding: 'x'.repeat(2048) });
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new EchoUpstream(server, (server.address() as net.AddressInfo).port);
  }

  private constructor(private readonly server: http.Server, public readonly port: number) {}

  public async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A loopback HTTP server on a given address that answers every request with the same body. */
export class FixedBodyUpstream {
  /** Listens on `address` (a 127.0.0.x) and `port` (0: any free port). */
  public static async start(address: string, port: number, body: string): Promise<FixedBodyUpstream> {
    const server = http.createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, address, () => resolve());
    });
    return new FixedBodyUpstream(server, (server.address() as net.AddressInfo).port);
  }

  private constructor(private readonly server: http.Server, public readonly port: number) {}

  public async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A response, read whole. */
export interface HttpResult {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** One GET to 127.0.0.1 without connection reuse, failing after 5 s; `from` picks the loopback source address. */
export function get(port: number, path: string, headers: Record<string, string> = {}, from?: string): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const options = { host: '127.0.0.1', port, path, method: 'GET', headers, agent: false, timeout: 5000, localAddress: from };
    const req = http.request(options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('latin1') }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// Real Redis: the generated redis.conf boots Debian's redis-server with the Secret's password, a client with the
// connectTo env writes and reads a key, the exporter (Debian's redis_exporter) scrapes as its read-only user, and the
// backup CronJob's script copies an RDB snapshot as its own user.
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { DatabaseCredentials, DatabaseEngine, ResilientMicroservice, StatefulDatabase } from '../../lib';
import { findObject, K8sObject, podSpecOf, synth, testPlatform } from '../support/objects';
import {
  checkPrograms, containerEnv, describeWithPrograms, expectSuccess, freePort, RunningProcess, Sandbox, scrapeExporter, startGeneratedRedis,
} from '../support/real-databases';

jest.setTimeout(60_000);

const SECRETS: Record<string, Record<string, string>> = {
  'cache-credentials': { password: 's3cret value with spaces' },
  // Spaces and ACL syntax in a password must not add a rule: the ACL file holds its hash.
  'cache-orders-credentials': { password: 'orders pass +@all ~* >x' },
  'cache-metrics-credentials': { password: 'metrics pass' },
  'cache-backup-credentials': { password: 'backup pass' },
};

describeWithPrograms('Redis with the generated configuration', checkPrograms('redis-server', 'redis-cli', 'prometheus-redis-exporter'), () => {
  let objects: K8sObject[];
  let sandbox: Sandbox;
  let server: RunningProcess | undefined;
  let port: number;

  beforeAll(async () => {
    // given: typed settings and a raw directive
    const { platform } = testPlatform();
    const cache = new StatefulDatabase(platform, 'cache', {
      engine: DatabaseEngine.redis({ maxMemory: '64Mi', maxMemoryPolicy: 'allkeys-lru', settings: { 'hz': 20, 'lazyfree-lazy-eviction': true } }),
      replicas: 1,
      credentials: DatabaseCredentials.fromExistingSecret('cache-credentials', { keys: { password: 'password' } }),
      backup: { retention: 1 },
      metrics: true,
    });
    new ResilientMicroservice(platform, 'orders', { image: 'shop/orders:1.0.0' }).connectTo(cache);
    objects = synth(platform);
    sandbox = new Sandbox('cdk8s-patterns-redis-');
    // when: the container's users script writes the ACL file from the client and service Secrets (laid out as
    // their projected volumes), then the generated file and that ACL file start redis
    const redis = await startGeneratedRedis(sandbox, objects, 'cache', SECRETS);
    [server, port, aclText] = [redis.server, redis.port, redis.aclText];
  });

  let aclText: string;

  afterAll(async () => {
    await server?.stop('SIGTERM');
    sandbox?.remove();
  });

  function cli(args: readonly string[], password?: string) {
    return sandbox.run(['redis-cli', '-h', '127.0.0.1', '-p', String(port), ...args], password === undefined ? {} : { REDISCLI_AUTH: password });
  }

  test('the server runs with the generated settings', () => {
    // then
    const get = (name: string) => expectSuccess(cli(['config', 'get', name], SECRETS['cache-credentials'].password), name).trim().split('\n')[1];
    expect(get('maxmemory')).toBe(String(64 * 1024 * 1024));
    expect(get('maxmemory-policy')).toBe('allkeys-lru');
    expect(get('appendonly')).toBe('yes');
    expect(get('hz')).toBe('20');
    expect(get('lazyfree-lazy-eviction')).toBe('yes');
  });

  test('without the password, commands are refused', () => {
    // when
    const result = cli(['set', 'intruder', '1']);
    // then
    expect(result.stdout + result.stderr).toMatch(/NOAUTH/);
  });

  test('a client with the connection env from connectTo writes and reads a key', () => {
    // given
    const client = containerEnv(podSpecOf(findObject(objects, 'Deployment', 'orders')).containers[0], SECRETS,
      { REDIS_HOST: '127.0.0.1', REDIS_PORT: String(port) });
    const run = (...args: string[]) => expectSuccess(sandbox.run(['redis-cli', '-h', client.REDIS_HOST, '-p', client.REDIS_PORT, '--user', client.REDIS_USERNAME, ...args],
      { REDISCLI_AUTH: client.REDIS_PASSWORD }), args.join(' ')).trim();
    // when
    expect(run('set', 'order:1', 'kettle')).toBe('OK');
    // then
    expect(run('get', 'order:1')).toBe('kettle');
    expect(run('acl', 'whoami')).toBe('orders');
  });

  describe("a client's own ACL user", () => {
    const asOrders = (...args: string[]) => {
      const client = containerEnv(podSpecOf(findObject(objects, 'Deployment', 'orders')).containers[0], SECRETS,
        { REDIS_HOST: '127.0.0.1', REDIS_PORT: String(port) });
      const result = sandbox.run(['redis-cli', '-h', client.REDIS_HOST, '-p', client.REDIS_PORT, '--user', client.REDIS_USERNAME, ...args], { REDISCLI_AUTH: client.REDIS_PASSWORD });
      return (result.stdout + result.stderr).trim();
    };

    test('the ACL file holds hashes, never a password', () => {
      expect(aclText).not.toContain(SECRETS['cache-credentials'].password);
      expect(aclText).not.toContain('orders pass');
      expect(aclText.trim().split('\n').map((line) => line.replace(/#[0-9a-f]{64}/, '#<hash>'))).toEqual([
        'user default on #<hash> ~* &* +@all',
        'user orders on #<hash> ~* &* +@all -@dangerous',
        'user metrics on #<hash> resetkeys resetchannels -@all +auth +hello +ping +select +client|setname +client|getname +client|info +info +config|get +slowlog|get +slowlog|len +latency|latest +latency|histogram',
        'user backup on #<hash> resetkeys resetchannels -@all +auth +replconf +sync',
      ]);
    });

    test('reads and writes, but CONFIG, FLUSHALL, DEBUG, KEYS, ACL and SHUTDOWN are denied', () => {
      expect(asOrders('set', 'cart:1', 'x')).toBe('OK');
      expect(asOrders('incr', 'counter')).toMatch(/^\d+$/);
      for (const command of [['config', 'get', 'requirepass'], ['config', 'set', 'appendonly', 'no'], ['flushall'], ['debug', 'sleep', '0'], ['keys', '*'], ['acl', 'list'], ['shutdown']]) {
        // DEBUG is also switched off server-wide (enable-debug-command no), which answers first
        expect({ command, reply: asOrders(...command) }).toEqual({ command, reply: expect.stringMatching(/NOPERM|DEBUG command not allowed/) });
        // the ACL itself denies each one to the client (ACL DRYRUN, asked as the default user)
        const dryRun = cli(['acl', 'dryrun', 'orders', ...command], SECRETS['cache-credentials'].password);
        expect({ command, dryRun: dryRun.stdout.trim() }).toEqual({ command, dryRun: expect.stringMatching(/has no permissions to run/) });
      }
      expect(cli(['acl', 'dryrun', 'orders', 'set', 'k', 'v'], SECRETS['cache-credentials'].password).stdout.trim()).toBe('OK');
      expect(asOrders('get', 'cart:1')).toBe('x');
    });

    test("the database's password is the default user's, not the client's; the client's works only as its own user", () => {
      const asDefault = (password: string, ...args: string[]) => {
        const result = cli(args, password);
        return (result.stdout + result.stderr).trim();
      };
      expect(asDefault(SECRETS['cache-orders-credentials'].password, 'get', 'cart:1')).toMatch(/WRONGPASS|invalid username-password/);
      expect(asDefault(SECRETS['cache-credentials'].password, 'acl', 'whoami')).toBe('default');
    });
  });

  describe('the service users', () => {
    const as = (user: 'metrics' | 'backup', ...args: string[]) => {
      const result = sandbox.run(['redis-cli', '-h', '127.0.0.1', '-p', String(port), '--user', user, ...args], { REDISCLI_AUTH: SECRETS[`cache-${user}-credentials`].password });
      return (result.stdout + result.stderr).trim();
    };
    const denied = /NOPERM/;

    test("the exporter's own container scrapes as metrics: Redis is up and no command it sent was denied", async () => {
      // given: the synthesized exporter container's env (REDIS_ADDR moved to the test's port)
      const started = Date.now();
      const container = podSpecOf(findObject(objects, 'StatefulSet', 'cache')).containers.find((c: K8sObject) => c.name === 'metrics');
      const webPort = await freePort();
      const withAddress = { ...container, env: container.env.map((e: K8sObject) => (e.name === 'REDIS_ADDR' ? { ...e, value: `redis://127.0.0.1:${port}` } : e)) };
      expectSuccess(cli(['acl', 'log', 'reset'], SECRETS['cache-credentials'].password), 'acl log reset');
      // when
      const { metrics, exporter } = await scrapeExporter(sandbox, ['prometheus-redis-exporter'], withAddress, SECRETS,
        { REDIS_EXPORTER_WEB_LISTEN_ADDRESS: `127.0.0.1:${webPort}` }, webPort);
      await exporter.stop();
      // then
      expect(metrics).toMatch(/^redis_up 1$/m);
      expect(metrics).toMatch(/^redis_connected_clients \d+$/m);
      expect(metrics).toMatch(/^redis_config_maxmemory 6\.7108864e\+07$/m);
      expect(metrics).toMatch(/^redis_exporter_last_scrape_error\{err=""\} 0$/m);
      expect(expectSuccess(cli(['acl', 'log'], SECRETS['cache-credentials'].password), 'acl log').trim()).toBe('');
      // eslint-disable-next-line no-console
      console.log(`redis exporter as the metrics user: scraped in ${Date.now() - started} ms`);
    });

    test('metrics reads INFO, CONFIG GET, SLOWLOG and LATENCY, and no key, nor any write or admin command', () => {
      expect(as('metrics', 'info', 'server')).toMatch(/redis_version:/);
      expect(as('metrics', 'config', 'get', 'maxmemory')).toBe(`maxmemory\n${64 * 1024 * 1024}`);
      expect(as('metrics', 'slowlog', 'len')).toMatch(/^\d+$/);
      expect(as('metrics', 'latency', 'latest')).not.toMatch(denied);
      for (const command of [['get', 'order:1'], ['set', 'k', 'v'], ['keys', '*'], ['scan', '0'], ['config', 'set', 'appendonly', 'no'], ['flushall'], ['sync'], ['client', 'kill', 'id', '1'], ['acl', 'list']]) {
        expect({ command, reply: as('metrics', ...command) }).toEqual({ command, reply: expect.stringMatching(denied) });
      }
    });

    test('backup may only take a snapshot: no key, no INFO, no write', () => {
      for (const command of [['get', 'order:1'], ['set', 'k', 'v'], ['info'], ['config', 'get', 'dir'], ['flushall'], ['psync', '?', '-1'], ['debug', 'reload']]) {
        expect({ command, reply: as('backup', ...command) }).toEqual({ command, reply: expect.stringMatching(/NOPERM|DEBUG command not allowed/) });
      }
    });
  });

  test("the backup CronJob's script copies an RDB snapshot as the backup user and keeps the newest", () => {
    // given: an older backup
    const backupDir = sandbox.subdir('backup');
    sandbox.write(join('backup', 'cache-20200101T000000Z.rdb'), 'old');
    const container = podSpecOf(findObject(objects, 'CronJob', 'cache-backup')).containers[0];
    const env = containerEnv(container, SECRETS, { REDIS_HOST: '127.0.0.1', REDIS_PORT: String(port), BACKUP_DIR: backupDir });
    // when: the job's own command
    const [shell, flag, script] = container.command;
    expectSuccess(sandbox.run([shell, flag, script], env), 'backup script');
    // then: one backup left (retention 1), the new one, an RDB file
    const files = readdirSync(backupDir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^cache-\d{8}T\d{6}Z\.rdb$/);
    expect(readFileSync(join(backupDir, files[0])).subarray(0, 5).toString()).toBe('REDIS');
  });
});

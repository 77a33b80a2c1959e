// Real Redis: the generated redis.conf boots Debian's redis-server with the Secret's password, a client with the
// connectTo env writes and reads a key, and the backup CronJob's script copies an RDB snapshot.
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { DatabaseCredentials, DatabaseEngine, ResilientMicroservice, StatefulDatabase } from '../../lib';
import { findObject, K8sObject, podSpecOf, synth, testPlatform } from '../support/objects';
import {
  checkRedisPrograms, containerEnv, describeWithPrograms, expectSuccess, freePort, RunningProcess, Sandbox, waitFor,
} from '../support/real-databases';

jest.setTimeout(60_000);

const SECRETS: Record<string, Record<string, string>> = {
  'cache-credentials': { password: 's3cret value with spaces' },
  // Spaces and ACL syntax in a password must not add a rule: the ACL file holds its hash.
  'cache-orders-credentials': { password: 'orders pass +@all ~* >x' },
};

describeWithPrograms('Redis with the generated configuration', checkRedisPrograms(), () => {
  let objects: K8sObject[];
  let sandbox: Sandbox;
  let server: RunningProcess | undefined;
  let port: number;
  let dataDir: string;

  beforeAll(async () => {
    // given: typed settings and a raw directive
    const { platform } = testPlatform();
    const cache = new StatefulDatabase(platform, 'cache', {
      engine: DatabaseEngine.redis({ maxMemory: '64Mi', maxMemoryPolicy: 'allkeys-lru', settings: { 'hz': 20, 'lazyfree-lazy-eviction': true } }),
      replicas: 1,
      credentials: DatabaseCredentials.fromExistingSecret('cache-credentials', { keys: { password: 'password' } }),
      backup: { retention: 1 },
    });
    new ResilientMicroservice(platform, 'orders', { image: 'shop/orders:1.0.0' }).connectTo(cache);
    objects = synth(platform);

    sandbox = new Sandbox('cdk8s-patterns-redis-');
    port = await freePort();
    const config = sandbox.write('redis.conf', findObject(objects, 'ConfigMap', 'cache-config').data['redis.conf']);
    dataDir = sandbox.subdir('data');
    const spec = podSpecOf(findObject(objects, 'StatefulSet', 'cache'));
    const env = containerEnv(spec.containers[0], SECRETS, {});
    // and: the client Secrets as the projected volume lays them out
    const clientsDir = sandbox.subdir('clients');
    for (const source of spec.volumes.find((v: K8sObject) => v.name === 'clients').projected.sources) {
      const item = source.secret.items[0];
      sandbox.subdir(join('clients', item.path.split('/')[0]));
      sandbox.write(join('clients', item.path), SECRETS[source.secret.name][item.key]);
    }
    // when: the container's users script writes the ACL file, then the generated file and that ACL file start
    // redis; the bind address, port and directory, which only make sense in the pod, are overridden
    const users = sandbox.write('acl-users.sh', findObject(objects, 'ConfigMap', 'cache-config').data['acl-users.sh']);
    const aclFile = join(sandbox.dir, 'users.acl');
    expectSuccess(sandbox.run(['sh', users, aclFile], { ...env, CLIENTS_DIR: clientsDir }), 'acl-users.sh');
    aclText = readFileSync(aclFile, 'utf8');
    server = sandbox.start(['redis-server', config, '--aclfile', aclFile, '--bind', '127.0.0.1', '--port', String(port), '--dir', dataDir]);
    await waitFor('redis', () => cli(['ping'], env.REDISCLI_AUTH).stdout.trim() === 'PONG', server);
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

  test("the backup CronJob's script copies an RDB snapshot and keeps the newest", () => {
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

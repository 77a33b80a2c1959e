// The Redis engine: redis.conf rendering, the password kept out of the ConfigMap, probes, exporter, bad settings.
import { DatabaseEngine, StatefulDatabase } from '../../lib';
import { findObject, K8sObject, podSpecOf, synth, testPlatform } from '../support/objects';

function build(engine = DatabaseEngine.redis(), replicas = 1): { conf: string; objects: K8sObject[] } {
  const { platform } = testPlatform();
  new StatefulDatabase(platform, 'cache', { engine, replicas });
  const objects = synth(platform);
  return { conf: findObject(objects, 'ConfigMap', 'cache-config').data['redis.conf'], objects };
}

describe('RedisEngine', () => {
  test('defaults: 7.2.5 on the official image, append-only, noeviction, no password or paths in the file', () => {
    // when
    const { conf } = build();
    // then
    expect(DatabaseEngine.redis()).toMatchObject({ version: '7.2.5', image: 'redis:7.2.5', port: 6379, appendOnly: true, maxMemoryPolicy: 'noeviction' });
    expect(conf.split('\n')).toEqual(expect.arrayContaining(['appendonly yes', 'maxmemory-policy noeviction', 'port 6379', 'bind * -::*', 'daemonize no']));
    expect(conf).not.toMatch(/requirepass|^dir /m);
    expect(conf).not.toMatch(/^maxmemory /m);
  });

  test('the server starts from the mounted file with the data dir and the ACL file the users script writes from the Secrets', () => {
    // when
    const c = podSpecOf(findObject(build().objects, 'StatefulSet', 'cache')).containers[0];
    // then
    expect(c.command[0]).toBe('sh');
    expect(c.command[2]).toContain('sh /usr/local/etc/redis/acl-users.sh /tmp/users.acl\nset -- /usr/local/etc/redis/redis.conf --dir /data --aclfile /tmp/users.acl');
    expect(c.command[2]).not.toContain('requirepass');
    expect(c.command[2]).toContain('exec redis-server "$@"');
    expect(c.command[2]).not.toContain('replicaof');
    expect(c.env).toEqual([{ name: 'REDISCLI_AUTH', valueFrom: { secretKeyRef: { name: 'cache-credentials', key: 'password' } } }]);
    expect(c.volumeMounts).toEqual(expect.arrayContaining([
      { name: 'data', mountPath: '/data' }, { name: 'config', mountPath: '/usr/local/etc/redis', readOnly: true },
    ]));
  });

  test('probes: redis-cli ping for startup and readiness, TCP for liveness', () => {
    const c = podSpecOf(findObject(build().objects, 'StatefulSet', 'cache')).containers[0];
    expect(c.readinessProbe.exec.command).toEqual(['sh', '-c', 'redis-cli -h 127.0.0.1 -p 6379 ping | grep -q PONG']);
    expect(c.startupProbe.exec.command).toEqual(c.readinessProbe.exec.command);
    expect(c.livenessProbe.tcpSocket).toEqual({ port: 'redis' });
  });

  test('maxMemory in Redis units, booleans as yes/no, strings with spaces quoted', () => {
    // when
    const { conf } = build(DatabaseEngine.redis({
      maxMemory: '1Gi', appendOnly: false, maxMemoryPolicy: 'allkeys-lfu',
      settings: { 'lazyfree-lazy-eviction': true, 'notify-keyspace-events': 'Ex', 'client-output-buffer-limit': 'pubsub 32mb 8mb 60' },
    }));
    // then
    expect(conf).toContain('maxmemory 1gb\n');
    expect(conf).toContain('appendonly no\n');
    expect(conf).toContain('maxmemory-policy allkeys-lfu\n');
    expect(conf).toContain('lazyfree-lazy-eviction yes\n');
    expect(conf).toContain('notify-keyspace-events Ex\n');
    expect(conf).toContain('client-output-buffer-limit "pubsub 32mb 8mb 60"\n');
  });

  test('the exporter logs in as the metrics user, its password from its own optional Secret, and talks to localhost', () => {
    const { platform } = testPlatform();
    new StatefulDatabase(platform, 'cache', { engine: DatabaseEngine.redis(), metrics: true });
    const exporter = podSpecOf(findObject(synth(platform), 'StatefulSet', 'cache')).containers.find((c: K8sObject) => c.name === 'metrics');
    expect(exporter.image).toBe('oliver006/redis_exporter:v1.62.0');
    expect(exporter.env).toEqual([
      { name: 'REDIS_ADDR', value: 'redis://127.0.0.1:6379' },
      { name: 'REDIS_USER', value: 'metrics' },
      { name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: 'cache-metrics-credentials', key: 'password', optional: true } } },
    ]);
  });

  describe('bad input', () => {
    const engine = (props: Parameters<typeof DatabaseEngine.redis>[0]) => () => build(DatabaseEngine.redis(props));

    test.each(['7', 'seven', '7.2.5-alpine'])('version %p', (version) => {
      expect(engine({ version })).toThrow(`[shop/cache] engine.version (${JSON.stringify(version)}) must be a Redis version`);
    });

    test.each(['maxMemory', 'Max Memory', '-x', 'a_b'])('a directive named %p', (key) => {
      expect(engine({ settings: { [key]: 1 } })).toThrow(`[shop/cache] engine.settings (${JSON.stringify(key)}) is not a valid Redis directive name`);
    });

    test.each(['requirepass', 'dir', 'replicaof', 'include'])('the kit\'s own directive %p', (key) => {
      expect(engine({ settings: { [key]: 'x' } })).toThrow(`[shop/cache] engine.settings (${JSON.stringify(key)}) is refused: `);
    });

    test('maxMemory of zero', () => {
      expect(engine({ maxMemory: '0Mi' })).toThrow('[shop/cache] engine.maxMemory ("0Mi") must be a positive size');
    });
  });
});

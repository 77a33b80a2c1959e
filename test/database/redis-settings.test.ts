// The raw redis.conf directives the Redis engine refuses: every refused key, the reason, what stays accepted.
import { DatabaseEngine, StatefulDatabase } from '../../lib';
import { RedisSettingValue } from '../../lib/database/redis-engine';
import { findObject, synth, testPlatform } from '../support/objects';

function confWith(settings: Record<string, RedisSettingValue>): string {
  const { platform } = testPlatform();
  new StatefulDatabase(platform, 'cache', { engine: DatabaseEngine.redis({ settings }), replicas: 1 });
  return findObject(synth(platform), 'ConfigMap', 'cache-config').data['redis.conf'];
}

const REFUSED: ReadonlyArray<[string, RedisSettingValue, string]> = [
  ['include', '/tmp/x.conf', 'reads further configuration from a file'],
  ['requirepass', 'x', "authentication is the kit's"],
  ['masterauth', 'x', "authentication is the kit's"],
  ['masteruser', 'x', "authentication is the kit's"],
  ['aclfile', '/tmp/users.acl', "authentication is the kit's"],
  ['user', 'default on nopass ~* +@all', "authentication is the kit's"],
  ['protected-mode', false, "authentication is the kit's"],
  ['bind', '0.0.0.0', 'the kit sets where the server listens'],
  ['port', 6380, 'the kit sets where the server listens'],
  ['unixsocket', '/tmp/redis.sock', 'the kit sets where the server listens'],
  ['unixsocketperm', 777, 'the kit sets where the server listens'],
  ['tls-port', 6380, 'the kit sets where the server listens'],
  ['tls-cert-file', '/tmp/c.pem', 'the kit sets where the server listens'],
  ['replicaof', 'evil 6379', 'the kit configures replication'],
  ['slaveof', 'evil 6379', 'the kit configures replication'],
  ['dir', '/tmp', "the kit sets the server's files"],
  ['dbfilename', 'x.rdb', "the kit sets the server's files"],
  ['appendfilename', 'x.aof', "the kit sets the server's files"],
  ['appenddirname', 'aof', "the kit sets the server's files"],
  ['logfile', '/tmp/r.log', "the kit sets the server's files"],
  ['pidfile', '/tmp/r.pid', "the kit sets the server's files"],
  ['daemonize', true, "the kit sets the server's files"],
  ['supervised', 'systemd', "the kit sets the server's files"],
  ['rename-command', 'CONFIG ""', 'loads modules or opens commands'],
  ['enable-debug-command', true, 'loads modules or opens commands'],
  ['enable-module-command', true, 'loads modules or opens commands'],
  ['enable-protected-configs', true, 'loads modules or opens commands'],
  ['loadmodule', '/tmp/evil.so', 'loads modules or opens commands'],
  ['cluster-enabled', true, 'Redis Cluster is not what the kit runs'],
  ['cluster-config-file', 'nodes.conf', 'Redis Cluster is not what the kit runs'],
  ['some-module-file', '/tmp/x', 'is a file path on the server'],
  ['some-dir', '/tmp', 'is a file path on the server'],
];

describe('Redis settings', () => {
  test.each(REFUSED)('%p is refused with the reason and what is valid', (key, value, reason) => {
    expect(() => confWith({ [key]: value })).toThrow(
      new RegExp(`^\\[shop/cache\\] engine\\.settings \\("${key}"\\) is refused: .*${reason.replace(/[()*]/g, '\\$&')}.*\\. Remove it; other directives .* are accepted`));
  });


  test('ordinary directives are accepted', () => {
    const conf = confWith({ 'hz': 20, 'maxclients': 500, 'lazyfree-lazy-eviction': true, 'notify-keyspace-events': 'Ex' });
    expect(conf.split('\n')).toEqual(expect.arrayContaining(['hz 20', 'maxclients 500', 'lazyfree-lazy-eviction yes', 'notify-keyspace-events Ex']));
  });
});

// The Redis restore command: valid POSIX shell, a scratch server that listens on no port, the password in no argv.
import { spawnSync } from 'child_process';
import { redisRestoreCommand } from '../../lib/database/redis-restore';

describe('redisRestoreCommand', () => {
  const command = redisRestoreCommand();

  test('is valid POSIX shell (sh -n)', () => {
    // when
    const result = spawnSync('sh', ['-n', '-c', `set -eu\nsource=/restore/backup\n${command}`], { encoding: 'utf8' });
    // then
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  test('the scratch server loads the file with no port, no persistence, on a socket in the restore volume', () => {
    expect(command).toContain('socket="$RESTORE_DIR/scratch.sock"');
    expect(command).toContain('redis-server --port 0 --unixsocket "$socket" --unixsocketperm 700');
    expect(command).toContain('--appendonly no --save ""');
    // and it is shut down however the script ends
    expect(command).toMatch(/^trap 'scratch shutdown nosave .*' EXIT$/m);
  });

  test('the password reaches MIGRATE through stdin (-x), never as a command-line argument, and not the scratch server', () => {
    const passwordUses = command.split('\n').filter((line) => line.includes('REDISCLI_AUTH'));
    expect(passwordUses).toEqual([
      'scratch() { env -u REDISCLI_AUTH redis-cli -s "$socket" "$@"; }',
      '    reply="$(printf \'%s\' "$REDISCLI_AUTH" | scratch -n "$db" -x eval "$script" 0 "$REDIS_HOST" "$REDIS_PORT" "$db" "$cursor")"',
    ]);
  });

  test('every logical database is copied, and a reply that is not "<cursor> <count>" fails the job', () => {
    expect(command).toContain("for db in $(scratch info keyspace | sed -n 's/^db\\([0-9][0-9]*\\):.*/\\1/p'); do");
    expect(command).toContain('case "$reply" in \'\'|*[!0-9\\ ]*) echo "restore of database $db failed: $reply" >&2; exit 1 ;; esac');
  });
});

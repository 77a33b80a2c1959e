// How a Redis snapshot is restored into a running server over the network: load it into a scratch server in the
// restore pod, then copy every key across with MIGRATE. See docs/adr/0012-redis-backups.md.

/**
 * Runs on the scratch server, one SCAN page per call: copies the page's keys to the database (`COPY REPLACE`: the
 * scratch keeps them, a key of the same name in the database is replaced, the remaining TTL is kept) and returns
 * "<next cursor> <keys copied>". ARGV: host, port, database number, cursor, password. Keys and values never pass
 * through the shell, so any byte in a key survives.
 */
const MIGRATE_PAGE = [
  "local page = redis.call('SCAN', ARGV[4], 'COUNT', 500)",
  "if #page[2] > 0 then redis.call('MIGRATE', ARGV[1], ARGV[2], '', ARGV[3], 60000, 'COPY', 'REPLACE', 'AUTH', ARGV[5], 'KEYS', unpack(page[2])) end",
  "return page[1] .. ' ' .. #page[2]",
].join('\n');

/**
 * The restore command for `EngineBackupPlan.restoreCommand`: the snapshot "$source" is loaded by a scratch
 * `redis-server` listening on a socket in the restore volume only (no port, no password, nothing saved), then each
 * logical database's keys are copied to `$REDIS_HOST:$REDIS_PORT` as the default user (`$REDISCLI_AUTH`, piped into
 * the script's last argument, so it is in no argv). Works whatever the database's persistence: with AOF on, the
 * copied keys are logged like any write, and replicas receive them.
 */
export function redisRestoreCommand(): string {
  return [
    'socket="$RESTORE_DIR/scratch.sock"',
    // The scratch server must not send the database's password: it has none.
    'scratch() { env -u REDISCLI_AUTH redis-cli -s "$socket" "$@"; }',
    'redis-server --port 0 --unixsocket "$socket" --unixsocketperm 700 --dir "$(dirname "$source")" --dbfilename "$(basename "$source")" --appendonly no --save "" &',
    'pid=$!',
    'trap \'scratch shutdown nosave >/dev/null 2>&1 || kill "$pid" 2>/dev/null || true\' EXIT',
    // It answers LOADING until the whole snapshot is in memory.
    'until [ "$(scratch ping 2>/dev/null)" = PONG ]; do kill -0 "$pid" 2>/dev/null || { echo "the snapshot did not load" >&2; exit 1; }; sleep 1; done',
    `script="${MIGRATE_PAGE.replace(/"/g, '\\"')}"`,
    'for db in $(scratch info keyspace | sed -n \'s/^db\\([0-9][0-9]*\\):.*/\\1/p\'); do',
    '  cursor=0 copied=0',
    '  while :; do',
    '    reply="$(printf \'%s\' "$REDISCLI_AUTH" | scratch -n "$db" -x eval "$script" 0 "$REDIS_HOST" "$REDIS_PORT" "$db" "$cursor")"',
    '    case "$reply" in \'\'|*[!0-9\\ ]*) echo "restore of database $db failed: $reply" >&2; exit 1 ;; esac',
    '    cursor="${reply% *}" copied=$((copied + ${reply#* }))',
    '    [ "$cursor" != 0 ] || break',
    '  done',
    '  echo "database $db: $copied keys restored"',
    'done',
  ].join('\n');
}

// The engines a StatefulDatabase can run, as one typed entry point.
import { PostgresEngine, PostgresEngineProps } from './postgres-engine';
import { RedisEngine, RedisEngineProps } from './redis-engine';

/**
 * The kit's database engines: `DatabaseEngine.postgres({ version: '16.4' })`, `DatabaseEngine.redis()`.
 * Your own engine implements `IDatabaseEngine`.
 */
export class DatabaseEngine {
  /** PostgreSQL on the official image. */
  public static postgres(props: PostgresEngineProps = {}): PostgresEngine {
    return new PostgresEngine(props);
  }

  /** Redis on the official image. */
  public static redis(props: RedisEngineProps = {}): RedisEngine {
    return new RedisEngine(props);
  }

  private constructor() {}
}

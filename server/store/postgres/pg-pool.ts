/**
 * The PostgreSQL connection pool, configured so that rows come back shaped as SQLite's: BIGINT (every
 * timestamp, size and count, and `count(*)`) and NUMERIC (`sum()` of a BIGINT) are parsed into JS numbers
 * instead of pg's default strings. The parsers are this pool's own (`types`), not pg's global registry, so
 * nothing outside the pool changes.
 */
import pg from 'pg';

export interface PgPoolOptions {
  /** `postgres://user:password@host:port/database` (or `postgresql://`). */
  url: string;
  /** Most connections the pool opens (default 10). */
  poolSize?: number | undefined;
}

const BIGINT_OID = 20;
const NUMERIC_OID = 1700;

/** Values beyond 2^53 lose precision; no count, byte size or millisecond time here comes near that. */
const parseNumber = (text: string): number => Number(text);

const getTypeParser = ((oid: number, format?: 'text' | 'binary') =>
  (oid === BIGINT_OID || oid === NUMERIC_OID) && format !== 'binary'
    ? parseNumber
    : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser;

export function createPgPool(options: PgPoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    types: { getTypeParser },
  });
  // An idle client's connection can drop (a server restart, a failover): pg reports it here and removes the
  // client; without a listener the process would crash. The next query takes (or opens) another connection.
  pool.on('error', () => undefined);
  return pool;
}

/**
 * Raw SQL on a test server's own database, on whichever engine it runs (its SQLite file, or its PostgreSQL
 * database), for tests that check what is stored (only a hash, never a secret) or plant what the API cannot
 * make (an expired key). Placeholders are `?` on both engines (numbered here for PostgreSQL); keep the SQL
 * portable. Rows come back as the store returns them (numbers for BIGINT, Buffers for blobs).
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createPgPool } from '../../server/store/postgres/pg-pool.js';

export interface ServerDatabase {
  get<T = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T | undefined>;
  all<T = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T[]>;
  run(sql: string, ...params: unknown[]): Promise<void>;
  close(): Promise<void>;
}

/** `?` → `$1`, `$2`, … (the tests' SQL has no `?` inside string literals). */
const numbered = (sql: string) => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};

export async function openServerDatabase(server: { dataDir: string; config: { databaseUrl: string } }): Promise<ServerDatabase> {
  if (server.config.databaseUrl === '') {
    const db = new Database(join(server.dataDir, 'jan.sqlite'));
    return {
      get: async <T>(sql: string, ...params: unknown[]) => db.prepare(sql).get(...params) as T | undefined,
      all: async <T>(sql: string, ...params: unknown[]) => db.prepare(sql).all(...params) as T[],
      run: async (sql, ...params) => void db.prepare(sql).run(...params),
      close: async () => void db.close(),
    };
  }
  const pool = createPgPool({ url: server.config.databaseUrl, poolSize: 1 });
  const all = async <T>(sql: string, ...params: unknown[]) => (await pool.query(numbered(sql), params)).rows as T[];
  return {
    get: async <T>(sql: string, ...params: unknown[]) => (await all<T>(sql, ...params))[0],
    all,
    run: async (sql, ...params) => void (await pool.query(numbered(sql), params)),
    close: () => pool.end(),
  };
}

/** For what no API does (making conversations look old) or to look behind it: `run`, and `column` (the first column of every row). */
export interface TestSql {
  run(sql: string, ...params: unknown[]): Promise<void>;
  column<T>(sql: string, ...params: unknown[]): Promise<T[]>;
}

/** Opens `server`'s database, runs `fn` with it, and closes it. */
export async function withTestSql<T>(server: { dataDir: string; config: { databaseUrl: string } }, fn: (sql: TestSql) => Promise<T>): Promise<T> {
  const db = await openServerDatabase(server);
  try {
    return await fn({
      run: (sql, ...params) => db.run(sql, ...params),
      column: async <R>(sql: string, ...params: unknown[]) => (await db.all(sql, ...params)).map((row) => Object.values(row)[0] as R),
    });
  } finally {
    await db.close();
  }
}

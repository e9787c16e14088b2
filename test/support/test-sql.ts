/**
 * Raw SQL on a running test server's database, whichever engine it is on, for what no API does (making
 * conversations look old) or to look behind the API (which table a row is in). SQLite: a second connection
 * to the same WAL file; PostgreSQL: a client on the server's database. `?` placeholders on both.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';

export interface TestSql {
  run(sql: string, ...params: unknown[]): Promise<void>;
  /** The first column of every row. */
  column<T>(sql: string, ...params: unknown[]): Promise<T[]>;
}

/** `?, ?` as PostgreSQL's `$1, $2` (the statements here hold no `?` in strings). */
const numbered = (sql: string) => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};

/** Opens a connection to `server`'s database, runs `fn` with it, and closes it. */
export async function withTestSql<T>(server: { dataDir: string; config: { databaseUrl: string } }, fn: (sql: TestSql) => Promise<T>): Promise<T> {
  if (server.config.databaseUrl === '') {
    const db = new Database(join(server.dataDir, 'jan.sqlite'));
    try {
      return await fn({
        run: async (sql, ...params) => void db.prepare(sql).run(...params),
        column: async <R>(sql: string, ...params: unknown[]) => db.prepare(sql).pluck().all(...params) as R[],
      });
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: server.config.databaseUrl });
  await client.connect();
  try {
    return await fn({
      run: async (sql, ...params) => void (await client.query(numbered(sql), params)),
      column: async <R>(sql: string, ...params: unknown[]) => (await client.query({ text: numbered(sql), values: params, rowMode: 'array' })).rows.map((row: unknown[]) => row[0] as R),
    });
  } finally {
    await client.end();
  }
}

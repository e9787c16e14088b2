/**
 * PgSql, the pool as repositories see it: statements are prepared once per connection by name (the project's
 * "statements prepared once"), on every connection of the pool, with a cap past which texts run unnamed; and
 * the transaction an async context opened is the one its queries run in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgPool } from '../../server/store/postgres/pg-pool.js';
import { PgSql } from '../../server/store/postgres/pg-sql.js';
import { QueryTimer } from '../../server/store/query-timer.js';
import { startPostgres, type PostgresServer } from '../cluster/postgres-server.js';

describe('PgSql', () => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('prepares a statement text once by name and reuses it on every connection of the pool', async () => {
    const operations: string[] = [];
    const pool = createPgPool({ url: await server.createDatabase(), poolSize: 3 });
    const sql = new PgSql(pool, new QueryTimer((operation) => operations.push(operation)));
    try {
      const text = 'SELECT $1::int + 1 AS n';
      const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => sql.get<{ n: number }>('test.add', text, [i])));
      expect(answers.map((row) => row!.n)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      expect(operations).toEqual(Array(12).fill('test.add'));
      // Inside a transaction every query runs on its one client, where the statement is now prepared.
      const prepared = await sql.transaction(async () => {
        await sql.get('test.add', text, [1]);
        return sql.all<{ name: string; statement: string }>('test.list', 'SELECT name, statement FROM pg_prepared_statements ORDER BY name');
      });
      expect(prepared.filter((row) => row.statement === text)).toEqual([{ name: expect.stringMatching(/^jan_[0-9a-f]{32}$/), statement: text }]);
      // A second PgSql on the same pool names the same text alike (no clash of a name with another text).
      const other = new PgSql(pool, new QueryTimer());
      expect(await Promise.all([1, 2, 3].map((n) => other.get<{ n: number }>('test.add', text, [n])))).toEqual([{ n: 2 }, { n: 3 }, { n: 4 }]);
      expect((await other.get<{ n: number }>('test.sub', 'SELECT $1::int - 1 AS n', [5]))!.n).toBe(4);
    } finally {
      await pool.end();
    }
  });

  it('runs its queries on the transaction its async context opened, and rolls back a failed savepoint alone', async () => {
    const pool = createPgPool({ url: await server.createDatabase(), poolSize: 2 });
    const sql = new PgSql(pool, new QueryTimer());
    try {
      await sql.run('test.create', 'CREATE TABLE t (n INTEGER)');
      await sql.transaction(async () => {
        await sql.run('test.insert', 'INSERT INTO t VALUES ($1)', [1]);
        expect(sql.inTransaction).toBe(true);
        // Outside the transaction (another client), its row is not visible yet.
        expect((await pool.query<{ n: number }>('SELECT count(*) AS n FROM t')).rows[0]!.n).toBe(0);
        await sql.transaction(async () => {
          await sql.run('test.insert', 'INSERT INTO t VALUES ($1)', [2]);
          throw new Error('inner');
        }).catch(() => undefined);
        await sql.run('test.insert', 'INSERT INTO t VALUES ($1)', [3]);
      });
      expect(sql.inTransaction).toBe(false);
      expect((await sql.all<{ n: number }>('test.all', 'SELECT n FROM t ORDER BY n')).map((row) => row.n)).toEqual([1, 3]);
    } finally {
      await pool.end();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { startPostgres, type PostgresServer } from '../cluster/postgres-server.js';

describe('the test PostgreSQL server', () => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('answers SELECT 1 in a fresh database of its own', async () => {
    const url = await server.createDatabase();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ one: number; db: string; version: string }>(
        'SELECT 1 AS one, current_database() AS db, current_setting(\'server_version_num\') AS version',
      );
      expect(rows[0]!.one).toBe(1);
      expect(rows[0]!.db).toBe(new URL(url).pathname.slice(1));
      expect(Number(rows[0]!.version)).toBeGreaterThanOrEqual(150000);
      const tables = await client.query('SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = \'public\'');
      expect(tables.rows[0].n).toBe(0);
    } finally {
      await client.end();
    }
  });
});

/**
 * PostgreSQL's baseline against SQLite's migrations: the same tables with the same columns (names, nullability,
 * defaults' presence) and the same schema version; migrating twice, or from several replicas at once, applies
 * the baseline once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../server/store/migrate.js';
import { migratePostgres, pgMigrations } from '../../server/store/postgres/pg-migrate.js';
import { createPgPool } from '../../server/store/postgres/pg-pool.js';
import { startPostgres, type PostgresServer } from '../cluster/postgres-server.js';

type Columns = Record<string, Record<string, { notNull: boolean }>>;

/** SQLite's tables and columns after every migration (the hidden rowid is not a column). */
function sqliteColumns(): { version: number; tables: Columns } {
  const dir = mkdtempSync(join(tmpdir(), 'jan-schema-'));
  const db = new Database(join(dir, 'jan.db'));
  try {
    const version = migrate(db);
    const tables: Columns = {};
    const names = db.prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all();
    for (const name of names) {
      tables[name] = {};
      for (const column of db.prepare<[], { name: string; notnull: number; pk: number }>(`PRAGMA table_info(${name})`).all()) {
        // SQLite lets a non-INTEGER primary key column hold NULL unless it says NOT NULL; PostgreSQL never does.
        tables[name][column.name] = { notNull: column.notnull === 1 || column.pk > 0 };
      }
    }
    return { version, tables };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function postgresColumns(pool: pg.Pool): Promise<Columns> {
  const { rows } = await pool.query<{ table_name: string; column_name: string; is_nullable: string }>(
    `SELECT table_name, column_name, is_nullable FROM information_schema.columns
     WHERE table_schema = current_schema() AND table_name <> 'schema_version'`,
  );
  const tables: Columns = {};
  for (const row of rows) {
    // The rowid stand-in for SQLite's hidden rowid (users, api_keys, sessions) is not a column SQLite lists.
    if (row.column_name === 'rowid') continue;
    (tables[row.table_name] ??= {})[row.column_name] = { notNull: row.is_nullable === 'NO' };
  }
  return tables;
}

describe('PostgreSQL migrations', () => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('bring an empty database to SQLite\'s schema: same version, tables, columns and nullability', async () => {
    const pool = createPgPool({ url: await server.createDatabase() });
    try {
      const sqlite = sqliteColumns();
      expect(await migratePostgres(pool)).toBe(sqlite.version);
      expect(pgMigrations.at(-1)!.version).toBe(sqlite.version);
      expect(await postgresColumns(pool)).toEqual(sqlite.tables);
    } finally {
      await pool.end();
    }
  });

  it('have SQLite\'s named indexes and foreign keys (same cascades)', async () => {
    const pool = createPgPool({ url: await server.createDatabase() });
    const dir = mkdtempSync(join(tmpdir(), 'jan-schema-'));
    const db = new Database(join(dir, 'jan.db'));
    try {
      migrate(db);
      await migratePostgres(pool);
      const sqliteIndexes = db.prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL").pluck().all();
      const pgIndexes = (await pool.query<{ indexname: string }>('SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()')).rows.map((r) => r.indexname);
      expect(pgIndexes).toEqual(expect.arrayContaining(sqliteIndexes));
      const tables = db.prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all();
      const sqliteKeys = tables.flatMap((table) =>
        db.prepare<[], { from: string; table: string; to: string; on_delete: string }>(`PRAGMA foreign_key_list(${table})`).all()
          .map((fk) => `${table}.${fk.from} -> ${fk.table}.${fk.to} ${fk.on_delete}`)).sort();
      const { rows } = await pool.query<{ key: string }>(
        `SELECT c.conrelid::regclass || '.' || a.attname || ' -> ' || c.confrelid::regclass || '.' || fa.attname || ' ' ||
           CASE c.confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'a' THEN 'NO ACTION' WHEN 'r' THEN 'RESTRICT' WHEN 'n' THEN 'SET NULL' ELSE 'SET DEFAULT' END AS key
         FROM pg_constraint c
         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
         JOIN pg_attribute fa ON fa.attrelid = c.confrelid AND fa.attnum = c.confkey[1]
         WHERE c.contype = 'f'`,
      );
      expect(rows.map((r) => r.key).sort()).toEqual(sqliteKeys);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
      await pool.end();
    }
  });

  it('apply once when run again and when several replicas start at the same time', async () => {
    const url = await server.createDatabase();
    const pools = [1, 2, 3, 4].map(() => createPgPool({ url, poolSize: 1 }));
    try {
      const latest = pgMigrations.at(-1)!.version;
      expect(await Promise.all(pools.map((pool) => migratePostgres(pool)))).toEqual([latest, latest, latest, latest]);
      expect(await migratePostgres(pools[0]!)).toBe(latest);
      const { rows } = await pools[0]!.query('SELECT version, name FROM schema_version ORDER BY version');
      expect(rows).toEqual(pgMigrations.map(({ version, name }) => ({ version, name })));
      expect(rows[0]).toEqual({ version: 13, name: 'baseline' });
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
    }
  });

  it('refuse a database newer than the server and leave it untouched', async () => {
    const pool = createPgPool({ url: await server.createDatabase() });
    try {
      await migratePostgres(pool);
      await pool.query("INSERT INTO schema_version (version, name) VALUES (99, 'future')");
      await expect(migratePostgres(pool)).rejects.toThrow(`schema version 99, newer than this server (${pgMigrations.at(-1)!.version})`);
    } finally {
      await pool.end();
    }
  });

  it('roll a failing migration back whole', async () => {
    const pool = createPgPool({ url: await server.createDatabase() });
    try {
      const broken = [...pgMigrations, { version: pgMigrations.at(-1)!.version + 1, name: 'broken', sql: 'CREATE TABLE half_done (id INTEGER); SELECT no_such_function();' }];
      await expect(migratePostgres(pool, broken)).rejects.toThrow(/no_such_function/);
      const { rows } = await pool.query("SELECT to_regclass('users') AS users, to_regclass('half_done') AS half_done");
      expect(rows[0]).toEqual({ users: null, half_done: null });
    } finally {
      await pool.end();
    }
  });

  it('parse BIGINT, NUMERIC and count(*) into numbers', async () => {
    const pool = createPgPool({ url: await server.createDatabase() });
    try {
      const { rows } = await pool.query('SELECT count(*) AS n, 9007199254740991::bigint AS big, sum(x) AS total FROM (VALUES (1::bigint), (2::bigint)) v(x)');
      expect(rows[0]).toEqual({ n: 2, big: 9007199254740991, total: 3 });
    } finally {
      await pool.end();
    }
  });
});

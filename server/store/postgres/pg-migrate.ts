/**
 * PostgreSQL's migrations: the baseline (version 13, the schema SQLite reaches through 001–013), then the
 * same numbers as SQLite's from 014 on. Applied versions are rows of `schema_version`.
 *
 * Several replicas may start at once against an empty or older database: all pending migrations run in one
 * transaction that first takes a transaction-level advisory lock, so one replica migrates while the others
 * wait, then find nothing left to do. DDL is transactional in PostgreSQL: a failing migration leaves nothing.
 */
import type pg from 'pg';
import { pgMigration013 } from './migrations/013-baseline.js';
import { pgMigration014 } from './migrations/014-replica-instances.js';

export interface PgMigration {
  version: number;
  name: string;
  sql: string;
}

/** In order; the baseline first. */
export const pgMigrations: readonly PgMigration[] = [pgMigration013, pgMigration014];

/** Any fixed number; the replicas of one deployment agree on it ('jan' + 'mig' in ASCII). */
const MIGRATION_LOCK = 0x6a616e6d6967;

/** Applies every migration newer than the database; returns the schema version it is at afterwards. */
export async function migratePostgres(pool: pg.Pool, list: readonly PgMigration[] = pgMigrations): Promise<number> {
  const latest = list.at(-1)?.version ?? 0;
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_version (
      version     INTEGER PRIMARY KEY,
      name        TEXT NOT NULL,
      applied_at  TIMESTAMPTZ NOT NULL DEFAULT now()
    )`);
    let current = await versionOf(client);
    if (current > latest) {
      throw new Error(`The database is at schema version ${current}, newer than this server (${latest}). Upgrade the server.`);
    }
    for (const migration of list) {
      if (migration.version <= current) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_version (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      current = migration.version;
    }
    await client.query('COMMIT');
    return current;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {
      broken = true;
    });
    throw error;
  } finally {
    client.release(broken);
  }
}

/** The database's schema version (0 for an empty database). */
export async function versionOf(client: pg.ClientBase | pg.Pool): Promise<number> {
  const { rows } = await client.query<{ version: number | null }>('SELECT max(version) AS version FROM schema_version');
  return rows[0]?.version ?? 0;
}

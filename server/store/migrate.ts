import type Database from 'better-sqlite3';
import { migration001 } from './migrations/001-initial.js';
import { migration002 } from './migrations/002-media.js';
import { migration003 } from './migrations/003-responses.js';
import { migration004 } from './migrations/004-metrics-rollups.js';
import { migration005 } from './migrations/005-lifecycle.js';
import { migration006 } from './migrations/006-conversation-counts.js';
import { migration007 } from './migrations/007-sessions.js';
import { migration008 } from './migrations/008-uptime.js';
import { migration009 } from './migrations/009-file-purpose.js';
import { migration010 } from './migrations/010-saved-settings.js';
import { migration011 } from './migrations/011-model-pulls.js';
import { migration012 } from './migrations/012-team.js';
import { migration013 } from './migrations/013-usage-quotas.js';
import { migration014 } from './migrations/014-replica-instances.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  /**
   * Run with foreign keys off (a table rebuild: `DROP TABLE` would otherwise cascade into the tables that
   * reference it); the references are checked with `PRAGMA foreign_key_check` before the commit.
   */
  foreignKeysOff?: boolean;
}

/** In order; the database's `user_version` says how many have been applied. */
export const migrations: readonly Migration[] = [migration001, migration002, migration003, migration004, migration005, migration006, migration007, migration008, migration009, migration010, migration011, migration012, migration013, migration014];

/** Applies every migration newer than the database, each in its own transaction. Returns the new version. */
export function migrate(db: Database.Database, list: readonly Migration[] = migrations): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = list.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new Error(`The database is at schema version ${current}, newer than this server (${latest}). Upgrade the app.`);
  }
  for (const migration of list) {
    if (migration.version <= current) continue;
    // The pragma is a no-op inside a transaction, so it is switched around it.
    const foreignKeys = migration.foreignKeysOff ? (db.pragma('foreign_keys', { simple: true }) as number) : 0;
    if (migration.foreignKeysOff) db.pragma('foreign_keys = OFF');
    try {
      db.transaction(() => {
        db.exec(migration.sql);
        if (migration.foreignKeysOff && (db.pragma('foreign_key_check') as unknown[]).length > 0) {
          throw new Error(`Migration ${migration.version} (${migration.name}) left dangling references; nothing was changed.`);
        }
        db.pragma(`user_version = ${migration.version}`);
      })();
    } finally {
      if (foreignKeys) db.pragma('foreign_keys = ON');
    }
  }
  return db.pragma('user_version', { simple: true }) as number;
}

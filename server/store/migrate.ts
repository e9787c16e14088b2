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
import { migration011 } from './migrations/011-model-pulls.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** In order; the database's `user_version` says how many have been applied. */
export const migrations: readonly Migration[] = [migration001, migration002, migration003, migration004, migration005, migration006, migration007, migration008, migration009, migration011];

/** Applies every migration newer than the database, each in its own transaction. Returns the new version. */
export function migrate(db: Database.Database, list: readonly Migration[] = migrations): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = list.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new Error(`The database is at schema version ${current}, newer than this server (${latest}). Upgrade the app.`);
  }
  for (const migration of list) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
  return db.pragma('user_version', { simple: true }) as number;
}

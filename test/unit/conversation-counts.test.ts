/**
 * The conversation counts that migration 006 keeps by triggers equal COUNT(*) over `conversations` — per
 * user and per (user, project) — after the migration fills them from existing data, and after every kind
 * of write: insert, delete, a row moved to another project or user, and a user's deletion by cascade.
 */
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, migrations } from '../../server/store/migrate.js';

type Counts = Record<string, number>;

let db: Database.Database;
afterEach(() => db?.close());

function open(upTo = migrations.length): Database.Database {
  db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, migrations.slice(0, upTo));
  for (const id of ['u1', 'u2', 'u3']) db.prepare("INSERT INTO users (id, name, role, created_at) VALUES (?, ?, 'guest', 0)").run(id, id);
  return db;
}

let next = 0;
function insert(userId: string, projectId: string | null): string {
  const id = `conv_${++next}`;
  db.prepare('INSERT INTO conversations (id, user_id, project_id, created_at, updated_at) VALUES (?, ?, ?, 0, 0)').run(id, userId, projectId);
  return id;
}

/** What COUNT(*) says, keyed `user` and `user/project`, leaving out zeros. */
function counted(): Counts {
  const out: Counts = {};
  for (const r of db.prepare('SELECT user_id AS u, count(*) AS n FROM conversations GROUP BY user_id').all() as { u: string; n: number }[]) out[r.u] = r.n;
  const perProject = db
    .prepare('SELECT user_id AS u, project_id AS p, count(*) AS n FROM conversations WHERE project_id IS NOT NULL GROUP BY user_id, project_id')
    .all() as { u: string; p: string; n: number }[];
  for (const r of perProject) out[`${r.u}/${r.p}`] = r.n;
  return out;
}

/** What the triggers kept, in the same shape. */
function kept(): Counts {
  const out: Counts = {};
  for (const r of db.prepare('SELECT user_id AS u, n FROM conversation_counts WHERE n <> 0').all() as { u: string; n: number }[]) out[r.u] = r.n;
  const perProject = db.prepare('SELECT user_id AS u, project_id AS p, n FROM project_conversation_counts WHERE n <> 0').all() as { u: string; p: string; n: number }[];
  for (const r of perProject) out[`${r.u}/${r.p}`] = r.n;
  return out;
}

describe('conversation counts (migration 006)', () => {
  it('are filled from the conversations a database already has', () => {
    open(5);
    for (let i = 0; i < 7; i++) insert('u1', i % 3 === 0 ? 'proj_a' : null);
    for (let i = 0; i < 4; i++) insert('u2', 'proj_b');
    expect(migrate(db)).toBe(migrations.at(-1)!.version); // and every later migration applies on top
    expect(kept()).toEqual({ u1: 7, 'u1/proj_a': 3, u2: 4, 'u2/proj_b': 4 });
    expect(kept()).toEqual(counted());
  });

  it('stay equal to COUNT(*) through inserts, deletes, moves and a user deleted by cascade', () => {
    open();
    const users = ['u1', 'u2', 'u3'];
    const projects = [null, 'proj_a', 'proj_b'];
    const live: string[] = [];
    let seed = 7;
    const pick = <T>(list: T[]): T => list[(seed = (seed * 1103515245 + 12345) % 2 ** 31) % list.length]!;
    for (let step = 0; step < 300; step++) {
      const action = live.length === 0 ? 0 : step % 5;
      if (action <= 1) live.push(insert(pick(users.slice(0, 2)), pick(projects)));
      else if (action === 2) db.prepare('DELETE FROM conversations WHERE id = ?').run(live.splice(live.indexOf(pick(live)), 1)[0]);
      else if (action === 3) db.prepare('UPDATE conversations SET project_id = ? WHERE id = ?').run(pick(projects), pick(live));
      else db.prepare('UPDATE conversations SET user_id = ?, title = ? WHERE id = ?').run(pick(users.slice(0, 2)), 'moved', pick(live));
      expect(kept()).toEqual(counted());
    }
    expect(Object.keys(counted()).length).toBeGreaterThan(2);
    insert('u3', 'proj_a');
    db.prepare('UPDATE conversations SET title = ? WHERE user_id = ?').run('only the title', 'u3');
    expect(kept()).toEqual(counted());
    db.prepare('DELETE FROM users WHERE id = ?').run('u1');
    expect(kept()).toEqual(counted());
    expect(kept().u1).toBeUndefined();
  });
});

/**
 * Migration 012 on an install made before it (a database built at migration 009, with data): the first admin
 * becomes the owner, other admins stay admins, users become members, guests stay guests; every row that
 * references a user survives the rebuild of `users` (nothing cascades); API keys and dashboard sessions keep
 * working; foreign keys are enforced again afterwards.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SignJWT } from 'jose';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config/load-config.js';
import { startServer, type RunningServer } from '../../server/start-server.js';
import { migrate, migrations } from '../../server/store/migrate.js';
import { readResponse, TEST_ADMIN_KEY } from '../support/test-server.js';

const SECRET = randomBytes(32);
const KEYS = { owner: `sk_${'o'.repeat(43)}`, admin2: `sk_${'a'.repeat(43)}`, alice: `sk_${'b'.repeat(43)}` };
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** A database as an install before teams left it: schema 009, an owner, a second admin, a user, a guest, their data. */
function buildAt009(file: string): void {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  migrate(db, migrations.filter((m) => m.version <= 9));
  const user = db.prepare('INSERT INTO users (id, name, role, created_at) VALUES (?, ?, ?, ?)');
  user.run('user_owner', 'Owner', 'admin', 100);
  user.run('user_admin2', 'Second admin', 'admin', 200);
  user.run('user_alice', 'alice', 'user', 300);
  user.run('user_guest', 'Guest', 'guest', 400);
  const key = db.prepare("INSERT INTO api_keys (id, user_id, name, prefix, suffix, hash, created_at) VALUES (?, ?, ?, 'sk_', 'xxxx', ?, 0)");
  key.run('key_owner', 'user_owner', 'laptop', sha256(KEYS.owner));
  key.run('key_admin2', 'user_admin2', 'desk', sha256(KEYS.admin2));
  key.run('key_alice', 'user_alice', 'teammate-alice', sha256(KEYS.alice));
  db.prepare("INSERT INTO settings (key, value) VALUES ('token_secret', ?)").run(SECRET.toString('base64'));
  db.prepare("INSERT INTO projects (id, user_id, name, created_at, updated_at) VALUES ('proj_alice', 'user_alice', 'Alice project', 1, 1)").run();
  db.prepare("INSERT INTO conversations (id, user_id, project_id, title, created_at, updated_at) VALUES ('conv_alice', 'user_alice', 'proj_alice', 'Alice chat', 1, 1)").run();
  const seq = (db.prepare("SELECT seq FROM conversations WHERE id = 'conv_alice'").get() as { seq: number }).seq;
  db.prepare("INSERT INTO items (id, conversation_seq, type, body, created_at) VALUES ('msg_1', ?, 'message', ?, 1)")
    .run(seq, JSON.stringify({ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hello' }] }));
  db.prepare("INSERT INTO sessions (id, user_id, created_at, expires_at, last_seen_at) VALUES ('sess_alice', 'user_alice', 1, 4102444800, 1)").run();
  db.close();
}

function aliceCookie(): Promise<string> {
  return new SignJWT({ role: 'user', kind: 'session' })
    .setJti('sess_alice').setProtectedHeader({ alg: 'HS256' }).setSubject('user_alice').setIssuer('jan-server-desktop')
    .setIssuedAt().setExpirationTime('1h').sign(SECRET).then((jwt) => `jan_session=${jwt}`);
}

describe('migration 012 on an install from before teams', () => {
  let dataDir: string;
  let server: RunningServer;
  const request = async (path: string, headers: Record<string, string>) => readResponse(await fetch(server.url + path, { headers }));
  const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'jan-team-migration-'));
    buildAt009(join(dataDir, 'jan.sqlite'));
    const config = loadConfig({ argv: [], env: {}, platform: { dataDir, cwd: dataDir }, overrides: { port: 0, logLevel: 'silent', apiKey: TEST_ADMIN_KEY } });
    server = await startServer(config, { logger: pino({ level: 'silent' }) });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('the first admin is the owner (no new owner made); JAN_API_KEY and the owner\'s key still act as that owner', async () => {
    for (const headers of [bearer(TEST_ADMIN_KEY), bearer(KEYS.owner)]) {
      const me = await request('/auth/me', headers);
      expect(me.json).toMatchObject({ id: 'user_owner', name: 'Owner', role: 'owner' });
    }
    const members = await request('/v1/admin/members', bearer(KEYS.owner));
    expect(members.json.data.map((m: { id: string; role: string; status: string }) => [m.id, m.role, m.status])).toEqual([
      ['user_owner', 'owner', 'active'], ['user_admin2', 'admin', 'active'], ['user_alice', 'member', 'active'],
    ]);
  });

  it('the other admin stays an admin; the user is a member whose key, session and data all still work', async () => {
    expect((await request('/v1/admin/members', bearer(KEYS.admin2))).status).toBe(200);
    expect((await request('/auth/me', bearer(KEYS.alice))).json).toMatchObject({ id: 'user_alice', role: 'member', auth_method: 'apikey' });
    expect((await request('/auth/me', { cookie: await aliceCookie() })).json).toMatchObject({ id: 'user_alice', role: 'member', auth_method: 'session' });
    const list = await request('/v1/conversations', bearer(KEYS.alice));
    expect(list.json).toMatchObject({ data: [{ id: 'conv_alice', title: 'Alice chat', project_id: 'proj_alice' }], total: 1 });
    expect((await request('/v1/conversations/conv_alice/items', bearer(KEYS.alice))).json.data).toHaveLength(1);
    expect((await request('/v1/admin/members', bearer(KEYS.alice))).status).toBe(403);
    expect((await request('/v1/conversations/conv_alice', bearer(KEYS.owner))).status).toBe(404);
  });

  it('on the raw database: nothing cascaded, foreign keys are on again and consistent, one owner is enforced', () => {
    const file = join(dataDir, 'copy.sqlite');
    buildAt009(file);
    const db = new Database(file);
    db.pragma('foreign_keys = ON');
    expect(migrate(db)).toBe(migrations.at(-1)!.version);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    expect({ api_keys: count('api_keys'), sessions: count('sessions'), conversations: count('conversations'), items: count('items'), projects: count('projects') })
      .toEqual({ api_keys: 3, sessions: 1, conversations: 1, items: 1, projects: 1 });
    expect(db.prepare('SELECT id, role, disabled_at FROM users ORDER BY created_at').all()).toEqual([
      { id: 'user_owner', role: 'owner', disabled_at: null }, { id: 'user_admin2', role: 'admin', disabled_at: null },
      { id: 'user_alice', role: 'member', disabled_at: null }, { id: 'user_guest', role: 'guest', disabled_at: null },
    ]);
    expect(() => db.prepare("UPDATE users SET role = 'owner' WHERE id = 'user_admin2'").run()).toThrow(/UNIQUE/);
    expect(() => db.prepare("UPDATE users SET role = 'user' WHERE id = 'user_alice'").run()).toThrow(/CHECK/);
    // The foreign keys still point at the rebuilt table: deleting a user cascades as before.
    db.prepare("DELETE FROM users WHERE id = 'user_alice'").run();
    expect({ api_keys: count('api_keys'), conversations: count('conversations'), sessions: count('sessions') }).toEqual({ api_keys: 2, conversations: 0, sessions: 0 });
    db.close();
  });
});

/**
 * The account repositories on both engines: users, API keys, sessions, passwords, invitations, the audit log,
 * settings and saved settings. Same rows (numbers as numbers, Buffers as Buffers), same order, same refusals.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Role } from '../../server/store/users-repo.js';
import type { Store } from '../../server/store/store.js';
import { isUniqueViolation } from '../../server/store/unique-violation.js';
import { describeBothEngines, uniqueName } from './both-engines.js';

const hashOf = (text: string): Buffer => createHash('sha256').update(text).digest();

async function addUser(store: Store, role: Role = 'member', createdAt = 1000): Promise<string> {
  const id = uniqueName('user');
  await store.users.insert({ id, name: id, role, created_at: createdAt });
  return id;
}

async function uniqueError(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return false;
  } catch (error) {
    return isUniqueViolation(error);
  }
}

describeBothEngines('accounts', ({ store, openAnother }) => {
  describe('users', () => {
    it('are read back with the row shape of SQLite, and changed only where allowed', async () => {
      const s = await openAnother();
      await s.users.insert({ id: 'u_owner', name: 'Owner', role: 'owner', created_at: 10 });
      await s.users.insert({ id: 'u_b', name: 'Bob', role: 'member', created_at: 20 });
      await s.users.insert({ id: 'u_a', name: 'Ann', role: 'admin', created_at: 20 });
      await s.users.insert({ id: 'u_g', name: 'guest', role: 'guest', created_at: 5 });
      expect(await s.users.get('u_b')).toEqual({ id: 'u_b', name: 'Bob', role: 'member', created_at: 20, disabled_at: null });
      expect(await s.users.get('nobody')).toBeUndefined();
      expect((await s.users.owner())?.id).toBe('u_owner');
      expect(await uniqueError(s.users.insert({ id: 'u_owner2', name: 'Two', role: 'owner', created_at: 30 }))).toBe(true);

      expect(await s.users.setRole('u_owner', 'member')).toBe(false);
      expect(await s.users.setRole('u_g', 'member')).toBe(false);
      expect(await s.users.setRole('u_b', 'admin')).toBe(true);
      expect(await s.users.countActiveAdmins()).toBe(3);
      expect(await s.users.setDisabled('u_owner', 99)).toBe(false);
      expect(await s.users.setDisabled('u_a', 99)).toBe(true);
      expect(await s.users.countActiveAdmins()).toBe(2);
      expect(await s.users.rename('u_b', 'Robert')).toBe(true);
      expect(await s.users.update('u_b', 'Rob', 'member')).toBe(true);
      expect(await s.users.update('missing', 'x', 'member')).toBe(false);
      expect(await s.users.get('u_b')).toEqual({ id: 'u_b', name: 'Rob', role: 'member', created_at: 20, disabled_at: null });

      // Oldest first, ties in insertion order; guests left out; last seen = latest session or key use.
      await s.sessions.insert({
        id: 'sess_1', user_id: 'u_a', created_at: 1, expires_at: 10_000, last_seen_at: 500, revoked_at: null,
        created_by_api_key_id: null, user_agent: null, ip: null,
      });
      await s.apiKeys.insert({
        id: 'key_1', user_id: 'u_a', name: 'k', prefix: 'p', suffix: 's', hash: hashOf('k1'), created_at: 1, expires_at: null, last_used_at: 700,
      });
      const members = await s.users.listMembers();
      expect(members.map((m) => [m.id, m.last_seen_at])).toEqual([['u_owner', null], ['u_b', null], ['u_a', 700]]);
      expect(members[2]).toEqual({ id: 'u_a', name: 'Ann', role: 'admin', created_at: 20, disabled_at: 99, last_seen_at: 700 });

      expect(await s.users.delete('u_owner')).toBe(false);
      expect(await s.users.delete('u_a')).toBe(true);
      expect(await s.apiKeys.findByHash(hashOf('k1'))).toBeUndefined(); // gone with its user (cascade)
      expect(await s.sessions.findForAuth('sess_1')).toBeUndefined();
    });

    it('are found by name case-insensitively for ASCII only, as SQLite\'s NOCASE, and never as guests', async () => {
      const s = store();
      const id = uniqueName('user');
      await s.users.insert({ id, name: `Ärger-${id}`, role: 'member', created_at: 1 });
      const guest = uniqueName('guest');
      await s.users.insert({ id: guest, name: guest, role: 'guest', created_at: 1 });
      expect((await s.users.findByName(`ärger-${id}`.toUpperCase()))?.id).toBe(id);
      expect((await s.users.findByName(`Ärger-${id.toUpperCase()}`))?.id).toBe(id);
      expect(await s.users.findByName(`ärger-${id}`)).toBeUndefined(); // Ä and ä differ: NOCASE folds ASCII only
      expect(await s.users.findByName(guest)).toBeUndefined();
    });
  });

  describe('API keys', () => {
    it('are found by hash (not for a disabled user), listed newest first, touched, deleted', async () => {
      const s = store();
      const user = await addUser(s);
      const key = (id: string, createdAt: number) => ({
        id, user_id: user, name: id, prefix: 'sk-', suffix: id.slice(-4), hash: hashOf(id), created_at: createdAt, expires_at: null, last_used_at: null,
      });
      const [k1, k2, k3] = [uniqueName('key'), uniqueName('key'), uniqueName('key')];
      await s.apiKeys.insert(key(k1, 100));
      await s.apiKeys.insert(key(k2, 200));
      await s.apiKeys.insert({ ...key(k3, 200), expires_at: 9999 });
      const found = await s.apiKeys.findByHash(hashOf(k2));
      expect(found).toEqual({ key_id: k2, hash: hashOf(k2), expires_at: null, user_id: user, role: 'member' });
      expect(Buffer.isBuffer(found!.hash)).toBe(true);
      expect(await uniqueError(s.apiKeys.insert({ ...key(uniqueName('key'), 1), hash: hashOf(k1) }))).toBe(true);

      await s.apiKeys.touch(k1, 555);
      const list = await s.apiKeys.listByUser(user);
      expect(list.map((k) => k.id)).toEqual([k3, k2, k1]); // ties: the later insert first
      expect(list[2]).toEqual({ id: k1, user_id: user, name: k1, prefix: 'sk-', suffix: k1.slice(-4), created_at: 100, expires_at: null, last_used_at: 555 });
      expect(list[0]).not.toHaveProperty('hash');

      await s.users.setDisabled(user, 1);
      expect(await s.apiKeys.findByHash(hashOf(k2))).toBeUndefined();
      expect(await s.apiKeys.delete('someone-else', k1)).toBe(false);
      expect(await s.apiKeys.delete(user, k1)).toBe(true);
      expect((await s.apiKeys.deleteAllOfUser(user)).sort()).toEqual([k2, k3].sort());
      expect(await s.apiKeys.listByUser(user)).toEqual([]);
    });
  });

  describe('sessions', () => {
    it('authenticate with the current role, list active ones newest first, and revoke and expire', async () => {
      const s = store();
      const user = await addUser(s, 'admin');
      const session = (id: string, createdAt: number, expiresAt: number, keyId: string | null = null) => ({
        id, user_id: user, created_at: createdAt, expires_at: expiresAt, last_seen_at: createdAt, revoked_at: null,
        created_by_api_key_id: keyId, user_agent: 'ua', ip: '127.0.0.1',
      });
      const [a, b, c, d] = [uniqueName('s'), uniqueName('s'), uniqueName('s'), uniqueName('s')];
      await s.sessions.insert(session(a, 100, 1000));
      await s.sessions.insert(session(b, 200, 1000, 'key_x'));
      await s.sessions.insert(session(c, 200, 1000, 'key_x'));
      await s.sessions.insert(session(d, 50, 150)); // expires at 150
      expect(await s.sessions.findForAuth(a)).toEqual({ id: a, user_id: user, role: 'admin', expires_at: 1000, last_seen_at: 100, revoked_at: null });
      await s.sessions.touch(a, 160);
      expect((await s.sessions.findForAuth(a))!.last_seen_at).toBe(160);

      const active = await s.sessions.listActive(user, 160);
      expect(active.map((row) => row.id)).toEqual([c, b, a]);
      expect(active[2]).toEqual({ ...session(a, 100, 1000), last_seen_at: 160 });

      expect(await s.sessions.revoke(a, 170, 'someone-else')).toBe(false);
      expect(await s.sessions.revoke(a, 170, user)).toBe(true);
      expect(await s.sessions.revoke(a, 171)).toBe(false); // already revoked
      expect((await s.sessions.findForAuth(a))!.revoked_at).toBe(170);
      expect(await s.sessions.revokeByApiKey('key_x', 180)).toBe(2);
      expect(await s.sessions.revokeAllOfUser(user, 190)).toBe(0);
      expect(await s.sessions.listActive(user, 190)).toEqual([]);
      expect(await s.sessions.deleteExpired(150)).toBeGreaterThanOrEqual(1);
      expect(await s.sessions.findForAuth(d)).toBeUndefined();
      expect(await s.sessions.findForAuth(b)).toBeDefined();
    });
  });

  describe('passwords', () => {
    it('log in by name case-insensitively, replace a hash, follow a rename, and refuse a taken name', async () => {
      const s = store();
      const [u1, u2] = [await addUser(s), await addUser(s)];
      const name = uniqueName('Login');
      await s.passwords.set(u1, name, 'hash-1', 10);
      expect(await s.passwords.findByLogin(name.toLowerCase())).toEqual({ user_id: u1, name: u1, role: 'member', disabled_at: null, hash: 'hash-1' });
      await s.passwords.set(u1, name, 'hash-2', 11);
      expect(await s.passwords.hashOf(u1)).toBe('hash-2');
      expect(await s.passwords.hashOf(u2)).toBeUndefined();
      expect(await uniqueError(s.passwords.set(u2, name.toUpperCase(), 'hash-3', 12))).toBe(true);
      await s.passwords.rename(u1, `${name}-new`);
      expect(await s.passwords.findByLogin(name)).toBeUndefined();
      expect((await s.passwords.findByLogin(`${name}-NEW`))?.user_id).toBe(u1);
    });
  });

  describe('invitations', () => {
    it('are found by code hash, listed while pending, revoked, and claimed exactly once under a race', async () => {
      const s = store();
      const admin = await addUser(s, 'admin');
      const invitation = (id: string, createdAt: number, expiresAt: number, userId: string | null = null) => ({
        id, code_hash: hashOf(id), role: 'member' as const, name: null, user_id: userId, created_by: admin,
        created_at: createdAt, expires_at: expiresAt, used_at: null, used_by: null, revoked_at: null,
      });
      const member = await addUser(s);
      const [i1, i2, i3, i4] = [uniqueName('inv'), uniqueName('inv'), uniqueName('inv'), uniqueName('inv')];
      await s.invitations.insert(invitation(i1, 100, 10_000));
      await s.invitations.insert(invitation(i2, 100, 10_000));
      await s.invitations.insert(invitation(i3, 50, 200, member));
      await s.invitations.insert(invitation(i4, 60, 10_000, member));
      expect(await s.invitations.findByCodeHash(hashOf(i1))).toEqual(invitation(i1, 100, 10_000));
      expect(await uniqueError(s.invitations.insert({ ...invitation(uniqueName('inv'), 1, 2), code_hash: hashOf(i1) }))).toBe(true);
      const pending = (await s.invitations.listPending(300)).map((row) => row.id).filter((id) => [i1, i2, i3, i4].includes(id));
      expect(pending).toEqual([i2, i1, i4]); // newest first, ties by insertion (later first); i3 expired

      expect(await s.invitations.revokeForUser(member, 300)).toBe(2);
      expect(await s.invitations.revoke(i4, 301)).toBe(false);
      expect(await s.invitations.revoke(i2, 301)).toBe(true);
      const claims = await Promise.all([1, 2, 3, 4].map((n) => s.invitations.claim(i1, `claimer-${n}`, 400)));
      expect(claims.filter(Boolean)).toHaveLength(1);
      const claimed = await s.invitations.findByCodeHash(hashOf(i1));
      expect(claimed).toMatchObject({ used_at: 400, used_by: `claimer-${claims.indexOf(true) + 1}` });
      expect(await s.invitations.claim(i2, 'late', 402)).toBe(false); // revoked
    });
  });

  describe('audit log', () => {
    it('lists newest first in pages with an after cursor; an unknown cursor gives an empty page', async () => {
      const s = await openAnother();
      const ids = Array.from({ length: 5 }, (_, n) => `audit_${n}`);
      for (const [n, id] of ids.entries()) {
        await s.audit.insert({ id, actor_id: 'u', actor_name: 'U', action: 'member.update', target: null, details: '{"n":' + n + '}', created_at: 100 });
      }
      const first = await s.audit.list(2);
      expect(first).toEqual([
        { id: 'audit_4', actor_id: 'u', actor_name: 'U', action: 'member.update', target: null, details: '{"n":4}', created_at: 100 },
        { id: 'audit_3', actor_id: 'u', actor_name: 'U', action: 'member.update', target: null, details: '{"n":3}', created_at: 100 },
      ]);
      expect((await s.audit.list(2, 'audit_3')).map((row) => row.id)).toEqual(['audit_2', 'audit_1']);
      expect((await s.audit.list(2, 'audit_1')).map((row) => row.id)).toEqual(['audit_0']);
      expect(await s.audit.list(2, 'no_such_entry')).toEqual([]);
    });
  });

  describe('settings', () => {
    it('keep the first value created for a key', async () => {
      const s = store();
      const key = uniqueName('secret');
      expect(await s.settings.get(key)).toBeUndefined();
      expect(await s.settings.getOrCreate(key, () => 'first')).toBe('first');
      expect(await s.settings.getOrCreate(key, () => 'second')).toBe('first');
      expect(await s.settings.get(key)).toBe('first');
    });

    it('saved: upserted, removed, listed in byte order of their keys (as SQLite compares text)', async () => {
      const s = await openAnother();
      for (const key of ['b_key', 'B_KEY', 'a', '_x', 'Z']) await s.savedSettings.set(key, `v-${key}`, key === 'a' ? null : 'admin');
      await s.savedSettings.set('a', 'changed', 'owner');
      await s.savedSettings.remove('Z');
      const all = await s.savedSettings.all();
      expect(all.map((row) => row.key)).toEqual(['B_KEY', '_x', 'a', 'b_key']);
      expect(all[2]).toEqual({ key: 'a', value: 'changed', updated_at: expect.any(Number), updated_by: 'owner' });
      expect(Math.abs(all[2]!.updated_at - Date.now() / 1000)).toBeLessThan(120);
    });
  });
});

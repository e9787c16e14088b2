/**
 * Members and roles. The rules, checked here and nowhere else:
 * - There is exactly one owner; it cannot be disabled, demoted or deleted (409). Nobody disables or deletes
 *   their own account (409), and no change may leave the server without an enabled owner or admin (409).
 * - Only the owner grants or revokes the admin role, and only the owner disables, deletes, renames or resets
 *   another admin (403 for an admin). Admins manage members.
 * - Disabling ends the member's sessions and revokes their API keys and pending reset links in the same
 *   transaction, so the next request with any of them is a 401 (authentication also refuses a disabled
 *   account, e.g. a guest token, which cannot be revoked).
 * - Deleting needs an explicit choice for the member's data: transfer it to another account, or delete it.
 * Every change is recorded in the audit log inside the transaction that makes it.
 */
import type { z } from 'zod';
import type { Principal } from '../auth/index.js';
import type { Member, MemberDeleteQuery, MemberUpdateBody } from '../api/team.js';
import { badRequest, notFound } from '../errors/app-error.js';
import { nowSeconds } from '../store/ids.js';
import type { MemberRow, UserRow } from '../store/users-repo.js';
import type { Store } from '../store/store.js';
import type { AuditLog } from './audit-log.js';
import type { InvitationsService } from './invitations-service.js';
import { conflict, nameTaken, ownerOnly } from './team-errors.js';

function memberFromRow(row: MemberRow | UserRow, lastSeen: number | null): Member {
  return {
    id: row.id, name: row.name, role: row.role as Member['role'], status: row.disabled_at === null ? 'active' : 'disabled',
    created_at: row.created_at, last_seen_at: lastSeen,
  };
}

const DATA_CHOICES =
  "Say what happens to the member's data: `?data=transfer&to=<user id>` moves their conversations, projects, files and " +
  'stored responses to that account; `?data=delete` deletes them. Their keys and sessions end either way.';

export class MembersService {
  constructor(private readonly store: Store, private readonly audit: AuditLog, private readonly invitations: InvitationsService) {}

  async list() {
    return { object: 'list' as const, data: (await this.store.users.listMembers()).map((row) => memberFromRow(row, row.last_seen_at)) };
  }

  async update(actor: Principal, id: string, body: z.infer<typeof MemberUpdateBody>): Promise<Member> {
    const target = await this.member(id);
    const self = target.id === actor.userId;
    if (target.role === 'owner' && (body.role !== undefined || body.disabled === true)) {
      throw conflict('The owner cannot be disabled or demoted: a server always keeps its owner.', 'owner_protected');
    }
    if (body.role !== undefined && body.role !== target.role && actor.role !== 'owner') throw ownerOnly('grant or revoke the admin role');
    if (target.role === 'admin' && !self && actor.role !== 'owner') throw ownerOnly('change another admin');
    if (target.role === 'owner' && !self) throw ownerOnly("change the owner's account");
    if (self && body.disabled === true) throw conflict('You cannot disable your own account.', 'cannot_disable_self');
    if (body.name !== undefined) {
      const other = await this.store.users.findByName(body.name);
      if (other && other.id !== target.id) throw nameTaken(body.name);
    }
    await this.store.transaction(async () => {
      const now = nowSeconds();
      if (body.name !== undefined && body.name !== target.name) {
        await this.store.users.rename(target.id, body.name);
        await this.store.passwords.rename(target.id, body.name);
        await this.audit.record(actor.userId, 'member.rename', target.id, { from: target.name, to: body.name });
      }
      if (body.role !== undefined && body.role !== target.role) {
        await this.store.users.setRole(target.id, body.role);
        await this.audit.record(actor.userId, 'member.role', target.id, { from: target.role, to: body.role });
      }
      if (body.disabled === true && target.disabled_at === null) {
        await this.store.users.setDisabled(target.id, now);
        const ended = await this.endAccess(target.id, now);
        await this.audit.record(actor.userId, 'member.disable', target.id, ended);
      } else if (body.disabled === false && target.disabled_at !== null) {
        await this.store.users.setDisabled(target.id, null);
        await this.audit.record(actor.userId, 'member.enable', target.id);
      }
      // Throwing rolls the whole change back.
      if ((await this.store.users.countActiveAdmins()) === 0) throw conflict('This would leave the server without an enabled owner or admin.', 'last_admin');
    });
    return memberFromRow((await this.store.users.get(target.id))!, await this.lastSeen(target.id));
  }

  async remove(actor: Principal, id: string, query: z.infer<typeof MemberDeleteQuery>) {
    const target = await this.member(id);
    if (target.role === 'owner') throw conflict('The owner cannot be deleted: a server always keeps its owner.', 'owner_protected');
    if (target.id === actor.userId) throw conflict('You cannot delete your own account.', 'cannot_delete_self');
    if (target.role === 'admin' && actor.role !== 'owner') throw ownerOnly('delete an admin');
    if (query.data !== 'transfer' && query.data !== 'delete') {
      throw badRequest(query.data === undefined ? DATA_CHOICES : `Unknown data choice '${query.data}'. ${DATA_CHOICES}`, 'data', 'data_choice_required');
    }
    let heir: UserRow | undefined;
    if (query.data === 'transfer') {
      if (query.to === undefined) throw badRequest(`\`to\` is required with data=transfer. ${DATA_CHOICES}`, 'to', 'missing_transfer_target');
      if (query.to === target.id) throw badRequest("The data cannot be transferred to the member being deleted.", 'to', 'invalid_transfer_target');
      heir = await this.store.users.get(query.to);
      if (!heir || heir.role === 'guest') throw notFound('member', query.to, 'to');
    }
    const counts = await this.store.transaction(async () => {
      const moved = heir ? await this.store.memberData.transfer(target.id, heir.id) : await this.store.memberData.deleteAll(target.id);
      // The account's keys, sessions, password and reset links go with its row (foreign keys, ON DELETE CASCADE).
      await this.store.users.delete(target.id);
      await this.audit.record(actor.userId, 'member.delete', target.id, { name: target.name, data: query.data, to: heir?.id ?? null, counts: moved });
      return moved;
    });
    return { id: target.id, object: 'member.deleted' as const, deleted: true as const, data: query.data, transferred_to: heir?.id ?? null, counts };
  }

  /** A new single-use password-reset link for the member; their sessions end now, their API keys keep working. */
  async reset(actor: Principal, id: string) {
    const target = await this.member(id);
    if (target.role === 'owner') {
      throw conflict('The owner has no reset link: the owner signs in with the login link the server prints at start.', 'owner_protected');
    }
    if (target.role === 'admin' && target.id !== actor.userId && actor.role !== 'owner') throw ownerOnly("reset another admin's password");
    if (target.disabled_at !== null) throw conflict('The member is disabled; enable the account before sending a reset link.', 'member_disabled');
    return this.store.transaction(async () => {
      const link = await this.invitations.createReset(actor.userId, target);
      const sessions = await this.store.sessions.revokeAllOfUser(target.id, nowSeconds());
      await this.audit.record(actor.userId, 'member.reset', target.id, { invitation_id: link.id, sessions_ended: sessions });
      return link;
    });
  }

  /** Ends every way the member is signed in: API keys (and the sessions made from them), sessions, reset links. */
  private async endAccess(userId: string, now: number) {
    const keys = await this.store.apiKeys.deleteAllOfUser(userId);
    for (const keyId of keys) await this.store.sessions.revokeByApiKey(keyId, now);
    const sessions = await this.store.sessions.revokeAllOfUser(userId, now);
    await this.store.invitations.revokeForUser(userId, now);
    return { api_keys_revoked: keys.length, sessions_ended: sessions };
  }

  private async lastSeen(id: string): Promise<number | null> {
    return (await this.store.users.listMembers()).find((m) => m.id === id)?.last_seen_at ?? null;
  }

  /** A non-guest account; guests and unknown ids are both a 404. */
  private async member(id: string): Promise<UserRow> {
    const row = await this.store.users.get(id);
    if (!row || row.role === 'guest') throw notFound('member', id, 'id');
    return row;
  }
}

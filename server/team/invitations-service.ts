/**
 * Invitations (join links) and password-reset links. A code is 256 random bits (base64url), shown once in the
 * create response; only its SHA-256 is stored. A link is single-use: accepting claims it with a conditional
 * UPDATE in the same transaction that creates the account or sets the password. Expired, used and revoked
 * links answer 410 with the reason; unknown codes 404.
 *
 * Rules: inviting as `admin` is granting admin, which only the owner may do; a reset link for an admin too.
 * The owner has no reset link (the owner signs in with the login link the server prints at start).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { z } from 'zod';
import type { IssuedSession, Principal, SessionClient, SessionsService } from '../auth/index.js';
import { DEFAULT_INVITATION_SECONDS, type Invitation, type InvitationAcceptBody, type InvitationCreateBody } from '../api/team.js';
import { AppError, badRequest } from '../errors/app-error.js';
import { newId, nowSeconds } from '../store/ids.js';
import type { InvitationRow } from '../store/invitations-repo.js';
import type { Store } from '../store/store.js';
import type { UserRow } from '../store/users-repo.js';
import type { AuditLog } from './audit-log.js';
import { hashPassword } from './password-hash.js';
import { passwordProblem } from './password-rules.js';
import { isUniqueViolation } from '../store/unique-violation.js';
import { conflict, gone, nameTaken, ownerOnly } from './team-errors.js';

export interface InvitationsOptions {
  store: Store;
  audit: AuditLog;
  sessions: Pick<SessionsService, 'forUser'>;
  /** Where this server is reached from other machines now (its LAN URL while LAN access is on). */
  publicOrigin: () => string;
  serverName?: () => string;
}

const RESET_SECONDS = 24 * 3600;
const codeHash = (code: string) => createHash('sha256').update(code, 'utf8').digest();

function infoFromRow(row: InvitationRow): Invitation {
  return {
    id: row.id, object: 'invitation', role: row.role, name: row.name, user_id: row.user_id,
    expires_at: row.expires_at, created_at: row.created_at, created_by: row.created_by, used_at: row.used_at,
  };
}

export class InvitationsService {
  constructor(private readonly o: InvitationsOptions) {}

  async create(actor: Principal, body: z.infer<typeof InvitationCreateBody>) {
    if (body.role === 'admin' && actor.role !== 'owner') throw ownerOnly('invite an admin (granting the admin role)');
    if (body.name !== undefined && (await this.o.store.users.findByName(body.name))) throw nameTaken(body.name);
    return this.o.store.transaction(async () => {
      const created = await this.insert(actor.userId, body.role, body.name ?? null, null, body.expires_in_seconds ?? DEFAULT_INVITATION_SECONDS);
      await this.o.audit.record(actor.userId, 'invitation.create', created.id, { role: created.role, name: created.name, expires_at: created.expires_at });
      return created;
    });
  }

  /**
   * A single-use link that sets `member`'s password; earlier reset links of the member stop working. Called by
   * the members service inside its transaction (which also ends the member's sessions and records the action).
   */
  async createReset(actorId: string, member: UserRow) {
    if (member.role !== 'admin' && member.role !== 'member') throw conflict('Only a member or an admin has a reset link.', 'not_resettable');
    await this.o.store.invitations.revokeForUser(member.id, nowSeconds());
    return this.insert(actorId, member.role, member.name, member.id, RESET_SECONDS);
  }

  async listPending() {
    return { object: 'list' as const, data: (await this.o.store.invitations.listPending(nowSeconds())).map(infoFromRow) };
  }

  async revoke(actor: Principal, id: string): Promise<void> {
    await this.o.store.transaction(async () => {
      if (!(await this.o.store.invitations.revoke(id, nowSeconds()))) {
        throw new AppError(404, 'not_found_error', `No pending invitation found with id '${id}' (used, revoked and expired ones cannot be revoked).`, {
          param: 'id', code: 'invitation_not_found',
        });
      }
      await this.o.audit.record(actor.userId, 'invitation.revoke', id);
    });
  }

  /** What the invitation page shows; 404 for an unknown code, 410 for one that no longer works. */
  async preview(code: string) {
    const { row, member } = await this.usable(code);
    const serverName = this.o.serverName?.();
    return {
      purpose: member ? ('reset' as const) : ('join' as const),
      // A reset link shows the member's role now (it may have changed since the link was made).
      role: (member?.role as 'admin' | 'member' | undefined) ?? row.role,
      name: member?.name ?? row.name,
      expires_at: row.expires_at,
      ...(serverName && { server_name: serverName }),
    };
  }

  /** Creates the member (or sets the reset member's password) and opens their dashboard session. */
  async accept(code: string, body: z.infer<typeof InvitationAcceptBody>, client: SessionClient): Promise<{ user: { id: string; name: string; role: 'owner' | 'admin' | 'member' }; session: IssuedSession }> {
    const { row, member } = await this.usable(code);
    const name = body.name ?? member?.name ?? row.name;
    if (name === null || name === undefined) throw badRequest('Pick a display name: `name` is required to join.', 'name', 'missing_name');
    const other = await this.o.store.users.findByName(name);
    if (other && other.id !== member?.id) throw nameTaken(name);
    const problem = passwordProblem(body.password, name);
    if (problem) throw badRequest(problem, 'password', 'weak_password');
    // Hashed before the transaction opens: no slow work while it holds the database.
    const hash = await hashPassword(body.password);
    const user = await this.o.store.transaction(async () => {
      const now = nowSeconds();
      const userId = member?.id ?? newId('user');
      // Claimed first: a link used, revoked or expired while the password was being hashed changes nothing.
      if (!(await this.o.store.invitations.claim(row.id, userId, now))) throw this.goneError((await this.o.store.invitations.findByCodeHash(row.code_hash))!);
      if (member) {
        if (name !== member.name) await this.o.store.users.rename(member.id, name);
      } else {
        await this.o.store.users.insert({ id: userId, name, role: row.role, created_at: now });
      }
      try {
        await this.o.store.passwords.set(userId, name, hash, now);
      } catch (error) {
        throw isUniqueViolation(error) ? nameTaken(name) : error;
      }
      await this.o.audit.record(userId, 'invitation.accept', row.id, { purpose: member ? 'reset' : 'join', role: member?.role ?? row.role });
      return { id: userId, name, role: (member?.role ?? row.role) as 'owner' | 'admin' | 'member' };
    });
    const session = await this.o.sessions.forUser(user.id, user.role, client);
    return { user, session };
  }

  private async insert(actorId: string, role: 'admin' | 'member', name: string | null, userId: string | null, ttlSeconds: number) {
    const code = randomBytes(32).toString('base64url');
    const now = nowSeconds();
    const row: InvitationRow = {
      id: `inv_${randomBytes(24).toString('hex')}`, code_hash: codeHash(code), role, name, user_id: userId, created_by: actorId,
      created_at: now, expires_at: now + ttlSeconds, used_at: null, used_by: null, revoked_at: null,
    };
    await this.o.store.invitations.insert(row);
    return { ...infoFromRow(row), code, url: `${this.o.publicOrigin().replace(/\/+$/, '')}/invite/${code}` };
  }

  /** The invitation of `code` if it can still be used, with the member a reset link is for. */
  private async usable(code: string): Promise<{ row: InvitationRow; member: UserRow | undefined }> {
    const row = await this.o.store.invitations.findByCodeHash(codeHash(code));
    if (!row) {
      throw new AppError(404, 'not_found_error', 'This invitation link is not valid. Check that it was copied whole, or ask an admin for a new one.', {
        code: 'invitation_not_found',
      });
    }
    const now = nowSeconds();
    if (row.used_at !== null || row.revoked_at !== null || row.expires_at <= now) throw this.goneError(row);
    const member = row.user_id === null ? undefined : await this.o.store.users.get(row.user_id);
    if (row.user_id !== null && (!member || member.disabled_at !== null)) {
      throw gone('This reset link is for an account that is disabled or no longer exists. Ask an admin.', 'invitation_revoked');
    }
    return { row, member };
  }

  private goneError(row: InvitationRow) {
    const ask = 'Ask an admin for a new link.';
    if (row.used_at !== null) return gone(`This invitation link has already been used. Log in with your name and password, or: ${ask}`, 'invitation_used');
    if (row.revoked_at !== null) return gone(`This invitation link was revoked by an admin. ${ask}`, 'invitation_revoked');
    return gone(`This invitation link expired on ${new Date(row.expires_at * 1000).toISOString()}. ${ask}`, 'invitation_expired');
  }
}

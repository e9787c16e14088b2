/**
 * Issues the server's tokens — guest access tokens, and dashboard sessions — and keeps the sessions
 * revocable. A session is a row in the sessions table plus a signed cookie naming it: each request checks
 * the row (one read by primary key; `last_seen_at` is written at most once a minute), so logging out, "log
 * out everywhere" and revoking the API key a session was made from take effect on the next request.
 * Expired rows are deleted whenever a new session is opened.
 */
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import type { SessionInfo } from '../api/auth.js';
import { forbidden, notFound } from '../errors/app-error.js';
import { nowSeconds } from '../store/ids.js';
import type { SessionRow } from '../store/sessions-repo.js';
import type { Store } from '../store/store.js';
import type { LoginLinks } from './login-links.js';
import { isAdmin, type Principal } from './principal.js';
import type { TokenSigner } from './token-signer.js';
import type { UsersService } from './users-service.js';

export interface SessionsOptions {
  store: Store;
  signer: TokenSigner;
  users: UsersService;
  loginLinks: LoginLinks;
  ownerId: string;
  guestLoginEnabled: boolean;
  tokenTtlSeconds: number;
  sessionTtlSeconds: number;
}

/** Who opened a session, as the browser told us; shown in the list so that a user can tell sessions apart. */
export interface SessionClient {
  userAgent?: string | undefined;
  ip?: string | undefined;
}

export interface IssuedSession {
  /** The cookie's value. */
  token: string;
  maxAgeSeconds: number;
  session: z.infer<typeof SessionInfo>;
}

/** How often a session's `last_seen_at` is written at most, so that authenticating stays a read. */
const TOUCH_INTERVAL_SECONDS = 60;
const MAX_USER_AGENT = 256;

function infoFromRow(row: SessionRow, currentId: string | undefined): z.infer<typeof SessionInfo> {
  const { revoked_at: _revoked, ...fields } = row;
  return { ...fields, object: 'session', current: row.id === currentId };
}

export class SessionsService {
  constructor(private readonly options: SessionsOptions) {}

  async guestLogin() {
    if (!this.options.guestLoginEnabled) {
      throw forbidden('Guest login is switched off on this server (JAN_GUEST_LOGIN). Use an API key.', 'guest_login_disabled');
    }
    const guest = await this.options.users.createGuest();
    const ttl = this.options.tokenTtlSeconds;
    const token = await this.options.signer.sign({ userId: guest.id, role: guest.role, kind: 'access' }, ttl);
    return {
      access_token: token,
      token_type: 'Bearer' as const,
      expires_in: ttl,
      user_id: guest.id,
      principal_id: guest.id,
      username: guest.name,
    };
  }

  /** A session for the owner if `loginToken` is a live one-time link token; undefined otherwise. */
  async dashboardSession(loginToken: string, client: SessionClient = {}): Promise<IssuedSession | undefined> {
    if (!this.options.loginLinks.redeem(loginToken)) return undefined;
    return this.open(this.options.ownerId, 'owner', this.options.sessionTtlSeconds, null, client);
  }

  /** A session for the owner of the API key the request was made with; it ends with the key at the latest. */
  fromApiKey(principal: Principal, client: SessionClient): Promise<IssuedSession> {
    if (principal.method !== 'apikey') {
      throw forbidden('A dashboard session is made from an API key; send it as `Authorization: Bearer sk_…`.', 'api_key_required');
    }
    const key = principal.apiKey;
    const untilKeyExpires = key?.expiresAt == null ? Infinity : key.expiresAt - nowSeconds();
    const ttl = Math.max(1, Math.min(this.options.sessionTtlSeconds, untilKeyExpires));
    return this.open(principal.userId, principal.role, ttl, key?.id ?? null, client);
  }

  /** The principal of a session cookie whose row is live; undefined for anything else. */
  async verify(token: string): Promise<Principal | undefined> {
    const claims = await this.options.signer.verify(token, 'session');
    // A session token without an id (stateless, from before migration 007) could not be revoked: refused.
    const row = claims?.sessionId === undefined ? undefined : await this.options.store.sessions.findForAuth(claims.sessionId);
    const now = nowSeconds();
    if (!row || row.user_id !== claims?.userId || row.revoked_at !== null || row.expires_at <= now) return undefined;
    if (now - row.last_seen_at >= TOUCH_INTERVAL_SECONDS) await this.options.store.sessions.touch(row.id, now);
    return { userId: row.user_id, role: row.role, method: 'session', sessionId: row.id };
  }

  /** Ends the session a cookie names, if it is a valid one; nothing otherwise (logging out never fails). */
  async logout(token: string | undefined): Promise<void> {
    const claims = token ? await this.options.signer.verify(token, 'session') : undefined;
    if (claims?.sessionId) await this.options.store.sessions.revoke(claims.sessionId, nowSeconds(), claims.userId);
  }

  /** The active sessions of the caller, or of `userId` for an admin; the caller's own is marked `current`. */
  async list(principal: Principal, userId?: string) {
    const target = await this.targetUser(principal, userId);
    const items = (await this.options.store.sessions.listActive(target, nowSeconds())).map((row) => infoFromRow(row, principal.sessionId));
    return { object: 'list' as const, items, total: items.length };
  }

  /** Ends one session: the caller's own, or anyone's for an admin. Another user's id is a 404 like an unknown one. */
  async revoke(principal: Principal, id: string): Promise<void> {
    const owner = isAdmin(principal.role) ? undefined : principal.userId;
    if (!(await this.options.store.sessions.revoke(id, nowSeconds(), owner))) throw notFound('session', id, 'id');
  }

  /** "Log out everywhere": ends every session of the caller, or of `userId` for an admin. */
  async revokeAll(principal: Principal, userId?: string) {
    const target = await this.targetUser(principal, userId);
    const revoked = await this.options.store.sessions.revokeAllOfUser(target, nowSeconds());
    return { object: 'sessions.revoked' as const, user_id: target, revoked };
  }

  /** A session for a member who proved who they are with a password (login, accepted invitation). */
  forUser(userId: string, role: Principal['role'], client: SessionClient): Promise<IssuedSession> {
    return this.open(userId, role, this.options.sessionTtlSeconds, null, client);
  }

  newLoginLinkToken(): string {
    return this.options.loginLinks.issue();
  }

  private async targetUser(principal: Principal, userId: string | undefined): Promise<string> {
    if (userId === undefined || userId === principal.userId) return principal.userId;
    if (!isAdmin(principal.role)) throw forbidden("Only an admin may manage another user's sessions.");
    const target = await this.options.users.get(userId);
    if (!target) throw notFound('user', userId, 'user_id');
    // As for the rest of an admin's account (team/members-service.ts): only the owner manages another admin's.
    if (isAdmin(target.role) && principal.role !== 'owner') throw forbidden("Only the owner may manage another admin's sessions.", 'owner_only');
    return userId;
  }

  private async open(userId: string, role: Principal['role'], ttl: number, apiKeyId: string | null, client: SessionClient): Promise<IssuedSession> {
    const now = nowSeconds();
    const row: SessionRow = {
      // The same shape as the store's other public ids: a type prefix and 192 random bits in hex.
      id: `sess_${randomBytes(24).toString('hex')}`,
      user_id: userId,
      created_at: now,
      expires_at: now + ttl,
      last_seen_at: now,
      revoked_at: null,
      created_by_api_key_id: apiKeyId,
      user_agent: client.userAgent ? client.userAgent.slice(0, MAX_USER_AGENT) : null,
      ip: client.ip || null,
    };
    await this.options.store.transaction(async () => {
      // Logins are rare and the index makes this a range scan: the table holds only sessions that can still matter.
      await this.options.store.sessions.deleteExpired(now);
      await this.options.store.sessions.insert(row);
    });
    const token = await this.options.signer.sign({ userId, role, kind: 'session', sessionId: row.id }, ttl);
    return { token, maxAgeSeconds: ttl, session: infoFromRow(row, row.id) };
  }
}

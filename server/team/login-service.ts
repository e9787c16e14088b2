/**
 * Password login and password change. A login is checked against the throttle first (429 + Retry-After while
 * the account or the address is locked, before any hash is computed), then against the stored scrypt hash; an
 * unknown name is checked against a decoy hash so both take as long. Every failure gets the same 401 message.
 * A successful login opens a dashboard session (the same revocable cookie session the dashboard uses).
 */
import type { z } from 'zod';
import type { IssuedSession, Principal, SessionClient, SessionsService } from '../auth/index.js';
import type { LoginBody, PasswordChangeBody } from '../api/auth.js';
import { AppError, badRequest, forbidden, unauthorized } from '../errors/app-error.js';
import { nowSeconds } from '../store/ids.js';
import type { Store } from '../store/store.js';
import type { LoginGuard } from './login-throttle.js';
import { decoyHash, hashPassword, needsRehash, verifyPassword } from './password-hash.js';
import { passwordProblem } from './password-rules.js';
import { isUniqueViolation } from '../store/unique-violation.js';
import { nameTaken } from './team-errors.js';

type TeamRole = 'owner' | 'admin' | 'member';

export interface LoginOutcome {
  user: { id: string; name: string; role: TeamRole };
  session: IssuedSession;
}

const WRONG = 'Wrong name or password.';

export class LoginService {
  private decoy: Promise<string> | undefined;

  constructor(
    private readonly store: Store,
    private readonly sessions: Pick<SessionsService, 'forUser' | 'revokeAll'>,
    private readonly throttle: LoginGuard,
  ) {}

  async login(body: z.infer<typeof LoginBody>, client: SessionClient): Promise<LoginOutcome> {
    await this.throttle.check(body.name, client.ip);
    const row = await this.store.passwords.findByLogin(body.name);
    const ok = row ? await verifyPassword(body.password, row.hash) : await this.decoyCheck(body.password);
    if (!row || !ok) {
      await this.throttle.failed(body.name, client.ip);
      throw new AppError(401, 'authentication_error', WRONG, { code: 'invalid_credentials' });
    }
    await this.throttle.succeeded(body.name);
    if (row.disabled_at !== null) throw forbidden('This account is disabled. Ask an admin to enable it.', 'account_disabled');
    if (row.role === 'guest') throw unauthorized(WRONG);
    // Raised parameters take effect at each member's next login.
    if (needsRehash(row.hash)) await this.store.passwords.set(row.user_id, row.name, await hashPassword(body.password), nowSeconds());
    const user = { id: row.user_id, name: row.name, role: row.role as TeamRole };
    return { user, session: await this.sessions.forUser(user.id, user.role, client) };
  }

  /**
   * Sets the caller's password. The current one is required when there is one (and wrong guesses count
   * against the login throttle); every session of the account ends, and a caller on a session gets a fresh one.
   */
  async change(principal: Principal, body: z.infer<typeof PasswordChangeBody>, client: SessionClient) {
    const user = await this.store.users.get(principal.userId);
    if (!user || user.role === 'guest') throw forbidden('A guest account has no password. Turn it into a named account first.', 'guest_account');
    const current = await this.store.passwords.hashOf(user.id);
    if (current !== undefined) {
      await this.throttle.check(user.name, client.ip);
      if (body.current_password === undefined) throw badRequest('`current_password` is required to change a password.', 'current_password', 'missing_current_password');
      if (!(await verifyPassword(body.current_password, current))) {
        await this.throttle.failed(user.name, client.ip);
        throw badRequest('The current password is wrong.', 'current_password', 'invalid_current_password');
      }
    }
    const problem = passwordProblem(body.new_password, user.name);
    if (problem) throw badRequest(problem, 'new_password', 'weak_password');
    const hash = await hashPassword(body.new_password);
    try {
      await this.store.passwords.set(user.id, user.name, hash, nowSeconds());
    } catch (error) {
      throw isUniqueViolation(error) ? nameTaken(user.name) : error;
    }
    const ended = (await this.sessions.revokeAll(principal)).revoked;
    const session = principal.method === 'session' ? await this.sessions.forUser(user.id, user.role, client) : undefined;
    return { result: { object: 'password.changed' as const, sessions_ended: session ? ended - 1 : ended }, session };
  }

  private async decoyCheck(password: string): Promise<false> {
    this.decoy ??= decoyHash();
    await verifyPassword(password, await this.decoy);
    return false;
  }
}

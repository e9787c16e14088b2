import { forbidden } from '../errors/app-error.js';
import type { LoginLinks } from './login-links.js';
import type { TokenSigner } from './token-signer.js';
import type { UsersService } from './users-service.js';

export interface SessionsOptions {
  signer: TokenSigner;
  users: UsersService;
  loginLinks: LoginLinks;
  ownerId: string;
  guestLoginEnabled: boolean;
  tokenTtlSeconds: number;
  sessionTtlSeconds: number;
}

/** Issues the server's tokens: guest access tokens and the dashboard's session from a one-time link. */
export class SessionsService {
  constructor(private readonly options: SessionsOptions) {}

  async guestLogin() {
    if (!this.options.guestLoginEnabled) {
      throw forbidden('Guest login is switched off on this server (JAN_GUEST_LOGIN). Use an API key.', 'guest_login_disabled');
    }
    const guest = this.options.users.createGuest();
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

  /** A session token for the owner if `loginToken` is a live one-time link token; undefined otherwise. */
  async dashboardSession(loginToken: string): Promise<{ token: string; maxAgeSeconds: number } | undefined> {
    if (!this.options.loginLinks.redeem(loginToken)) return undefined;
    const ttl = this.options.sessionTtlSeconds;
    const token = await this.options.signer.sign({ userId: this.options.ownerId, role: 'admin', kind: 'session' }, ttl);
    return { token, maxAgeSeconds: ttl };
  }

  newLoginLinkToken(): string {
    return this.options.loginLinks.issue();
  }
}

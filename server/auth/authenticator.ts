import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiKeysService } from './api-keys-service.js';
import type { Principal } from './principal.js';
import type { SessionsService } from './sessions-service.js';
import type { TokenSigner } from './token-signer.js';
import type { UsersService } from './users-service.js';

export interface Credentials {
  /** `Authorization: Bearer …`: an API key or an access token. */
  bearer?: string | undefined;
  /** `X-API-Key`. */
  apiKey?: string | undefined;
  /** The dashboard session cookie. */
  session?: string | undefined;
}

export interface AuthenticatorOptions {
  /** False when `JAN_AUTH=off`: every request is the owner. */
  enabled: boolean;
  ownerId: string;
  /** `JAN_API_KEY`, an extra admin key; empty for none. */
  adminKey: string;
  apiKeys: ApiKeysService;
  /** Checks dashboard session cookies against their rows (revocation). */
  sessions: Pick<SessionsService, 'verify'>;
  signer: TokenSigner;
  users: UsersService;
}

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** Decides who a request is. `undefined` = no or invalid credentials. */
export class Authenticator {
  private readonly adminKeyDigest: Buffer | undefined;

  constructor(private readonly options: AuthenticatorOptions) {
    this.adminKeyDigest = options.adminKey ? digest(options.adminKey) : undefined;
  }

  get enabled(): boolean {
    return this.options.enabled;
  }

  async authenticate(credentials: Credentials): Promise<Principal | undefined> {
    if (!this.options.enabled) return { userId: this.options.ownerId, role: 'owner', method: 'none' };
    // OpenAI clients send any key as a bearer, so the configured admin key (free-form, not `sk_…`) is a
    // key there too, not a token.
    const bearer = credentials.bearer;
    const bearerIsKey = bearer !== undefined && (bearer.startsWith('sk_') || this.isAdminKey(bearer));
    const key = credentials.apiKey ?? (bearerIsKey ? bearer : undefined);
    if (key !== undefined) return this.verifyKey(key);
    if (credentials.bearer) return this.verifyAccessToken(credentials.bearer);
    if (credentials.session) return this.options.sessions.verify(credentials.session);
    return undefined;
  }

  /** Digests have equal length, so the comparison time does not depend on the key. */
  private isAdminKey(key: string): boolean {
    return this.adminKeyDigest !== undefined && timingSafeEqual(digest(key), this.adminKeyDigest);
  }

  /** Not async: the stored key's lookup is returned as it is, so the hot path adds no promise of its own. */
  private verifyKey(key: string): Principal | Promise<Principal | undefined> {
    if (this.isAdminKey(key)) return { userId: this.options.ownerId, role: 'owner', method: 'apikey' };
    return this.options.apiKeys.verify(key);
  }

  private async verifyAccessToken(token: string): Promise<Principal | undefined> {
    const claims = await this.options.signer.verify(token, 'access');
    // The user must still exist and be enabled (and its role is read fresh, e.g. after a guest upgrade).
    const user = claims && (await this.options.users.get(claims.userId));
    return user && user.disabled_at === null ? { userId: user.id, role: user.role, method: 'jwt' } : undefined;
  }
}

/**
 * Signs and verifies the server's own tokens (guest access tokens, dashboard sessions) as HS256 JWTs with
 * jose. The secret is made once and kept in the settings table, so tokens survive a restart. A session
 * token names its row in the sessions table (`jti`); the signature keeps that id from being guessed or
 * swapped, so the ids themselves can be listed.
 */
import { randomBytes } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import type { SettingsRepo } from '../store/settings-repo.js';
import type { RepoApi } from '../store/store.js';
import type { Role } from '../store/users-repo.js';

export type TokenKind = 'access' | 'session';

export interface TokenClaims {
  userId: string;
  role: Role;
  kind: TokenKind;
  /** Sessions: the id of their row in the sessions table (the `jti`), so that they can be revoked. */
  sessionId?: string;
}

const ISSUER = 'jan-server-desktop';

export class TokenSigner {
  /** The signer over the stored secret (made and stored on first start). */
  static async open(settings: Pick<RepoApi<SettingsRepo>, 'getOrCreate'>): Promise<TokenSigner> {
    const encoded = await settings.getOrCreate('token_secret', () => randomBytes(32).toString('base64'));
    return new TokenSigner(Buffer.from(encoded, 'base64'));
  }

  private constructor(private readonly secret: Uint8Array) {}

  sign(claims: TokenClaims, ttlSeconds: number): Promise<string> {
    const jwt = new SignJWT({ role: claims.role, kind: claims.kind });
    if (claims.sessionId) jwt.setJti(claims.sessionId);
    return jwt
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(claims.userId)
      .setIssuer(ISSUER)
      .setIssuedAt()
      .setExpirationTime(`${ttlSeconds}s`)
      .sign(this.secret);
  }

  /** The claims of a valid, unexpired token of the given kind; undefined for anything else. */
  async verify(token: string, kind: TokenKind): Promise<TokenClaims | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.secret, { issuer: ISSUER, algorithms: ['HS256'] });
      if (payload.kind !== kind || typeof payload.sub !== 'string') return undefined;
      return { userId: payload.sub, role: payload.role as Role, kind, ...(typeof payload.jti === 'string' && { sessionId: payload.jti }) };
    } catch {
      return undefined;
    }
  }
}

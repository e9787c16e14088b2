import type { Authenticator } from '../auth/index.js';
import type { Principal } from '../auth/index.js';
import type { AppContext } from './types.js';

export const SESSION_COOKIE = 'jan_session';

/**
 * Reads the credentials of a request (Bearer, X-API-Key, dashboard cookie), resolves the principal once per
 * request, and tells the client who it was taken for (Jan's `X-Auth-Method` / `X-Principal-Id` headers).
 */
export async function authenticateRequest(ctx: AppContext, authenticator: Authenticator): Promise<Principal | undefined> {
  if (ctx.state.principal) return ctx.state.principal;
  const authorization = ctx.get('Authorization');
  const bearer = /^Bearer\s+(.+)$/i.exec(authorization)?.[1]?.trim();
  const principal = await authenticator.authenticate({
    bearer,
    apiKey: ctx.get('X-API-Key') || undefined,
    session: ctx.cookies.get(SESSION_COOKIE) || undefined,
  });
  if (principal) {
    ctx.state.principal = principal;
    ctx.set('X-Auth-Method', principal.method);
    ctx.set('X-Principal-Id', principal.userId);
    ctx.set('X-User-Id', principal.userId);
  }
  return principal;
}

import type { Authenticator } from '../auth/index.js';
import type { Principal } from '../auth/index.js';
import type { AppContext } from './types.js';

export const SESSION_COOKIE = 'jan_session';

/** HttpOnly (the page cannot read it) and SameSite=Strict (no other site can make the browser send it). */
const COOKIE_OPTIONS = { httpOnly: true, sameSite: 'strict', path: '/', overwrite: true } as const;

export function setSessionCookie(ctx: AppContext, token: string, maxAgeSeconds: number): void {
  ctx.cookies.set(SESSION_COOKIE, token, { ...COOKIE_OPTIONS, maxAge: maxAgeSeconds * 1000 });
}

export function clearSessionCookie(ctx: AppContext): void {
  ctx.cookies.set(SESSION_COOKIE, null, COOKIE_OPTIONS);
}

export function sessionCookie(ctx: AppContext): string | undefined {
  return ctx.cookies.get(SESSION_COOKIE) || undefined;
}

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
    session: sessionCookie(ctx),
  });
  if (principal) {
    ctx.state.principal = principal;
    ctx.res.setHeader('X-Auth-Method', principal.method); // not ctx.set: it allocates arrays on every call
    ctx.res.setHeader('X-Principal-Id', principal.userId);
    ctx.res.setHeader('X-User-Id', principal.userId);
  }
  return principal;
}

/**
 * CSRF guard for writes carried by an ambient credential: one the browser attaches by itself, so that a page
 * of another origin could make it write. That is the dashboard's session cookie (SameSite=Strict keeps other
 * sites out, but every port of 127.0.0.1 or localhost is the same site), and with `JAN_AUTH=off` the request
 * itself (anything that reaches the server is the local admin). Such a write (any method but GET, HEAD,
 * OPTIONS) must come from the server's own origin: `Origin` equal to the scheme, host and port the request
 * was sent to, or, without `Origin`, `Sec-Fetch-Site: same-origin`. Browsers send `Origin` with every
 * cross-origin request and every POST, and Sec-Fetch-Site with every request, so a page cannot hide.
 *
 * Only the own origin counts, never JAN_CORS_ORIGINS: those may call the API with an API key, which is a
 * header no other page can make a browser send. With auth off, a request with neither header is not from
 * a browser (curl, SDKs) and is served.
 */
import { forbidden } from '../errors/app-error.js';
import { SESSION_COOKIE } from './authenticate-request.js';
import type { AppContext } from './types.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** `login`: a public write that starts a cookie session (login, accepting an invitation), against login CSRF. */
export type AmbientCredential = 'session' | 'auth-off' | 'login';

/**
 * The ambient credential a write relies on, or undefined. A request with `Authorization` or `X-API-Key` is
 * authenticated by that header alone, never by the cookie; `authenticates` is false for endpoints that read
 * no credentials (guest login, presigned URLs, whose signature is the access).
 */
export function ambientCredential(ctx: AppContext, authEnabled: boolean, authenticates: boolean): AmbientCredential | undefined {
  if (SAFE_METHODS.has(ctx.method)) return undefined;
  const explicit = ctx.get('Authorization') !== '' || ctx.get('X-API-Key') !== '';
  if (!explicit && ctx.cookies.get(SESSION_COOKIE)) return 'session';
  return !authEnabled && authenticates ? 'auth-off' : undefined;
}

/** `scheme://host:port` of a URL, lower-cased and with the default port dropped; undefined when it is none. */
function originOf(url: string): string | undefined {
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

/** Throws 403 unless the write comes from the server's own origin (see the header). */
export function assertSameOrigin(ctx: AppContext, credential: AmbientCredential): void {
  const own = originOf(`${ctx.protocol}://${ctx.host}`);
  const origin = ctx.get('Origin');
  const site = ctx.get('Sec-Fetch-Site').toLowerCase();
  if (origin !== '') {
    if (own !== undefined && originOf(origin) === own) return;
  } else if (site === 'same-origin' || (site === '' && credential !== 'session')) {
    return;
  }
  const why =
    origin !== '' ? `Origin '${origin}' is not this server's origin (${own ?? ctx.host})`
    : site !== '' ? `Sec-Fetch-Site is '${site}', not 'same-origin'`
    : `the request names no origin (this server's is ${own ?? ctx.host})`;
  const rule =
    credential === 'session'
      ? 'The dashboard session only works from the dashboard; other clients send an API key.'
      : credential === 'login'
        ? "Logging in and accepting invitations only work from this server's own pages."
        : 'With JAN_AUTH=off, browsers may only write from the server itself.';
  throw forbidden(`Cross-origin write refused: ${why}. ${rule}`);
}

import { z } from 'zod';
import { notFound } from '../../errors/app-error.js';
import type { Services } from '../../create-services.js';
import { endpoint } from '../endpoint.js';
import { clearSessionCookie, sessionCookie, setSessionCookie } from '../authenticate-request.js';
import type { AppContext } from '../types.js';
import { DashboardFiles } from './dashboard-files.js';
import { dashboardPage } from './dashboard-page.js';

/** One file list per server (keyed by its services, like the OpenAPI document). */
const filesByServer = new WeakMap<Services, DashboardFiles>();

function dashboardFiles(services: Services): DashboardFiles {
  let files = filesByServer.get(services);
  if (!files) filesByServer.set(services, (files = new DashboardFiles()));
  return files;
}

/** Loads and compresses the built dashboard's files, so that its first load does not wait for that. */
export function warmDashboardFiles(services: Services): Promise<void> {
  return dashboardFiles(services).warm();
}

/**
 * The React app may only load its own bundle and talk to its own origin. Inline styles set from script
 * (CSSOM, as React and uPlot do) are not affected by `style-src`.
 */
const APP_CSP = [
  "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data: blob:", "connect-src 'self'",
  "font-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'",
].join('; ');
const PAGE_CSP = "default-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'";

function servePage(ctx: AppContext, services: Services, linkRejected: boolean): void {
  const app = linkRejected ? undefined : dashboardFiles(services).indexHtml();
  ctx.type = 'html';
  ctx.set('Content-Security-Policy', app ? APP_CSP : PAGE_CSP);
  ctx.set('X-Frame-Options', 'DENY');
  ctx.set('Referrer-Policy', 'no-referrer');
  // The built React app when there is one; the minimal page when the renderer is not built, and for a
  // rejected login link (it has to say why, whatever the app would do).
  ctx.body = app ?? dashboardPage({ loggedIn: ctx.state.principal !== undefined, linkRejected, version: services.health.version });
}

/**
 * The dashboard's entry. `/?token=…` (the one-time link printed at start) becomes an HttpOnly, SameSite=Strict
 * session cookie and a redirect to `/`, so the token leaves the address bar and cannot be replayed.
 */
export const index = endpoint({
  summary: 'The dashboard; `?token=` logs in with the one-time link printed at start.', tags: ['dashboard'],
  access: 'public', identify: true, query: z.object({ token: z.string().max(256).optional() }),
  handle: async ({ ctx, query }, s) => {
    ctx.set('Cache-Control', 'no-store');
    if (query.token !== undefined) {
      const session = await s.sessions.dashboardSession(query.token, { userAgent: ctx.get('User-Agent'), ip: ctx.ip });
      if (session) {
        setSessionCookie(ctx, session.token, session.maxAgeSeconds);
        ctx.redirect('/');
        return undefined;
      }
      ctx.status = 401;
    }
    servePage(ctx, s, query.token !== undefined);
    return undefined;
  },
});

/**
 * An invitation link (`/invite/<code>`): the dashboard's page itself, which renders the invitation form from
 * the path. The code stays out of any Referer (`Referrer-Policy: no-referrer`) and out of caches.
 */
export const invite = endpoint({
  summary: 'The invitation page (the dashboard, which shows the invitation form).', tags: ['dashboard'],
  // A code is base64url (see team/invitations-service.ts): anything else is not a link we gave out.
  access: 'public', identify: true, params: z.object({ code: z.string().regex(/^[A-Za-z0-9_-]{16,100}$/, 'not an invitation code') }),
  handle: ({ ctx }, s) => {
    ctx.set('Cache-Control', 'no-store');
    servePage(ctx, s, false);
    return undefined;
  },
});

/** The dashboard's built scripts and styles: content-hashed names, so they are cached for a year. */
export const asset = endpoint({
  summary: "The dashboard's static files (only those listed in its build manifest).", tags: ['dashboard'],
  access: 'public', params: z.object({ file: z.string().max(200) }),
  handle: async ({ ctx, params }, s) => {
    const file = dashboardFiles(s).assetBody(params.file);
    if (!file) throw notFound('file', params.file);
    ctx.type = file.type;
    ctx.set('Cache-Control', 'public, max-age=31536000, immutable');
    await file.body.respond(ctx);
    return undefined;
  },
});

/**
 * Ends the dashboard session on the server and clears its cookie (HttpOnly: the page cannot). Public: it
 * reads only the cookie, so it ends that session even when the request also carries an API key, and an
 * expired or garbled cookie is still cleared.
 */
export const logout = endpoint({
  summary: 'Log the dashboard out: ends the session (its cookie no longer works anywhere) and clears the cookie.',
  tags: ['dashboard'], access: 'public', status: 204,
  handle: async ({ ctx }, s) => {
    await s.sessions.logout(sessionCookie(ctx));
    clearSessionCookie(ctx);
    ctx.status = 204;
    return undefined;
  },
});

import { z } from 'zod';
import { endpoint } from '../endpoint.js';
import { SESSION_COOKIE } from '../middleware/authenticate.js';
import { dashboardPage } from './dashboard-page.js';

/**
 * The dashboard's entry. `/?token=…` (the one-time link printed at start) becomes an HttpOnly, SameSite=Strict
 * session cookie and a redirect to `/`, so the token leaves the address bar and cannot be replayed.
 */
export const index = endpoint({
  summary: 'The dashboard; `?token=` logs in with the one-time link printed at start.', tags: ['dashboard'],
  access: 'public', query: z.object({ token: z.string().max(256).optional() }),
  handle: async ({ ctx, query }, s) => {
    ctx.set('Cache-Control', 'no-store');
    if (query.token !== undefined) {
      const session = await s.sessions.dashboardSession(query.token);
      if (session) {
        ctx.cookies.set(SESSION_COOKIE, session.token, {
          httpOnly: true, sameSite: 'strict', path: '/', maxAge: session.maxAgeSeconds * 1000, overwrite: true,
        });
        ctx.redirect('/');
        return undefined;
      }
      ctx.status = 401;
    }
    ctx.type = 'html';
    ctx.set('Content-Security-Policy', "default-src 'self'; style-src 'unsafe-inline'");
    ctx.body = dashboardPage({ loggedIn: ctx.state.principal !== undefined, linkRejected: query.token !== undefined, version: s.health.version });
    return undefined;
  },
});

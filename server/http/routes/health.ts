import { Health, Healthz } from '../../api/health.js';
import { AppError } from '../../errors/app-error.js';
import { endpoint } from '../endpoint.js';
import { setBody } from '../response-body.js';

const tags = ['health'];

export const healthz = endpoint({
  summary: 'Liveness: the process answers.', tags, access: 'public', response: Healthz,
  handle: () => ({ status: 'ok' }),
});

export const readyz = endpoint({
  summary: 'Readiness: the database (and Redis, when set) answers and the server is not shutting down.', tags, access: 'public', response: Healthz,
  handle: async (_, s) => {
    const state = await s.readiness.check();
    if (state.ready) return { status: 'ok' };
    const why = state.draining ? 'The server is shutting down.' : `Not available: ${state.failing.join(', ')}.`;
    throw new AppError(503, 'service_unavailable_error', why, { retryAfter: 5 });
  },
});

export const health = endpoint({
  summary: 'Status, version, uptime and database state.', tags, access: 'public', response: Health,
  // Not async: probes call it many times a second, and an async frame costs Promises of its own.
  handle: ({ ctx }, s) =>
    s.health.health().then((report) => {
      if (report.status === 'unavailable') ctx.status = 503;
      setBody(ctx, report);
      return undefined;
    }),
});

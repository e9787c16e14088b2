import { Health, Healthz } from '../../api/health.js';
import { AppError } from '../../errors/app-error.js';
import { endpoint } from '../endpoint.js';

const tags = ['health'];

export const healthz = endpoint({
  summary: 'Liveness: the process answers.', tags, access: 'public', response: Healthz,
  handle: () => ({ status: 'ok' }),
});

export const readyz = endpoint({
  summary: 'Readiness: the database answers.', tags, access: 'public', response: Healthz,
  handle: (_, s) => {
    if (!s.health.ready()) throw new AppError(503, 'service_unavailable_error', 'The database is not available.', { retryAfter: 5 });
    return { status: 'ok' };
  },
});

export const health = endpoint({
  summary: 'Status, version, uptime and database state.', tags, access: 'public', response: Health,
  handle: ({ ctx }, s) => {
    const report = s.health.health();
    if (report.status === 'unavailable') ctx.status = 503;
    ctx.body = report;
    return undefined;
  },
});

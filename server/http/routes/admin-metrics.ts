/**
 * The dashboard's live KPIs (admin only): a snapshot, an SSE stream of snapshots (one a second, the first
 * at once), the SLA report and the hourly history.
 *
 * The stream is written by http/sse.ts after the handler returns, so the request timeout only covers its
 * set-up and never cuts it; it ends when the client goes away (the request's signal) or at shutdown.
 * Event streams are never compressed.
 */
import { KpiSnapshot, KpiWindowQuery, MetricsHistory, MetricsHistoryQuery, SlaReport } from '../../api/kpi.js';
import { endpoint } from '../endpoint.js';
import { streamEvents } from '../sse.js';

const tags = ['admin'];

export const snapshot = endpoint({
  summary: 'Live KPIs over a sliding window (1m, 5m or 1h): requests, percentiles per route, caches, LLM, database, resources.',
  tags, access: 'admin', query: KpiWindowQuery, response: KpiSnapshot,
  handle: ({ query }, s) => s.kpi.snapshot(query.window),
});

export const stream = endpoint({
  summary: 'Server-sent events: one KPI snapshot (`data: {…}`) a second, the first at once, until the client disconnects.',
  tags, access: 'admin', query: KpiWindowQuery,
  handle: ({ query, ctx }, s) => {
    streamEvents(ctx, (send) => s.kpi.streams.run(query.window, send, ctx.state.signal));
    return undefined;
  },
});

export const sla = endpoint({
  summary: 'The guide\'s targets beside live figures, month-to-date availability, error budget, daily peaks, slowest routes.',
  tags, access: 'admin', query: KpiWindowQuery, response: SlaReport,
  handle: ({ query }, s) => s.sla.report(query.window),
});

export const history = endpoint({
  summary: 'Hourly rollups of the last N hours (default 24, at most 744), per route and for all requests (`*`).',
  tags, access: 'admin', query: MetricsHistoryQuery, response: MetricsHistory,
  handle: ({ query }, s) => s.sla.history(query.hours),
});

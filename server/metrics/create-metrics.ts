/**
 * One prom-client registry per server (never the global default), holding every metric of DESIGN.md that
 * exists so far. Created in start-server.ts and passed down.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Buckets spanning the guide's targets, from health (5 ms p50) to chat (10 s p99). */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const QUERY_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.1, 0.5];

export interface MetricsOptions {
  /** Reports whether the database connection is open (for the connection gauges). */
  databaseOpen?: () => boolean;
}

export function createMetrics(options: MetricsOptions = {}) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'jan_' });
  const registers = [registry];
  const databaseOpen = options.databaseOpen ?? (() => false);
  return {
    registry,
    requestsTotal: new Counter({
      name: 'jan_requests_total', help: 'HTTP requests answered, by route template.',
      labelNames: ['method', 'route', 'status'] as const, registers,
    }),
    requestDuration: new Histogram({
      name: 'jan_request_duration_seconds', help: 'Time from request to the last byte of the response, by route template.',
      labelNames: ['method', 'route'] as const, buckets: LATENCY_BUCKETS, registers,
    }),
    errorsTotal: new Counter({
      name: 'jan_errors_total', help: 'Requests answered with a 4xx or 5xx status, by error type.',
      labelNames: ['route', 'status', 'type'] as const, registers,
    }),
    activeConnections: new Gauge({ name: 'jan_active_connections', help: 'Open TCP connections.', registers }),
    requestsInFlight: new Gauge({ name: 'jan_requests_in_flight', help: 'Requests being handled now.', registers }),
    dbQueryDuration: new Histogram({
      name: 'jan_db_query_duration_seconds', help: 'Time of each store operation.',
      labelNames: ['operation'] as const, buckets: QUERY_BUCKETS, registers,
    }),
    // better-sqlite3 is synchronous and has one connection: it is never seen busy from the event loop,
    // so "active" is 0 and "idle" is 1 while the database is open.
    dbConnectionsActive: new Gauge({
      name: 'jan_db_connections_active', help: 'Database connections running a query.', registers,
      collect() { this.set(0); },
    }),
    dbConnectionsIdle: new Gauge({
      name: 'jan_db_connections_idle', help: 'Open database connections not running a query.', registers,
      collect() { this.set(databaseOpen() ? 1 : 0); },
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

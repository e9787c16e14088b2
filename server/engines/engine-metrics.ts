/**
 * Per-engine metrics, registered in the server's one registry (server/metrics/) when the engines service is
 * made, labelled by engine name: requests, errors by kind, in flight, latency to the last byte, and up.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** From a quick embedding on a LAN box (10 ms) to a long generation (60 s, the request cap). */
const BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/** `check`: a failed health check; the others are failed requests. */
export const ENGINE_ERROR_KINDS = ['check', 'connect', 'timeout', 'status_5xx', 'auth', 'stream', 'bad_body'] as const;
export type EngineErrorKind = (typeof ENGINE_ERROR_KINDS)[number];

export function createEngineMetrics(registry: Registry) {
  const registers = [registry];
  return {
    requests: new Counter({
      name: 'jan_engine_requests_total', help: 'Requests sent to a remote inference engine, by engine.',
      labelNames: ['engine'] as const, registers,
    }),
    errors: new Counter({
      name: 'jan_engine_errors_total', help: 'Failed requests and health checks of a remote inference engine, by engine and kind.',
      labelNames: ['engine', 'kind'] as const, registers,
    }),
    inFlight: new Gauge({
      name: 'jan_engine_requests_in_flight', help: 'Requests a remote inference engine is answering now, by engine.',
      labelNames: ['engine'] as const, registers,
    }),
    duration: new Histogram({
      name: 'jan_engine_request_duration_seconds', help: 'Time from sending a request to an engine to the last byte of its answer, by engine.',
      labelNames: ['engine'] as const, buckets: BUCKETS, registers,
    }),
    up: new Gauge({
      name: 'jan_engine_up', help: '1 while a remote inference engine takes requests, 0 while it is ejected, by engine.',
      labelNames: ['engine'] as const, registers,
    }),
  };
}

export type EngineMetrics = ReturnType<typeof createEngineMetrics>;

/**
 * NDJSON streams, as Ollama's API sends them: `Content-Type: application/x-ndjson`, one JSON object per line,
 * each written as it is produced. Like sse.ts, the response bypasses Koa's body handling (nothing buffers or
 * compresses it). An error after the headers are out is sent as one last `{"error":"message"}` line (Ollama's
 * shape), and the stream ends.
 *
 * The producer runs after the handler has returned: the request timeout covers the wait for a slot but never
 * cuts a stream that has started; a client that goes away aborts the request's signal, which stops generation
 * and frees the slot.
 */
import type { Logger } from 'pino';
import { AppError } from '../errors/app-error.js';
import type { Metrics } from '../metrics/create-metrics.js';
import type { NdjsonProducer } from '../ollama/index.js';
import type { AppContext } from './types.js';

export interface NdjsonOptions {
  metrics?: Metrics;
  logger?: Logger;
}

export function streamLines(ctx: AppContext, produce: NdjsonProducer, options: NdjsonOptions = {}): void {
  const res = ctx.res;
  if (res.headersSent || ctx.state.signal.aborted) {
    // Timed out (and answered) or the client left while we waited for a slot: run the producer with nowhere
    // to write, so that its generation sees the aborted signal and frees the slot.
    void produce(() => undefined).catch(() => undefined);
    return;
  }
  ctx.respond = false;
  res.writeHead(200, {
    'Content-Type': 'application/x-ndjson',
    'Cache-Control': 'no-cache, no-transform',
    'X-Accel-Buffering': 'no',
  });
  res.flushHeaders();
  options.metrics?.activeStreams.inc();
  const send = (line: object) => {
    if (!res.writableEnded && !res.destroyed) res.write(`${JSON.stringify(line)}\n`);
  };
  const run = async () => {
    try {
      await produce(send);
    } catch (error) {
      if (ctx.state.signal.aborted && (!(error instanceof AppError) || error.status === 499)) return; // the client is gone
      if (!(error instanceof AppError)) options.logger?.error({ err: error, requestId: ctx.state.requestId }, 'stream failed');
      send({ error: error instanceof AppError ? error.message : 'The server had an error while generating the response.' });
    } finally {
      options.metrics?.activeStreams.dec();
      if (!res.writableEnded) res.end();
    }
  };
  void run();
}

/**
 * Server-sent event streams. The response bypasses Koa's body handling (`ctx.respond = false`) so nothing
 * buffers or compresses it: the headers go out at once and every event is written as it is produced.
 *
 * Framing: `data: <json>\n\n`, or `event: <name>\ndata: <json>\n\n` for named events (the Responses API);
 * chat and completions end with `data: [DONE]\n\n`. An error after the headers are out is sent as one
 * `data: {"error":…}` frame (the OpenAI envelope, or the route's own `errorFrame`), and the stream ends.
 *
 * The producer runs after the handler has returned, so the request timeout covers the wait for a slot but
 * never cuts a stream that has started; a client that goes away aborts the request's signal, which stops
 * generation and frees the slot.
 */
import type { Logger } from 'pino';
import { AppError } from '../errors/app-error.js';
import { asStorageFull } from '../errors/storage-errors.js';
import type { Metrics } from '../metrics/create-metrics.js';
import type { SseProducer } from '../inference/index.js';
import { errorEnvelope } from './middleware/error-handler.js';
import type { AppContext } from './types.js';

export interface SseOptions {
  /** Written after the producer finishes (`[DONE]` for chat and completions). */
  done?: string;
  metrics?: Metrics;
  logger?: Logger;
  /** The producer failed for lack of disk space (SQLITE_FULL, ENOSPC, EDQUOT); the frame says 507. */
  onStorageFull?: () => void;
  /** The error frame in another API's shape (Anthropic's `event: error`); default OpenAI's `data: {"error":…}`. */
  errorFrame?: (error: AppError) => { data: unknown; event?: string };
}

function frame(data: unknown, event?: string): string {
  const payload = typeof data === 'string' ? data : JSON.stringify(data);
  return `${event ? `event: ${event}\n` : ''}data: ${payload}\n\n`;
}

export function streamEvents(ctx: AppContext, produce: SseProducer, options: SseOptions = {}): void {
  const res = ctx.res;
  if (res.headersSent || ctx.state.signal.aborted) {
    // The request timed out (and was answered) or the client left while we waited for a slot: run the
    // producer with nowhere to write so that its generation sees the aborted signal and frees the slot.
    void produce(() => undefined).catch(() => undefined);
    return;
  }
  ctx.respond = false;
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  res.flushHeaders();
  options.metrics?.activeStreams.inc();
  const send = (data: unknown, event?: string) => {
    if (!res.writableEnded && !res.destroyed) res.write(frame(data, event));
  };
  const run = async () => {
    try {
      await produce(send);
      if (options.done && !ctx.state.signal.aborted) send(options.done);
    } catch (error) {
      if (ctx.state.signal.aborted && (!(error instanceof AppError) || error.status === 499)) return; // the client is gone
      const full = asStorageFull(error);
      if (full) options.onStorageFull?.();
      const appError = full ?? (error instanceof AppError
        ? error
        : new AppError(500, 'server_error', 'The server had an error while generating the response.', { code: 'internal_error' }));
      if (!(error instanceof AppError)) options.logger?.error({ err: error, requestId: ctx.state.requestId }, 'stream failed');
      const errorFrame = options.errorFrame?.(appError) ?? { data: errorEnvelope(appError) };
      send(errorFrame.data, errorFrame.event);
    } finally {
      options.metrics?.activeStreams.dec();
      if (!res.writableEnded) res.end();
    }
  };
  void run();
}

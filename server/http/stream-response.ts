/**
 * A streamed response, whatever its framing (server-sent events in sse.ts, NDJSON in ndjson.ts). It bypasses
 * Koa's body handling (`ctx.respond = false`) so nothing buffers or compresses it: the headers go out at once
 * and every frame is written as it is produced. An error after the headers are out is written as one last
 * frame in the format's own error shape, and the stream ends.
 *
 * The producer runs after the handler has returned, so the request timeout covers the wait for a slot but
 * never cuts a stream that has started; a client that goes away aborts the request's signal, which stops
 * generation and frees the slot.
 */
import type { OutgoingHttpHeaders } from 'node:http';
import type { Logger } from 'pino';
import { AppError } from '../errors/app-error.js';
import { asStorageFull } from '../errors/storage-errors.js';
import type { Metrics } from '../metrics/create-metrics.js';
import type { AppContext } from './types.js';

/** Writes one frame; `event` names it where the format has names (SSE). */
export type StreamSend = (data: unknown, event?: string) => void;
export type StreamProducer = (send: StreamSend) => Promise<void>;

export interface StreamFormat {
  headers: OutgoingHttpHeaders;
  frame(data: unknown, event?: string): string;
  /** The last frame when the producer fails after the headers are out. */
  errorFrame(error: AppError): { data: unknown; event?: string };
}

export interface StreamOptions {
  /** Written after the producer finishes (`[DONE]` for chat and completions). */
  done?: string;
  metrics?: Metrics;
  logger?: Logger;
  /** The producer failed for lack of disk space (SQLITE_FULL, ENOSPC, EDQUOT); the error frame says 507. */
  onStorageFull?: () => void;
}

export function streamResponse(ctx: AppContext, produce: StreamProducer, format: StreamFormat, options: StreamOptions = {}): void {
  const res = ctx.res;
  if (res.headersSent || ctx.state.signal.aborted) {
    // The request timed out (and was answered) or the client left while we waited for a slot: run the
    // producer with nowhere to write so that its generation sees the aborted signal and frees the slot.
    void produce(() => undefined).catch(() => undefined);
    return;
  }
  ctx.respond = false;
  res.writeHead(200, format.headers);
  res.flushHeaders();
  options.metrics?.activeStreams.inc();
  const send: StreamSend = (data, event) => {
    if (!res.writableEnded && !res.destroyed) res.write(format.frame(data, event));
  };
  const run = async () => {
    try {
      await produce(send);
      if (options.done && !ctx.state.signal.aborted) send(options.done);
    } catch (error) {
      if (ctx.state.signal.aborted && (!(error instanceof AppError) || error.status === 499)) {
        // The client is gone. A failure other than the abort itself (the producer's closing store write, made
        // when the client left after the generation) has no one to tell, so the log says it.
        if (!(error instanceof AppError) && (error as Error | undefined)?.name !== 'AbortError') {
          options.logger?.error({ err: error, requestId: ctx.state.requestId }, 'stream failed after the client left');
        }
        return;
      }
      const full = asStorageFull(error);
      if (full) options.onStorageFull?.();
      const appError = full ?? (error instanceof AppError
        ? error
        : new AppError(500, 'server_error', 'The server had an error while generating the response.', { code: 'internal_error' }));
      if (!(error instanceof AppError)) options.logger?.error({ err: error, requestId: ctx.state.requestId }, 'stream failed');
      const last = format.errorFrame(appError);
      send(last.data, last.event);
    } finally {
      options.metrics?.activeStreams.dec();
      if (!res.writableEnded) res.end();
    }
  };
  void run();
}

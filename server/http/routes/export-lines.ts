/**
 * Reads an import body as lines: gunzips it when it says `Content-Encoding: gzip` (an export saved
 * compressed can be sent as it is), counts the decompressed bytes against the limit (413 beyond it), and
 * refuses a single line longer than `maxLineBytes` (400) instead of buffering it whole.
 *
 * A gzip body is inflated twice: once for the lines, at the pace of the import (which parses and stores each
 * line), and once by a counter that only adds up the decompressed size and runs ahead by up to
 * READ_AHEAD_BYTES of compressed input; the lines wait until the counter is that far ahead or done. So a bomb
 * (a megabyte of gzip that expands to gigabytes of empty lines) is refused as soon as zlib has inflated past the
 * limit, not after the import has worked through that much (which took longer than the 60 s timeout: a 503).
 * Whatever ends the read (the limit, a bad line, the client leaving, the timeout) destroys both inflaters and
 * drains what the client still sends, so the connection stays usable.
 */
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { createGunzip, type ZlibOptions } from 'node:zlib';
import { AppError, badRequest } from '../../errors/app-error.js';

/** Media types an import body may have: JSON Lines under its various names, and JSON. */
const LINE_TYPES = /^application\/(x-ndjson|jsonl|x-jsonlines|json)\s*(;|$)/i;

/**
 * Compressed bytes the counter may be ahead of the line reader (held in memory meanwhile). At gzip's best
 * ratio (about 1,000:1) that is gigabytes of lead: a bomb is counted out before the import has begun.
 */
const READ_AHEAD_BYTES = 8 * 1024 * 1024;
/** The counter inflates this much per event-loop turn (a turn per piece, so large pieces: few turns per GiB). */
const COUNT_PIECE_BYTES = 1024 * 1024;
/**
 * The line reader lets the event loop run after this long: lines already inflated are handed over without
 * one (promise continuations only), and the counter and every other request need turns.
 */
const TURN_MS = 5;

export function checkImportType(req: IncomingMessage): void {
  const type = req.headers['content-type'];
  // Not text/plain or an untyped body: those a page of another origin can send without asking (CSRF).
  if (type === undefined || !LINE_TYPES.test(type)) {
    const message = `Content-Type must be application/x-ndjson (JSON Lines)${type === undefined ? '; this request has none' : `, not '${type}'`}.`;
    throw new AppError(415, 'invalid_request_error', message, { code: 'unsupported_media_type' });
  }
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && !/^(gzip|identity)$/i.test(encoding)) {
    throw new AppError(415, 'invalid_request_error', `Content-Encoding must be gzip or identity, not '${encoding}'.`, { code: 'unsupported_encoding' });
  }
}

const tooLarge = (maxBytes: number, gzipped: boolean) =>
  new AppError(413, 'invalid_request_error', `The import is larger than ${maxBytes} bytes${gzipped ? ' (after decompression)' : ''}.`, {
    code: 'request_too_large',
  });

/** An import body being read: its bytes (decompressed), and why reading it ended early (`failure()`). */
interface Body {
  source: Readable;
  /** Settles when the lines may be read (see CountedGunzip.ready). */
  ready: Promise<void>;
  failure(): unknown;
  stop(): void;
}

/**
 * A gzip request body inflated twice (see the header): `output` for the lines, and a counter. `ready` settles
 * when the counter has counted the whole body or is READ_AHEAD_BYTES of compressed input ahead, so that a bomb
 * that fits in the read-ahead is counted with no line reader competing for the CPU.
 */
class CountedGunzip implements Body {
  readonly source = createGunzip({ writableHighWaterMark: READ_AHEAD_BYTES } as ZlibOptions);
  readonly ready: Promise<void>;
  private readonly counter = createGunzip({ chunkSize: COUNT_PIECE_BYTES });
  private reason: unknown;
  private counted = 0;

  constructor(
    private readonly req: IncomingMessage,
    private readonly maxBytes: number,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.counter.on('data', (chunk: Buffer) => {
      this.counted += chunk.length;
      if (this.counted > maxBytes) this.stop(tooLarge(maxBytes, true));
    });
    this.counter.on('error', () => {}); // the line inflater meets the same bad bytes and reports them where they are
    this.source.on('error', () => {}); // stopped before the reader iterates it: the reader asks failure() first
    req.pipe(this.counter);
    req.pipe(this.source);
    this.ready = new Promise((resolve) => {
      this.counter.once('end', resolve).once('close', resolve);
      const aheadEnough = () => this.source.writableLength >= READ_AHEAD_BYTES && resolve();
      req.on('data', aheadEnough);
      this.source.once('close', () => req.off('data', aheadEnough));
    });
    req.on('error', this.stop).on('close', this.onClose);
    signal?.addEventListener('abort', this.onAbort, { once: true });
    if (signal?.aborted) this.onAbort();
  }

  failure(): unknown {
    return this.reason;
  }

  /** Ends the reading for `reason` (none: finished): both inflaters go, and what the client still sends is dropped. */
  readonly stop = (reason?: unknown): void => {
    this.reason ??= reason;
    this.signal?.removeEventListener('abort', this.onAbort);
    this.req.off('error', this.stop).off('close', this.onClose);
    this.req.unpipe(this.counter).unpipe(this.source);
    this.counter.destroy();
    this.source.destroy(reason as Error | undefined);
    // Read and dropped, so that the answer reaches the client on a connection it can use again.
    if (!this.req.readableEnded && !this.req.destroyed) this.req.resume();
  };

  private readonly onAbort = () => this.stop(this.signal!.reason);
  private readonly onClose = () => {
    if (!this.req.readableEnded) this.stop(new Error('The client disconnected before the import was sent.'));
  };
}

/** A plain body is read as it comes; leaving early drops the rest (not the socket: the answer must get out). */
function plainBody(req: IncomingMessage): Body {
  const stop = () => {
    if (!req.readableEnded && !req.destroyed) req.resume();
  };
  return { source: req, ready: Promise.resolve(), failure: () => undefined, stop };
}

export async function* readLines(req: IncomingMessage, maxBytes: number, maxLineBytes: number, signal?: AbortSignal): AsyncGenerator<string> {
  const gzipped = /^gzip$/i.test(req.headers['content-encoding'] ?? '');
  const body = gzipped ? new CountedGunzip(req, maxBytes, signal) : plainBody(req);
  let total = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let turn = performance.now();
  try {
    await body.ready;
    if (body.failure() !== undefined) throw body.failure();
    // Not the request's own iterator for a plain body: leaving it early would destroy the socket, answer and all.
    for await (const chunk of body.source.iterator({ destroyOnReturn: gzipped }) as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > maxBytes) throw tooLarge(maxBytes, gzipped);
      let start = 0;
      for (let newline = chunk.indexOf(10); newline !== -1; newline = chunk.indexOf(10, start)) {
        pending.push(chunk.subarray(start, newline));
        yield Buffer.concat(pending).toString('utf8');
        if (performance.now() - turn > TURN_MS) {
          await new Promise((resolve) => setImmediate(resolve));
          turn = performance.now();
        }
        if (body.failure() !== undefined) throw body.failure();
        pending = [];
        pendingBytes = 0;
        start = newline + 1;
      }
      pending.push(chunk.subarray(start));
      pendingBytes += chunk.length - start;
      if (pendingBytes > maxLineBytes) throw badRequest(`A line of the import is longer than ${maxLineBytes} bytes.`, null, 'line_too_long');
    }
  } catch (error) {
    const reason = body.failure() ?? error;
    if (reason instanceof AppError || signal?.aborted) throw reason;
    throw badRequest(`Could not read the import: ${(reason as Error).message}`, null, 'invalid_body');
  } finally {
    body.stop();
  }
  if (pendingBytes > 0) yield Buffer.concat(pending).toString('utf8');
}

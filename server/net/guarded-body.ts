/**
 * A response body as the fetcher hands it out: bytes are counted as they pass (the cap holds even when the
 * server sent no Content-Length or a chunked body), each chunk restarts the stall timer and reports
 * progress, a body shorter than its Content-Length fails, and socket errors become FetchErrors. Closing the
 * body, however it ends, stops the fetch's timers and closes the socket.
 *
 * A body with a Content-Length (and no Transfer-Encoding) is read straight from the socket once the headers
 * are parsed (`directBody`): Node's HTTP parser copies every body chunk into a new buffer and passes it
 * through the IncomingMessage stream and then this module's Transform. Skipping those took a 182 MB hub pull
 * from about 0.65x to about 0.85x of curl's throughput on the bench (test/load/hub-bench.ts). The bytes are
 * the same: with a Content-Length the body is the next `contentLength` bytes on the connection (sockets are
 * never pooled or reused, see outbound-fetcher.ts). What still separates it from curl is mostly the socket
 * allocating a new 64 KiB buffer per read: a prototype reading into one reused buffer (`onread`) used about
 * half the CPU, but its buffers must outlive the asynchronous disk write, which needs a pool this module has not.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { Readable, Transform } from 'node:stream';
import { FetchError } from './fetch-error.js';
import type { FetchGuard } from './fetch-guard.js';

export interface BodyLimits {
  url: string;
  /** Where the body starts in the entity (a resumed download's offset). */
  offset: number;
  contentLength: number | undefined;
  totalBytes: number | null;
  maxBytes: number | undefined;
  onProgress: ((receivedBytes: number, totalBytes: number | null) => void) | undefined;
}

/** A socket or HTTP error, named as the fetcher's (a FetchError passes unchanged). */
export function networkError(error: Error, url: URL | string): FetchError {
  if (error instanceof FetchError) return error;
  const href = typeof url === 'string' ? url : url.href;
  const host = typeof url === 'string' ? undefined : url.hostname.replace(/^\[|\]$/g, '');
  return new FetchError('failed', `Could not fetch ${href}: ${error.message}`, { reason: 'network', url: href, ...(host && { host }), cause: error });
}

export function guardedBody(res: IncomingMessage, limits: BodyLimits, guard: FetchGuard): Readable {
  if (limits.contentLength !== undefined && res.headers['transfer-encoding'] === undefined && res.socket && !res.complete) {
    return directBody(res, res.socket as Socket, limits.contentLength, limits, guard);
  }
  const { url, offset, contentLength, totalBytes, maxBytes, onProgress } = limits;
  let received = 0;
  const body = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      received += chunk.length;
      if (maxBytes !== undefined && offset + received > maxBytes) {
        return callback(new FetchError('too_large', `${url} is larger than ${maxBytes} bytes.`, { url }));
      }
      guard.kick();
      onProgress?.(offset + received, totalBytes);
      callback(null, chunk);
    },
    flush(callback) {
      if (contentLength !== undefined && received < contentLength) {
        return callback(new FetchError('failed', `${url} ended after ${received} of ${contentLength} bytes.`, { reason: 'truncated', url }));
      }
      callback();
    },
  });
  res.on('error', (error) => body.destroy(networkError(error, url)));
  body.once('close', () => {
    guard.stop();
    res.destroy();
  });
  guard.aim((error) => body.destroy(error));
  res.pipe(body);
  return body;
}

/** Larger than a socket read (64 KiB), so a slow disk stops the socket only after a few reads. */
const DIRECT_HIGH_WATER = 1 << 20;
const EMPTY = Buffer.alloc(0);
const MAX_WAIT_TURNS = 500;

/**
 * The body read from the socket itself (see the module header). From here on the HTTP parser sees nothing:
 * the socket's `push`, where Node hands over each read, is taken over, so a chunk reaches the body without
 * a copy or a stream in between. When the body is full, `false` stops the socket's reads (as a full stream
 * does), and the body's next `read()` starts them again with an empty push, which clears the socket stream's
 * reading flag so that it asks its handle for more (stream.push() documents an empty chunk as "no data").
 */
function directBody(res: IncomingMessage, socket: Socket, contentLength: number, limits: BodyLimits, guard: FetchGuard): Readable {
  const { url, offset, totalBytes, maxBytes, onProgress } = limits;
  let received = 0;
  let finished = false;
  let stopped = false;
  const socketPush = socket.push.bind(socket);
  const body = new Readable({
    highWaterMark: DIRECT_HIGH_WATER,
    read() {
      if (!stopped || finished || socket.destroyed) return;
      stopped = false;
      socketPush(EMPTY);
    },
  });
  /** One chunk of the body; false when the body is full (or done). */
  const take = (chunk: Buffer): boolean => {
    if (finished || failure || body.destroyed) return false;
    const room = contentLength - received;
    if (chunk.length > room) chunk = chunk.subarray(0, room); // nothing after the Content-Length belongs to the body
    received += chunk.length;
    if (maxBytes !== undefined && offset + received > maxBytes) {
      body.destroy(new FetchError('too_large', `${url} is larger than ${maxBytes} bytes.`, { url }));
      return false;
    }
    guard.kick();
    onProgress?.(offset + received, totalBytes);
    const more = chunk.length === 0 || body.push(chunk);
    if (received === contentLength) {
      finished = true;
      body.push(null);
      return false;
    }
    return more;
  };
  // The bytes that did arrive reach the reader before the error does (a resumable download keeps them):
  // the body fails once its buffer is read, at once when it holds nothing, and after a few hundred turns of
  // the event loop at most (a reader that stopped reading does not keep it waiting).
  let failure: FetchError | undefined;
  const fail = (error: FetchError) => {
    if (finished || failure) return;
    failure = error;
    let turns = 0;
    const failWhenRead = () => {
      if (body.destroyed) return;
      if (body.readableLength === 0 || ++turns > MAX_WAIT_TURNS) body.destroy(error);
      else setImmediate(failWhenRead);
    };
    failWhenRead();
  };
  // A network failure, as the HTTP client reports a connection that closes mid-body.
  const truncated = () => fail(networkError(new Error(`the connection closed after ${received} of ${contentLength} bytes`), url));

  // What the parser already took from the connection's first read comes first.
  for (let chunk: Buffer | null; (chunk = res.read() as Buffer | null) !== null; ) take(chunk);
  // The parser hears nothing more: its listener goes, and the socket's reads come here.
  socket.removeAllListeners('data');
  socket.pause(); // nothing flows to 'data' listeners any more
  res.on('error', () => undefined); // the HTTP client calls the response aborted when the socket closes; the socket's own events decide here
  socket.push = (chunk: Buffer | null): boolean => {
    if (chunk === null) {
      truncated(); // end of the connection before the last byte
      return socketPush(null);
    }
    if (take(chunk)) return true;
    stopped = true;
    return false;
  };
  socket.on('error', (error) => fail(networkError(error, url)));
  socket.once('close', truncated);
  body.once('close', () => {
    guard.stop();
    res.destroy();
    socket.destroy();
  });
  guard.aim((error) => {
    failure ??= error;
    body.destroy(error);
  });
  if (received === contentLength && !finished) {
    finished = true;
    body.push(null);
  }
  return body;
}

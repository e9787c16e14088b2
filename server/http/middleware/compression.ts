/**
 * Response compression (koa-compress: Brotli or gzip for JSON and text of 1 KiB or more, never event
 * streams), asked only about responses it could compress. koa-compress runs on every response: it adds
 * `Vary: Accept-Encoding`, then reads a dozen headers and, for a JSON body, serializes it once more just to
 * learn its length. Here `Vary` is set once for every response (app.ts, with `Origin`, which CORS would add), the
 * cases that can never be compressed — no body, a string or Buffer under the threshold, HEAD, a request
 * that accepts no encoding — return at once, and the rest go to koa-compress after the handler, as it would
 * have seen them (it does nothing before calling `next` but the `Vary` header).
 */
import { constants as zlib } from 'node:zlib';
import compress from 'koa-compress';
import type { AppMiddleware } from '../types.js';

const THRESHOLD = 1024;

/** Compress JSON and text, never event streams (they must reach the client as they are written). */
export const compressible = (type: string) => !type.startsWith('text/event-stream') && /json|text|javascript|xml|svg/.test(type);

const noop = () => Promise.resolve();

export function compression(): AppMiddleware {
  const inner = compress({
    threshold: THRESHOLD,
    filter: compressible,
    // Brotli's default quality (11) costs more CPU than it saves on per-request JSON.
    br: { params: { [zlib.BROTLI_PARAM_QUALITY]: 4 } },
    gzip: { level: 6 },
    deflate: false,
  }) as unknown as AppMiddleware;
  const after: AppMiddleware = async (ctx, next) => {
    await next();
    const body: unknown = ctx.body;
    if (body === undefined || body === null) return;
    if ((typeof body === 'string' && body.length < THRESHOLD / 3) || (Buffer.isBuffer(body) && body.length < THRESHOLD)) return;
    await inner(ctx, noop);
  };
  // Known before the handler runs: a HEAD, or a client that accepts no encoding, passes straight through
  // (no async frame of its own).
  return (ctx, next) => {
    const accepts = ctx.req.headers['accept-encoding'];
    return accepts === undefined || accepts === '' || ctx.method === 'HEAD' ? next() : after(ctx, next);
  };
}

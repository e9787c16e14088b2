/**
 * The one guarded outbound fetcher: every download the server makes (remote-URL media ingest, model import)
 * goes through `openUrl`. Per hop it checks the scheme and a literal IP host before connecting, and its
 * sockets resolve names through the guarded lookup (guarded-lookup.ts), so the address checked is the
 * address connected to; redirects are followed up to a limit, each hop checked like the first.
 *
 * Lifecycle: `openUrl` resolves once a usable response's headers are in; the caller must then read the body
 * to its end or destroy it (that stops the timers and closes the socket). Sockets are never pooled, so a
 * connection opened under one policy is never reused under another.
 */
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { addressAllowed, literalAddress, type AddressPolicy } from './address-policy.js';
import { FetchError } from './fetch-error.js';
import { FetchGuard } from './fetch-guard.js';
import { guardedBody, networkError } from './guarded-body.js';
import { guardedLookup, systemResolver, type Resolver } from './guarded-lookup.js';

export interface FetchOptions {
  /** Which addresses may be connected to; `off` refuses every fetch (code `disabled`). */
  policy: AddressPolicy;
  /** Addresses or CIDR ranges also allowed under `public` (a LAN mirror, say); default none. */
  allow?: readonly string[];
  /** Redirects followed before failing (code `failed`, reason `redirects`); default 5. */
  maxRedirects?: number;
  /** Largest entity taken, in bytes, counting a resumed download's first `startAt` bytes; default: no cap. */
  maxBytes?: number;
  /** Ms allowed without progress: to connect and get each hop's headers, then between body chunks. Default: none. */
  stallTimeoutMs?: number;
  /** Ms allowed for the whole fetch, body included. Default: none. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Resume: ask for the entity's bytes from this offset on (`Range: bytes=N-`). Default 0, the whole entity. */
  startAt?: number;
  /**
   * When the server will not resume (200, 416, or a 206 whose Content-Range does not start at `startAt`):
   * take the whole entity instead (`restart`, default; the response's `offset` is then 0) or fail (`fail`).
   */
  resumeFallback?: 'restart' | 'fail';
  /** Called as body bytes arrive: bytes of the entity so far (the resume offset included), and its size when known. */
  onProgress?: (receivedBytes: number, totalBytes: number | null) => void;
  /** Extra request headers; `authorization` and `cookie` are dropped on a redirect to another origin. */
  headers?: Record<string, string>;
  /** Name resolution (tests inject one); default: the system's resolver. */
  resolver?: Resolver;
}

export interface FetchedResponse {
  /** The URL that answered (after redirects). */
  url: string;
  status: 200 | 206;
  /** Where the body starts in the entity: `startAt` when the server resumed, else 0. */
  offset: number;
  /** The body's own length from `Content-Length`, when sent. */
  contentLength: number | undefined;
  /** The whole entity's size, when known. */
  totalBytes: number | null;
  /** The answering hop's response headers (`link`, `etag`, `x-repo-commit`, ...). */
  headers: IncomingHttpHeaders;
  /** Counted, capped and timed; read it to the end or destroy it. */
  body: Readable;
}

const SENSITIVE_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];

/** GETs `rawUrl` under `options.policy`; see the module header. Every failure is a FetchError. */
export async function openUrl(rawUrl: string, options: FetchOptions): Promise<FetchedResponse> {
  if (options.policy === 'off') throw new FetchError('disabled', 'Outbound fetches are switched off on this server.');
  let url = parseUrl(rawUrl);
  const guard = new FetchGuard(options, () => url.href);
  const lookup = guardedLookup(options.policy, options.resolver ?? systemResolver, options.allow);
  const maxRedirects = options.maxRedirects ?? 5;
  let headers: OutgoingHttpHeaders = { 'user-agent': 'jan-server-desktop', accept: '*/*', ...options.headers };
  let startAt = options.startAt ?? 0;
  let redirects = 0;
  try {
    for (;;) {
      if (guard.error) throw guard.error;
      checkTarget(url, options.policy, options.allow);
      const res = await send(url, { ...headers, ...(startAt > 0 && { range: `bytes=${startAt}-` }) }, lookup, guard);
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.destroy();
        if (redirects++ === maxRedirects) throw new FetchError('failed', `Too many redirects fetching ${rawUrl.slice(0, 200)}.`, { reason: 'redirects', url: url.href });
        const next = parseUrl(res.headers.location, url);
        if (next.origin !== url.origin) headers = withoutCredentials(headers);
        url = next;
        continue;
      }
      const offset = resumeOutcome(res, url, startAt, options.resumeFallback);
      if (offset === 'again') {
        startAt = 0;
        continue;
      }
      if (status !== 200 && offset === 0) throw failed(res, url, `Fetching ${url.href} failed with HTTP ${status}.`, 'status');
      return accept(res, url, offset, options, guard);
    }
  } catch (error) {
    guard.stop();
    throw error;
  }
}

function parseUrl(raw: string, base?: URL): URL {
  try {
    return new URL(raw, base);
  } catch {
    throw new FetchError('failed', `'${raw.slice(0, 200)}' is not a URL.`, { reason: 'invalid_url' });
  }
}

/** Refuses, before any connection, a scheme other than http(s) and a literal IP host the policy forbids. */
export function checkTarget(url: URL, policy: AddressPolicy, allow: readonly string[] | undefined): void {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new FetchError('blocked', `Only http and https URLs can be fetched, not ${url.protocol}`, { reason: 'protocol', url: url.href });
  }
  const literal = literalAddress(url.hostname);
  if (literal !== undefined && !addressAllowed(policy, literal, allow)) {
    throw new FetchError('blocked', `Refusing to fetch from ${url.hostname}: not a public address.`, { reason: 'address', url: url.href, host: literal, address: literal });
  }
}

function send(url: URL, headers: OutgoingHttpHeaders, lookup: ReturnType<typeof guardedLookup>, guard: FetchGuard): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = request(url, { headers, lookup, agent: false });
    req.on('error', (error) => reject(networkError(error, url)));
    req.once('response', (res) => {
      guard.kick();
      resolve(res);
    });
    guard.aim((error) => req.destroy(error));
    req.end();
  });
}

function withoutCredentials(headers: OutgoingHttpHeaders): OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !SENSITIVE_HEADERS.includes(name.toLowerCase())));
}

/**
 * Where the body starts in the entity: `startAt` when the server resumed there (206 with a Content-Range
 * starting at it), 0 for a whole entity (or no Range asked), `again` when all of it must be asked for anew
 * (a 416, or a 206 for other bytes). With `fallback: 'fail'`, a refused resume is an error instead.
 */
function resumeOutcome(res: IncomingMessage, url: URL, startAt: number, fallback: FetchOptions['resumeFallback']): number | 'again' {
  const status = res.statusCode;
  if (startAt === 0 || (status !== 200 && status !== 206 && status !== 416)) return 0;
  const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(res.headers['content-range'] ?? '');
  if (status === 206 && range !== null && Number(range[1]) === startAt && Number(range[2]) >= startAt) return startAt;
  if (fallback === 'fail') throw failed(res, url, `${url.href} did not resume at byte ${startAt} (HTTP ${status}).`, 'range');
  if (status === 200) return 0;
  res.destroy();
  return 'again';
}

function failed(res: IncomingMessage, url: URL, message: string, reason: 'status' | 'range'): FetchError {
  res.destroy();
  return new FetchError('failed', message, { reason, url: url.href, status: res.statusCode ?? 0 });
}

function accept(res: IncomingMessage, url: URL, offset: number, options: FetchOptions, guard: FetchGuard): FetchedResponse {
  const length = Number(res.headers['content-length'] ?? NaN);
  const contentLength = Number.isSafeInteger(length) && length >= 0 ? length : undefined;
  const rangeTotal = Number(/\/(\d+)$/.exec(res.headers['content-range'] ?? '')?.[1] ?? NaN);
  const totalBytes = offset > 0 && Number.isSafeInteger(rangeTotal) ? rangeTotal : contentLength === undefined ? null : offset + contentLength;
  if (options.maxBytes !== undefined && totalBytes !== null && totalBytes > options.maxBytes) {
    res.destroy();
    throw new FetchError('too_large', `${url.href} is larger than ${options.maxBytes} bytes (${totalBytes}).`, { url: url.href });
  }
  const body = guardedBody(res, { url: url.href, offset, contentLength, totalBytes, maxBytes: options.maxBytes, onProgress: options.onProgress }, guard);
  return { url: url.href, status: offset > 0 ? 206 : 200, offset, contentLength, totalBytes, headers: res.headers, body };
}

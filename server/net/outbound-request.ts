/**
 * One API call through the guarded fetcher's machinery (address policy checked in the socket's own lookup, the
 * stall guard, counted bodies), for upstream inference engines: any method, a request body, and whatever status
 * the server answers — the caller decides what a 4xx or 5xx means. Unlike `openUrl` it follows no redirects (an
 * API that redirects a POST is misconfigured) and adds a connect timeout, so a dead host fails fast while a slow
 * generation may still take the stall time to send its headers.
 *
 * Lifecycle: resolves once the response's headers are in; the caller reads the body to its end or destroys it.
 * The caller's signal aborting destroys the request or the body (the upstream sees its connection close).
 */
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import type { AddressPolicy } from './address-policy.js';
import { FetchError } from './fetch-error.js';
import { FetchGuard } from './fetch-guard.js';
import { guardedBody, networkError } from './guarded-body.js';
import { guardedLookup, systemResolver, type Resolver } from './guarded-lookup.js';
import { checkTarget } from './outbound-fetcher.js';

export interface ApiRequestOptions {
  method: 'GET' | 'POST';
  policy: Exclude<AddressPolicy, 'off'>;
  /** Addresses or CIDR ranges also allowed under `public` (an admin-configured engine on the LAN). */
  allow?: readonly string[];
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Ms to open the TCP (and TLS) connection. Default: none. */
  connectTimeoutMs?: number;
  /** Ms allowed without progress: for the headers, then between body chunks. Default: none. */
  stallTimeoutMs?: number;
  /** Largest body taken, in bytes. Default: no cap. */
  maxBytes?: number;
  signal?: AbortSignal;
  resolver?: Resolver;
}

export interface ApiResponse {
  url: string;
  status: number;
  headers: IncomingHttpHeaders;
  /** Counted, capped and timed; read it to the end or destroy it. */
  body: Readable;
}

/** Sends one request; every failure before the headers is a FetchError (`timeout`, `aborted`, `blocked`, `failed`). */
export async function sendApiRequest(rawUrl: string, options: ApiRequestOptions): Promise<ApiResponse> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new FetchError('failed', `'${rawUrl.slice(0, 200)}' is not a URL.`, { reason: 'invalid_url' });
  }
  checkTarget(url, options.policy, options.allow);
  const guard = new FetchGuard(options, () => url.href);
  if (guard.error) throw guard.error;
  const lookup = guardedLookup(options.policy, options.resolver ?? systemResolver, options.allow);
  const headers: OutgoingHttpHeaders = { 'user-agent': 'jan-server-desktop', accept: '*/*', ...options.headers };
  if (options.body !== undefined) headers['content-length'] = Buffer.byteLength(options.body);
  try {
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = request(url, { method: options.method, headers, lookup, agent: false });
      let connectTimer: NodeJS.Timeout | undefined;
      if (options.connectTimeoutMs !== undefined) {
        const ms = options.connectTimeoutMs;
        connectTimer = setTimeout(() => req.destroy(new FetchError('timeout', `Could not connect to ${url.host} within ${ms} ms.`, { url: url.href, host: url.hostname })), ms);
        req.once('socket', (socket) => socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', () => clearTimeout(connectTimer)));
      }
      req.on('error', (error) => {
        clearTimeout(connectTimer);
        reject(networkError(error, url));
      });
      req.once('response', (response) => {
        clearTimeout(connectTimer);
        guard.kick();
        resolve(response);
      });
      guard.aim((error) => req.destroy(error));
      req.end(options.body);
    });
    const length = Number(res.headers['content-length'] ?? NaN);
    const contentLength = Number.isSafeInteger(length) && length >= 0 ? length : undefined;
    const body = guardedBody(res, { url: url.href, offset: 0, contentLength, totalBytes: contentLength ?? null, maxBytes: options.maxBytes, onProgress: undefined }, guard);
    return { url: url.href, status: res.statusCode ?? 0, headers: res.headers, body };
  } catch (error) {
    guard.stop();
    throw error;
  }
}

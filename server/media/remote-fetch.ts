/**
 * Opens a remote http(s) URL for remote-URL ingest. In `public` mode every address the host name resolves to
 * must be public: the check runs inside the socket's own DNS lookup, so the address checked is the address
 * connected to (no DNS-rebinding gap), and again for each redirect.
 */
import { lookup as dnsLookup, type LookupOptions } from 'node:dns';
import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { RemoteFetchError } from './media-errors.js';

export type RemoteFetchMode = 'public' | 'any' | 'off';

export interface RemoteFetchOptions {
  mode: RemoteFetchMode;
  timeoutMs: number;
  signal?: AbortSignal;
  maxRedirects?: number;
}

export interface RemoteResponse {
  body: IncomingMessage;
  /** From `Content-Length`, when the server sent one. */
  contentLength: number | undefined;
  url: string;
}

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96]] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

/** True for addresses on the public internet (not loopback, private, link-local, multicast or reserved). */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return !blocked.check(mapped, 'ipv4');
  return !blocked.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...(options as LookupOptions), all: true }, (error, addresses) => {
    if (error) return callback(error, '', 4);
    const list = addresses as unknown as { address: string; family: number }[];
    const bad = list.find((entry) => !isPublicAddress(entry.address));
    if (bad || list.length === 0) {
      const refused = new RemoteFetchError(`Refusing to fetch from ${hostname} (${bad?.address ?? 'no address'}): not a public address.`, 'remote_fetch_blocked');
      return callback(refused as NodeJS.ErrnoException, '', 4);
    }
    if ((options as LookupOptions).all) return (callback as unknown as (e: null, a: typeof list) => void)(null, list);
    callback(null, list[0]!.address, list[0]!.family);
  });
};

function request(url: URL, mode: RemoteFetchMode, signal: AbortSignal): Promise<IncomingMessage> {
  if (mode === 'public' && isIP(url.hostname.replace(/^\[|\]$/g, '')) !== 0 && !isPublicAddress(url.hostname.replace(/^\[|\]$/g, ''))) {
    return Promise.reject(new RemoteFetchError(`Refusing to fetch from ${url.hostname}: not a public address.`, 'remote_fetch_blocked'));
  }
  const get = url.protocol === 'https:' ? httpsGet : httpGet;
  return new Promise((resolve, reject) => {
    const req = get(url, { signal, headers: { 'user-agent': 'jan-server-desktop', accept: '*/*' }, ...(mode === 'public' && { lookup: publicOnlyLookup }) });
    req.once('response', resolve);
    req.once('error', (error) => {
      reject(error instanceof RemoteFetchError ? error : new RemoteFetchError(`Could not fetch ${url.href}: ${error.message}`, 'remote_fetch_failed'));
    });
  });
}

/** GETs `rawUrl`, following up to `maxRedirects` redirects; the caller reads (or destroys) `body`. */
export async function openRemote(rawUrl: string, options: RemoteFetchOptions): Promise<RemoteResponse> {
  if (options.mode === 'off') throw new RemoteFetchError('Remote-URL ingest is switched off on this server (JAN_MEDIA_REMOTE_FETCH=off).', 'remote_fetch_disabled');
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new RemoteFetchError(`'${rawUrl.slice(0, 200)}' is not a URL.`, 'remote_fetch_failed');
  }
  const signals = [AbortSignal.timeout(options.timeoutMs), ...(options.signal ? [options.signal] : [])];
  const signal = AbortSignal.any(signals);
  for (let hop = 0; hop <= (options.maxRedirects ?? 3); hop++) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new RemoteFetchError(`Only http and https URLs can be fetched, not ${url.protocol}`, 'remote_fetch_blocked');
    }
    const response = await request(url, options.mode, signal);
    const status = response.statusCode ?? 0;
    if (status >= 300 && status < 400 && response.headers.location) {
      response.resume();
      url = new URL(response.headers.location, url);
      continue;
    }
    if (status !== 200) {
      response.resume();
      throw new RemoteFetchError(`Fetching ${url.href} failed with HTTP ${status}.`, 'remote_fetch_failed');
    }
    const length = Number(response.headers['content-length']);
    return { body: response, contentLength: Number.isFinite(length) ? length : undefined, url: url.href };
  }
  throw new RemoteFetchError(`Too many redirects fetching ${rawUrl.slice(0, 200)}.`, 'remote_fetch_failed');
}

/**
 * Talks to the Hugging Face Hub (or a mirror, `JAN_HF_ENDPOINT`) through the one guarded fetcher: the JSON
 * API (`/api/models`, a repository, its file tree) and file downloads (`/{repo}/resolve/main/{file}`, which
 * the Hub answers with a redirect to its CDN). The token goes to the hub's own origin only: the fetcher drops
 * `Authorization` on a redirect to another origin, so the CDN never sees it.
 *
 * Every request has a stall timeout (connect, headers, and between body chunks), so an offline or silent hub
 * fails in seconds rather than hanging.
 */
import type { Readable } from 'node:stream';
import { openUrl, type FetchedResponse, type FetchOptions, type Resolver } from '../net/index.js';

export interface HubClientOptions {
  /** The hub's base URL, no trailing slash. */
  endpoint: string;
  /** Empty: no token. */
  token: string;
  /** Addresses or CIDR ranges allowed beyond public ones (JAN_HUB_ALLOW). */
  allow: readonly string[];
  /** Ms without progress before a request fails. */
  stallTimeoutMs: number;
  resolver?: Resolver;
}

/** The largest JSON answer taken from the hub (a big repository's tree is a few hundred KB). */
const MAX_JSON_BYTES = 32 * 1024 * 1024;
/** Redirects a download may take (hub → CDN, sometimes one more). */
const MAX_REDIRECTS = 5;

export interface OpenFileOptions {
  startAt?: number;
  signal?: AbortSignal;
  onProgress?: (receivedBytes: number, totalBytes: number | null) => void;
}

export class HubClient {
  constructor(private readonly options: HubClientOptions) {}

  get endpoint(): string {
    return this.options.endpoint;
  }

  get hasToken(): boolean {
    return this.options.token !== '';
  }

  /** GETs `/api/...` on the hub and parses the JSON; `headers` for the `Link` pagination header. */
  async getJson(pathAndQuery: string, signal?: AbortSignal): Promise<{ json: unknown; link: string | undefined }> {
    const response = await openUrl(this.url(pathAndQuery), { ...this.fetchOptions(signal), maxBytes: MAX_JSON_BYTES, headers: this.headers({ accept: 'application/json' }) });
    const text = (await readAll(response.body)).toString('utf8');
    const link = response.headers.link;
    return { json: JSON.parse(text) as unknown, link: Array.isArray(link) ? link.join(', ') : link };
  }

  /** Opens a repository file for download (`resolve/main`), following the redirect to the CDN. */
  openFile(repo: string, file: string, options: OpenFileOptions = {}): Promise<FetchedResponse> {
    return openUrl(this.fileUrl(repo, file), {
      ...this.fetchOptions(options.signal),
      maxRedirects: MAX_REDIRECTS,
      headers: this.headers(),
      ...(options.startAt !== undefined && { startAt: options.startAt }),
      ...(options.onProgress && { onProgress: options.onProgress }),
    });
  }

  /**
   * The first bytes of a repository file, read until `enough(buffer)` says so or `maxBytes` came (then the
   * connection is closed: a model's header is read without downloading its weights).
   */
  async readHead(repo: string, file: string, maxBytes: number, enough: (head: Buffer) => boolean, signal?: AbortSignal): Promise<Buffer> {
    const response = await this.openFile(repo, file, signal ? { signal } : {});
    const chunks: Buffer[] = [];
    let length = 0;
    let checkedAt = 0;
    try {
      for await (const chunk of response.body as AsyncIterable<Buffer>) {
        chunks.push(chunk);
        length += chunk.length;
        if (length >= maxBytes) break;
        // Parsing is retried every 64 KiB, not per chunk: a header of a few MB arrives in many small chunks.
        if (length - checkedAt < 64 * 1024 && length < (response.totalBytes ?? Infinity)) continue;
        checkedAt = length;
        if (enough(Buffer.concat(chunks, length))) break;
      }
    } finally {
      response.body.destroy();
    }
    return Buffer.concat(chunks, length).subarray(0, maxBytes);
  }

  fileUrl(repo: string, file: string): string {
    return this.url(`/${repo}/resolve/main/${file.split('/').map(encodeURIComponent).join('/')}`);
  }

  private url(pathAndQuery: string): string {
    return `${this.options.endpoint}${pathAndQuery}`;
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...extra, ...(this.options.token !== '' && { authorization: `Bearer ${this.options.token}` }) };
  }

  private fetchOptions(signal: AbortSignal | undefined): FetchOptions {
    return {
      policy: 'public',
      allow: this.options.allow,
      stallTimeoutMs: this.options.stallTimeoutMs,
      ...(signal && { signal }),
      ...(this.options.resolver && { resolver: this.options.resolver }),
    };
  }
}

async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/**
 * A local stand-in for the Hugging Face Hub, speaking its HTTP shapes (huggingface.co/docs/hub/api and
 * @huggingface/hub's types): `GET /api/models` (search, `filter`, `sort`/`direction`, `limit`, pagination by
 * a `cursor` in the `Link: <…>; rel="next"` header), `GET /api/models/{repo}` (author, downloads, likes,
 * lastModified, gated, tags, cardData.license, siblings), `GET /api/models/{repo}/tree/main` (files with
 * `lfs.oid`/`lfs.size`), and `GET /{repo}/resolve/main/{file}`, answered with a 302 to a SECOND host (the
 * "CDN", another loopback port) that serves the bytes with Range, ETag and `x-repo-commit`. Gated
 * repositories' files need `Authorization: Bearer <token>` at the hub (401 without, 403 with a wrong one).
 *
 * Knobs for failure tests: cut a download after N bytes (once), flip one served byte, hold a download after
 * N bytes until released, and a request log (headers included) to check Range requests and where the token went.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../../server/config/load-config.js';
import type { Config } from '../../server/config/schema.js';
import { startServer, type RunningServer } from '../../server/start-server.js';
import { ScriptedRuntime } from './scripted-runtime.js';
import { readResponse, TEST_ADMIN_KEY, type RequestOptions, type TestResponse } from './test-server.js';

export interface StandinFile {
  path: string;
  bytes: Buffer;
}

export interface StandinRepo {
  id: string;
  files: StandinFile[];
  downloads?: number;
  likes?: number;
  /** ISO date. */
  lastModified?: string;
  gated?: false | 'auto' | 'manual';
  license?: string;
  tags?: string[];
}

export interface LoggedRequest {
  host: 'hub' | 'cdn';
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
}

interface Hold {
  path: string;
  after: number;
  release: () => void;
  released: Promise<void>;
  reached: Promise<void>;
  onReached: () => void;
}

const COMMIT = 'a'.repeat(40);
/**
 * Digests of the files' bytes, computed once per buffer: the real Hub stores them, and hashing a large file on
 * every request would make the stand-in, not the client under test, what a download bench measures.
 */
const digests = new WeakMap<Buffer, Map<string, string>>();
function digest(algorithm: 'sha1' | 'sha256', bytes: Buffer): string {
  let known = digests.get(bytes);
  if (!known) digests.set(bytes, (known = new Map()));
  let hex = known.get(algorithm);
  if (hex === undefined) known.set(algorithm, (hex = createHash(algorithm).update(bytes).digest('hex')));
  return hex;
}
const sha256 = (bytes: Buffer) => digest('sha256', bytes);

export class HubStandin {
  readonly repos = new Map<string, StandinRepo>();
  readonly log: LoggedRequest[] = [];
  /** The token gated repositories accept. */
  token = 'hf_standin_token_0123456789';
  private hub: Server | undefined;
  private cdn: Server | undefined;
  private cut: { path: string; after: number } | undefined;
  private corrupt: { path: string; offset: number } | undefined;
  private hold: Hold | undefined;
  hubUrl = '';
  cdnUrl = '';

  addRepo(repo: StandinRepo): this {
    this.repos.set(repo.id, repo);
    return this;
  }

  /** The next download of `path` that reaches byte `after` is cut there (the socket destroyed), once. */
  cutOnce(path: string, after: number): void {
    this.cut = { path, after };
  }

  /** Every download of `path` serves byte `offset` flipped. */
  corruptByte(path: string, offset: number): void {
    this.corrupt = { path, offset };
  }

  /** The next download of `path` stops after `after` bytes until `release()`; `reached` resolves when it stops. */
  holdAt(path: string, after: number): { reached: Promise<void>; release: () => void } {
    let release!: () => void;
    let onReached!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const reached = new Promise<void>((resolve) => (onReached = resolve));
    this.hold = { path, after, release, released, reached, onReached };
    return { reached, release };
  }

  /** Requests that reached a host, optionally only those whose URL contains `fragment`. */
  requests(host: 'hub' | 'cdn', fragment = ''): LoggedRequest[] {
    return this.log.filter((r) => r.host === host && r.url.includes(fragment));
  }

  async start(): Promise<this> {
    this.cdn = createServer((req, res) => this.serveCdn(req, res));
    this.hub = createServer((req, res) => this.serveHub(req, res));
    this.cdnUrl = await listen(this.cdn);
    this.hubUrl = await listen(this.hub);
    return this;
  }

  async close(): Promise<void> {
    this.hold?.release();
    for (const server of [this.hub, this.cdn]) {
      server?.closeAllConnections();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    }
  }

  private modelJson(repo: StandinRepo) {
    const [author] = repo.id.split('/');
    const tags = repo.tags ?? ['gguf', 'text-generation', ...(repo.license ? [`license:${repo.license}`] : [])];
    return {
      _id: sha256(Buffer.from(repo.id)).slice(0, 24), id: repo.id, modelId: repo.id, author, sha: COMMIT,
      lastModified: repo.lastModified ?? '2025-01-01T00:00:00.000Z', createdAt: '2024-06-01T00:00:00.000Z',
      private: false, gated: repo.gated ?? false, disabled: false, downloads: repo.downloads ?? 0, likes: repo.likes ?? 0,
      tags, library_name: 'gguf', pipeline_tag: 'text-generation',
      cardData: repo.license ? { license: repo.license } : {},
      siblings: repo.files.map((f) => ({ rfilename: f.path })),
    };
  }

  private serveHub(req: IncomingMessage, res: ServerResponse): void {
    this.log.push({ host: 'hub', method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers });
    const url = new URL(req.url ?? '/', this.hubUrl);
    const path = decodeURIComponent(url.pathname);
    if (path === '/api/models') return this.search(url, res);
    const tree = /^\/api\/models\/([^/]+\/[^/]+)\/tree\/main$/.exec(path);
    if (tree) return this.withRepo(tree[1]!, res, (repo) => json(res, 200, repo.files.map((f) => treeEntry(f))));
    const info = /^\/api\/models\/([^/]+\/[^/]+)$/.exec(path);
    if (info) return this.withRepo(info[1]!, res, (repo) => json(res, 200, this.modelJson(repo)));
    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/main\/(.+)$/.exec(path);
    if (resolve) {
      return this.withRepo(resolve[1]!, res, (repo) => {
        const file = repo.files.find((f) => f.path === resolve[2]);
        if (!file) return json(res, 404, { error: 'Entry not found' }, { 'x-error-code': 'EntryNotFound' });
        if (repo.gated) {
          const auth = req.headers.authorization;
          if (!auth) return json(res, 401, { error: `Access to model ${repo.id} is restricted. You must have access to it and be authenticated to access it. Please log in.` }, { 'x-error-code': 'GatedRepo' });
          if (auth !== `Bearer ${this.token}`) return json(res, 403, { error: `Access to model ${repo.id} is restricted and you are not in the authorized list.` }, { 'x-error-code': 'GatedRepo' });
        }
        const oid = sha256(file.bytes);
        res.writeHead(302, {
          location: `${this.cdnUrl}/repos/${encodeURIComponent(repo.id)}/${oid}?file=${encodeURIComponent(file.path)}&X-Amz-Signature=standin`,
          'x-repo-commit': COMMIT, 'x-linked-size': String(file.bytes.length), 'x-linked-etag': `"${oid}"`, etag: `"${oid}"`,
        });
        res.end();
      });
    }
    json(res, 404, { error: 'Repository not found' }, { 'x-error-code': 'RepoNotFound' });
  }

  private withRepo(id: string, res: ServerResponse, then: (repo: StandinRepo) => void): void {
    const repo = this.repos.get(id);
    if (!repo) return json(res, 401, { error: 'Repository not found' }, { 'x-error-code': 'RepoNotFound' });
    then(repo);
  }

  /** `/api/models?filter=gguf&search=…&sort=downloads|likes|lastModified&direction=-1&limit=…&cursor=…`. */
  private search(url: URL, res: ServerResponse): void {
    const q = url.searchParams;
    const search = (q.get('search') ?? '').toLowerCase();
    const sort = (q.get('sort') ?? 'downloads') as 'downloads' | 'likes' | 'lastModified';
    const limit = Math.min(Number(q.get('limit') ?? 20) || 20, 1000);
    const start = q.has('cursor') ? Number(Buffer.from(q.get('cursor')!, 'base64url').toString()) : 0;
    const all = [...this.repos.values()]
      .filter((r) => (q.get('filter') !== 'gguf' || r.files.some((f) => f.path.endsWith('.gguf'))) && r.id.toLowerCase().includes(search))
      .map((r) => this.modelJson(r))
      .sort((a, b) => {
        const key = (m: ReturnType<HubStandin['modelJson']>) => (sort === 'lastModified' ? Date.parse(m.lastModified) : m[sort]);
        return (key(b) - key(a)) * (q.get('direction') === '1' ? -1 : 1) || a.id.localeCompare(b.id);
      });
    const page = all.slice(start, start + limit);
    const headers: Record<string, string> = {};
    if (start + limit < all.length) {
      const next = new URL(url);
      next.searchParams.set('cursor', Buffer.from(String(start + limit)).toString('base64url'));
      headers.link = `<${next.href}>; rel="next"`;
    }
    // The list answers only what `expand[]` asks for (plus id); without it, the Hub's default fields.
    const expand = q.getAll('expand[]');
    const shaped = page.map((m) => (expand.length === 0 ? m : Object.fromEntries(Object.entries(m).filter(([k]) => k === 'id' || k === '_id' || expand.includes(k)))));
    json(res, 200, shaped, headers);
  }

  private serveCdn(req: IncomingMessage, res: ServerResponse): void {
    this.log.push({ host: 'cdn', method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers });
    const url = new URL(req.url ?? '/', this.cdnUrl);
    const [, , repoId, oid] = url.pathname.split('/');
    const repo = this.repos.get(decodeURIComponent(repoId ?? ''));
    const file = repo?.files.find((f) => f.path === url.searchParams.get('file'));
    if (!file || sha256(file.bytes) !== oid) return void res.writeHead(404).end();
    let bytes = file.bytes;
    if (this.corrupt?.path === file.path) {
      bytes = Buffer.from(bytes);
      bytes[this.corrupt.offset] = bytes[this.corrupt.offset]! ^ 0xff;
    }
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    const end = range && range[2] ? Math.min(Number(range[2]), bytes.length - 1) : bytes.length - 1;
    if (range && start >= bytes.length) return void res.writeHead(416, { 'content-range': `bytes */${bytes.length}` }).end();
    const body = bytes.subarray(start, end + 1);
    res.writeHead(range ? 206 : 200, {
      'content-type': 'application/octet-stream', 'content-length': body.length, 'accept-ranges': 'bytes',
      etag: `"${oid}"`, 'x-repo-commit': COMMIT,
      ...(range && { 'content-range': `bytes ${start}-${end}/${bytes.length}` }),
    });
    if (req.method === 'HEAD') return void res.end();
    void this.send(file.path, start, body, res);
  }

  private async send(path: string, start: number, body: Buffer, res: ServerResponse): Promise<void> {
    const cut = this.cut?.path === path && start + body.length > this.cut.after ? this.cut : undefined;
    const hold = this.hold?.path === path && start < this.hold.after ? this.hold : undefined;
    if (cut) this.cut = undefined;
    if (hold) this.hold = undefined;
    const stop = cut ? cut.after - start : hold ? hold.after - start : body.length;
    await write(res, body.subarray(0, Math.max(0, stop)));
    if (cut) return void res.destroy();
    if (hold) {
      hold.onReached();
      await Promise.race([hold.released, new Promise((resolve) => res.once('close', resolve))]);
      if (res.destroyed) return;
      await write(res, body.subarray(stop));
    }
    res.end();
  }
}

function treeEntry(file: StandinFile) {
  const oid = sha256(file.bytes);
  const lfs = file.path.endsWith('.gguf');
  return {
    type: 'file', oid: digest('sha1', file.bytes), size: file.bytes.length, path: file.path,
    ...(lfs && { lfs: { oid, size: file.bytes.length, pointerSize: 135 } }),
  };
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function write(res: ServerResponse, chunk: Buffer): Promise<void> {
  return new Promise((resolve) => {
    if (chunk.length === 0 || res.destroyed) return resolve();
    if (res.write(chunk)) resolve();
    else {
      res.once('drain', resolve);
      res.once('close', resolve);
    }
  });
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

// ---------------------------------------------------------------------------------------------------------
// A test server pointed at a stand-in, with the scripted runtime, a capturable log, and a data folder that
// can outlive it (a restart test starts a second server on the same folder).

export interface HubTestServer {
  url: string;
  dataDir: string;
  modelsDir: string;
  config: Config;
  services: RunningServer['services'];
  runtime: ScriptedRuntime;
  /** Everything the server logged, as JSON lines. */
  logText(): string;
  request(path: string, init?: RequestOptions): Promise<TestResponse>;
  /** Stops the server, keeping the data folder. */
  stop(): Promise<void>;
  /** Stops it and removes the data folder. */
  close(): Promise<void>;
}

export async function startHubServer(standin: HubStandin, overrides: Partial<Config> = {}, reuseDataDir?: string): Promise<HubTestServer> {
  const dataDir = reuseDataDir ?? (await mkdtemp(join(tmpdir(), 'jan-hub-')));
  const config = loadConfig({
    argv: [], env: {}, platform: { dataDir, cwd: dataDir },
    overrides: { port: 0, logLevel: 'debug', apiKey: TEST_ADMIN_KEY, hfEndpoint: standin.hubUrl, hubAllow: ['127.0.0.1'], ...overrides },
  });
  const lines: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
  const runtime = new ScriptedRuntime();
  const server = await startServer(config, { logger, runtime });
  const request = async (path: string, init: RequestOptions = {}): Promise<TestResponse> => {
    const headers: Record<string, string> = { ...init.headers };
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    const body = init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    return readResponse(await fetch(server.url + path, { method: init.method ?? 'GET', headers, body }));
  };
  let stopped = false;
  const stop = async () => {
    if (!stopped) await server.close();
    stopped = true;
  };
  return {
    url: server.url, dataDir, modelsDir: config.modelsDir, config, services: server.services, runtime,
    logText: () => lines.join(''),
    request,
    stop,
    async close() {
      await stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls a pull until `done(pull)` holds (or fails the test after `timeoutMs`). */
export async function waitForPull(
  server: HubTestServer, id: string, done: (pull: { status: string; bytes_done: number }) => boolean, timeoutMs = 20_000,
): Promise<TestResponse['json']> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await server.request(`/v1/models/pulls/${id}`, { token: TEST_ADMIN_KEY });
    if (response.status === 200 && done(response.json)) return response.json;
    if (Date.now() > deadline) throw new Error(`pull ${id} did not get there: ${response.text}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * A full disk: every write path answers 507 `insufficient_storage` (never a 500), leaves no partial file
 * behind (a resumable upload keeps what it has, to resume), and `/v1/health` says `degraded` with `disk_full`
 * until space returns.
 *
 * Two ways to fill the disk. The first, always run: faults injected below the server, switched on and off by
 * the test: better-sqlite3's write statements throw SQLITE_FULL, `fs.createWriteStream` under the data folder
 * writes its first 64 KiB and then fails with ENOSPC (the media staging and @tus/file-store both write
 * through it), and `statfs` reports no free space. The second, a real tmpfs filled to the brim, runs where
 * `mount -t tmpfs` works (root with CAP_SYS_ADMIN, as in CI) and is skipped with a notice elsewhere.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs, { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import * as tus from 'tus-js-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../server/config/load-config.js';
import { STORAGE_FULL_MESSAGE } from '../../server/errors/storage-errors.js';
import { startServer } from '../../server/start-server.js';
import { bearer, download, uploadFile } from '../support/media-fixtures-http.js';
import { rawRequest } from '../support/raw-http.js';
import { readResponse, startTestServer, TEST_ADMIN_KEY, type TestResponse, type TestServer } from '../support/test-server.js';

const DISK_FULL = { error: { message: STORAGE_FULL_MESSAGE, type: 'server_error', param: null, code: 'insufficient_storage' } };
/** Bytes a faulty write stream accepts before it fails, so that a partial file exists to be cleaned up. */
const WRITE_ALLOWANCE = 64 * 1024;

/** Printable text (a supported type) of `bytes` length, different every call. */
const randomText = (bytes: number) => Buffer.from(randomBytes(bytes).toString('base64').slice(0, bytes));

/** Faults that make one data folder look full; `full` switches them. */
class InjectedFullDisk {
  full = false;
  private readonly realCreateWriteStream = fs.createWriteStream;
  private readonly realStatfs = fs.promises.statfs;
  private readonly statementProto = Object.getPrototypeOf(new Database(':memory:').prepare('SELECT 1')) as Record<'run' | 'get' | 'all', (...args: unknown[]) => unknown>;
  private readonly realStatement = { run: this.statementProto.run, get: this.statementProto.get, all: this.statementProto.all };

  constructor(private readonly dir: () => string) {}

  install(): void {
    const { realCreateWriteStream, realStatfs } = this;
    const full = () => this.full;
    const underDataDir = (path: fs.PathLike) => String(path).startsWith(this.dir());
    fs.createWriteStream = ((path: fs.PathLike, options?: never) => {
      const stream = realCreateWriteStream.call(fs, path, options);
      return full() && underDataDir(path) ? failAfter(stream, WRITE_ALLOWANCE) : stream;
    }) as typeof fs.createWriteStream;
    fs.promises.statfs = (async (path: fs.PathLike, options?: never) => {
      const stats = await realStatfs(path, options);
      return full() ? { ...stats, bavail: 0, bfree: 0 } : stats;
    }) as typeof fs.promises.statfs;
    syncBuiltinESMExports(); // named imports (`import { statfs } from 'node:fs/promises'`) see the replacements
    for (const method of ['run', 'get', 'all'] as const) {
      const real = this.realStatement[method];
      this.statementProto[method] = function (this: { source: string }, ...args: unknown[]) {
        if (full() && /^\s*(INSERT|UPDATE|DELETE|REPLACE)\b/i.test(this.source)) throw new Database.SqliteError('database or disk is full', 'SQLITE_FULL');
        return real.apply(this, args);
      };
    }
  }

  uninstall(): void {
    fs.createWriteStream = this.realCreateWriteStream;
    fs.promises.statfs = this.realStatfs;
    syncBuiltinESMExports();
    Object.assign(this.statementProto, this.realStatement);
  }
}

const enospc = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { errno: -28, code: 'ENOSPC', syscall: 'write' });

/** The stream writes its first `allowance` bytes, then fails every write as a full disk does. */
function failAfter(stream: fs.WriteStream, allowance: number): fs.WriteStream {
  const write = stream._write.bind(stream);
  let written = 0;
  stream._write = (chunk: Buffer, encoding, callback) => {
    const fits = Math.max(0, Math.min(chunk.length, allowance - written));
    written += fits;
    if (fits === chunk.length) return write(chunk, encoding, callback);
    if (fits === 0) return callback(enospc());
    write(chunk.subarray(0, fits), encoding, (error) => callback(error ?? enospc()));
  };
  (stream as { _writev?: unknown })._writev = undefined; // one chunk at a time, through the override
  return stream;
}

interface TusOutcome {
  url: string;
  fileId?: string | null;
  status?: number;
}

/** A tus upload to its end or its first error (no retries): the upload URL and the file id or the failing status. */
function tusUpload(server: { url: string }, token: string, data: Buffer, options: tus.UploadOptions = {}): Promise<TusOutcome> {
  return new Promise((resolve) => {
    const upload: tus.Upload = new tus.Upload(data, {
      endpoint: `${server.url}/v1/media/uploads`, headers: bearer(token), metadata: { filename: 'notes.txt' },
      retryDelays: null, chunkSize: 1024 * 1024, storeFingerprintForResuming: false, ...options,
      onSuccess: ({ lastResponse }) => resolve({ url: upload.url!, fileId: lastResponse.getHeader('Media-File-Id') }),
      onError: (error) => resolve({ url: upload.url!, status: (error as tus.DetailedError).originalResponse?.getStatus() }),
    });
    upload.start();
  });
}

const headOffset = async (server: { url: string }, url: string, token: string) =>
  Number((await rawRequest(server.url, { method: 'HEAD', path: new URL(url).pathname, headers: { ...bearer(token), 'tus-resumable': '1.0.0' } })).headers['upload-offset']);

/** Polls `/v1/health` until `done` holds (the probe runs at most every few seconds), or fails after 20 s. */
async function healthUntil(request: (path: string) => Promise<TestResponse>, done: (body: { status: string }) => boolean) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const res = await request('/v1/health');
    if (done(res.json) || Date.now() > deadline) return res.json;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const uploadsIn = (dataDir: string) => readdirSync(join(dataDir, 'media', 'uploads')).sort();
const stagingIn = (dataDir: string) => readdirSync(join(dataDir, 'media', 'tmp'));

describe('a full disk (injected faults)', () => {
  let server: TestServer;
  let token: string;
  const disk = new InjectedFullDisk(() => server.dataDir);

  beforeAll(async () => {
    disk.install();
    server = await startTestServer();
    token = await server.guestToken();
  });
  beforeEach(() => {
    disk.full = false;
  });
  afterAll(async () => {
    disk.full = false;
    await server?.close();
    disk.uninstall();
  });
  const api = (path: string, init: Parameters<TestServer['request']>[1] = {}) => server.request(path, { token, ...init });

  it('answers a JSON write 507 insufficient_storage, keeps reads working, and health says degraded: disk_full', async () => {
    expect((await server.request('/v1/health')).json.status).toBe('ok');
    const before = (await api('/v1/conversations', { method: 'POST', body: { metadata: { n: '1' } } })).json.id;
    disk.full = true;
    const res = await api('/v1/conversations', { method: 'POST', body: { metadata: { n: '2' } } });
    expect({ status: res.status, body: res.json }).toEqual({ status: 507, body: DISK_FULL });
    const item = await api(`/v1/conversations/${before}/items`, { method: 'POST', body: { items: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] }] } });
    expect({ status: item.status, body: item.json }).toEqual({ status: 507, body: DISK_FULL });
    expect((await api(`/v1/conversations/${before}`)).status).toBe(200);
    const health = await server.request('/v1/health');
    expect({ status: health.status, body: health.json }).toEqual({
      status: 200,
      body: {
        status: 'degraded', version: expect.any(String), uptime_seconds: expect.any(Number),
        database: { status: 'ok', schema_version: expect.any(Number), journal_mode: 'wal' }, degraded_reasons: ['disk_full'],
      },
    });
  });

  it('answers a multipart upload 507 and leaves nothing in the staging folder', async () => {
    disk.full = true;
    const res = await uploadFile(server, token, randomText(300_000), 'big.txt');
    expect({ status: res.status, body: res.json }).toEqual({ status: 507, body: DISK_FULL });
    expect(stagingIn(server.dataDir)).toEqual([]);
    expect((await api('/v1/media/files')).json.data).toEqual([]);
  });

  it('leaves nothing staged when a multipart body breaks after its file part', async () => {
    const boundary = 'b0undary';
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="a.txt"\r\ncontent-type: text/plain\r\n\r\n`),
      randomText(100_000),
      Buffer.from(`\r\n--${boundary}\r\ncontent-disposition: form-data; name="purpose"\r\n\r\nunfinished`), // no closing boundary
    ]);
    const res = await rawRequest(server.url, {
      method: 'POST', path: '/v1/media/upload', body, headers: { ...bearer(token), 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    expect({ status: res.status, body: res.json }).toEqual({
      status: 400, body: { error: { message: 'Malformed multipart request: Unexpected end of form', type: 'invalid_request_error', param: null, code: 'invalid_multipart' } },
    });
    await vi.waitFor(() => expect(stagingIn(server.dataDir)).toEqual([])); // the staging may end just after the answer
  });

  it('answers a data-URL ingest 507 and leaves nothing in the staging folder', async () => {
    disk.full = true;
    const dataUrl = `data:text/plain;base64,${randomText(200_000).toString('base64')}`;
    const res = await api('/media/v1/media', { method: 'POST', body: { source: { type: 'data_url', data_url: dataUrl } } });
    expect({ status: res.status, body: res.json }).toEqual({ status: 507, body: DISK_FULL });
    expect(stagingIn(server.dataDir)).toEqual([]);
  });

  it('answers a tus PATCH 507, keeps the bytes written for the resume, and resumes once there is room', async () => {
    disk.full = true;
    const data = randomText(1_500_000);
    const failed = await tusUpload(server, token, data);
    expect(failed.status).toBe(507);
    const id = new URL(failed.url).pathname.split('/').pop()!;
    // What tus keeps: the upload's bytes so far and its info file, nothing else.
    expect(uploadsIn(server.dataDir)).toEqual([id, `${id}.json`]);
    const offset = await headOffset(server, failed.url, token);
    expect(offset).toBe(statSync(join(server.dataDir, 'media', 'uploads', id)).size);
    expect(offset).toBeLessThanOrEqual(WRITE_ALLOWANCE);

    disk.full = false;
    const resumed = await tusUpload(server, token, data, { uploadUrl: failed.url });
    expect(resumed.fileId).toMatch(/^jan_[0-9a-z]{26}$/);
    expect((await download(`${server.url}/v1/media/files/${resumed.fileId}/content`, bearer(token))).body.equals(data)).toBe(true);
    expect(uploadsIn(server.dataDir)).toEqual([]);
    expect(stagingIn(server.dataDir)).toEqual([]);
  });

  it('answers 507 when a complete tus upload cannot become a media file, and drops it', async () => {
    const data = randomText(20_000); // within the write allowance: the bytes land, the database insert fails
    const filesBefore = (await api('/v1/media/files')).json.data;
    disk.full = true;
    const failed = await tusUpload(server, token, data);
    expect(failed.status).toBe(507);
    expect(uploadsIn(server.dataDir)).toEqual([]);
    expect(stagingIn(server.dataDir)).toEqual([]);
    disk.full = false;
    expect((await api('/v1/media/files')).json.data).toEqual(filesBefore);
  });

  it('stays degraded while the disk is full, and reports ok again by itself once space returns', async () => {
    disk.full = true;
    expect((await api('/v1/conversations', { method: 'POST', body: {} })).status).toBe(507);
    // Past a probe interval, the probe has looked and found no room.
    const startedAt = Date.now();
    while (Date.now() - startedAt < 3_500) {
      expect((await server.request('/v1/health')).json).toMatchObject({ status: 'degraded', degraded_reasons: ['disk_full'] });
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    disk.full = false;
    const health = await healthUntil((path) => server.request(path), (body) => body.status === 'ok');
    expect(health).toEqual({
      status: 'ok', version: expect.any(String), uptime_seconds: expect.any(Number),
      database: { status: 'ok', schema_version: expect.any(Number), journal_mode: 'wal' },
    });
    expect((await api('/v1/conversations', { method: 'POST', body: {} })).status).toBe(200);
    expect((await uploadFile(server, token, randomText(300_000), 'after.txt')).status).toBe(200);
  });
});

/** Mounts a small tmpfs; undefined (with the reason) where mounting is not allowed. */
function mountTmpfs(megabytes: number): { dir: string } | { skipped: string } {
  const dir = mkdtempSync(join(tmpdir(), 'jan-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${megabytes}m`, 'tmpfs', dir], { stdio: 'pipe' });
    return { dir };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    return { skipped: String((error as { stderr?: Buffer }).stderr ?? (error as Error).message).trim() };
  }
}

/** Writes zeros to `file` until the file system is full. */
function fill(file: string): void {
  const chunk = Buffer.alloc(1024 * 1024);
  const fd = fs.openSync(file, 'w');
  try {
    for (;;) fs.writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    fs.closeSync(fd);
  }
}

const tmpfs = mountTmpfs(96);
if ('skipped' in tmpfs) console.warn(`disk-full.test.ts: the real-tmpfs tests are skipped: mount -t tmpfs failed (${tmpfs.skipped})`);

describe.skipIf('skipped' in tmpfs)('a full disk (a real tmpfs filled up)', () => {
  const dataDir = 'dir' in tmpfs ? join(tmpfs.dir, 'data') : '';
  const filler = 'dir' in tmpfs ? join(tmpfs.dir, 'filler') : '';
  let server: Awaited<ReturnType<typeof startServer>>;
  let token: string;
  const request = async (path: string, init: { method?: string; body?: unknown } = {}) =>
    readResponse(await fetch(server.url + path, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${token}`, ...(init.body !== undefined && { 'content-type': 'application/json' }) },
      ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
    }));

  beforeAll(async () => {
    mkdirSync(dataDir);
    const config = loadConfig({ argv: [], env: {}, platform: { dataDir, cwd: dataDir }, overrides: { port: 0, logLevel: 'silent', apiKey: TEST_ADMIN_KEY } });
    server = await startServer(config, { logger: pino({ level: 'silent' }) });
    token = TEST_ADMIN_KEY;
  });
  afterAll(async () => {
    rmSync(filler, { force: true });
    await server?.close();
    if ('dir' in tmpfs) {
      execFileSync('umount', [tmpfs.dir]);
      rmSync(tmpfs.dir, { recursive: true, force: true });
    }
  });

  it('507 for uploads and database writes, degraded until the space is freed, then everything works again', async () => {
    const data = randomText(2_500_000);
    // A resumable upload begun while there was room: created, and its first megabyte sent.
    const tusHeaders = { ...bearer(token), 'tus-resumable': '1.0.0' };
    const created = await rawRequest(server.url, { method: 'POST', path: '/v1/media/uploads', headers: { ...tusHeaders, 'upload-length': data.length } });
    expect(created.status).toBe(201);
    const begun = { url: new URL(String(created.headers.location), server.url).href };
    const first = await rawRequest(server.url, {
      method: 'PATCH', path: new URL(begun.url).pathname, body: data.subarray(0, 1_000_000),
      headers: { ...tusHeaders, 'upload-offset': 0, 'content-type': 'application/offset+octet-stream' },
    });
    expect(first.status).toBe(204);
    const offsetBefore = await headOffset(server, begun.url, token);
    expect(offsetBefore).toBe(1_000_000);

    fill(filler);
    const multipart = await uploadFile({ url: server.url } as TestServer, token, randomText(1_000_000), 'big.txt');
    expect({ status: multipart.status, body: multipart.json }).toEqual({ status: 507, body: DISK_FULL });
    expect(readdirSync(join(dataDir, 'media', 'tmp'))).toEqual([]);

    const patch = await tusUpload(server, token, data, { uploadUrl: begun.url, chunkSize: 1_500_000 });
    expect(patch.status).toBe(507);
    const offsetFull = await headOffset(server, begun.url, token);
    expect(offsetFull).toBeGreaterThanOrEqual(offsetBefore);

    // SQLite may still have room in its WAL for a few rows; big rows reach the end of it soon.
    let write: TestResponse | undefined;
    for (let i = 0; i < 50 && write?.status !== 507; i++) {
      write = await request('/v1/conversations', { method: 'POST', body: { metadata: { note: 'x'.repeat(500) } } });
    }
    expect({ status: write?.status, body: write?.json }).toEqual({ status: 507, body: DISK_FULL });
    expect((await request('/v1/health')).json).toMatchObject({ status: 'degraded', degraded_reasons: ['disk_full'] });

    rmSync(filler);
    expect((await healthUntil(request, (body) => body.status === 'ok')).status).toBe('ok');
    const resumed = await tusUpload(server, token, data, { uploadUrl: begun.url });
    expect(resumed.fileId).toMatch(/^jan_[0-9a-z]{26}$/);
    expect((await download(`${server.url}/v1/media/files/${resumed.fileId}/content`, bearer(token))).body.equals(data)).toBe(true);
    expect((await request('/v1/conversations', { method: 'POST', body: {} })).status).toBe(200);
    expect(existsSync(join(dataDir, 'media', 'uploads', new URL(begun.url).pathname.split('/').pop()!))).toBe(false);
  });
});

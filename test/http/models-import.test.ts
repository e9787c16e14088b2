import { createHash, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../support/error-envelope.js';
import { startScriptedServer, type ScriptedServer } from '../support/inference-server.js';
import { rawRequest } from '../support/raw-http.js';
import { parseSse } from '../support/sse.js';
import { TEST_ADMIN_KEY } from '../support/test-server.js';

const token = TEST_ADMIN_KEY;
/** A fake model file: the GGUF magic, then 3 MiB of noise. */
const file = Buffer.concat([Buffer.from('GGUF'), randomBytes(3 * 1024 * 1024)]);
const sha256 = createHash('sha256').update(file).digest('hex');

/** Serves `file` with Range support; `cutOnce` makes the first full download drop halfway. */
function fileServer() {
  const ranges: Array<string | undefined> = [];
  let cutOnce = false;
  const server: Server = createServer((req, res) => {
    ranges.push(req.headers.range);
    if (req.url === '/redirect.gguf') return void res.writeHead(302, { location: '/model.gguf' }).end();
    if (req.url !== '/model.gguf') return void res.writeHead(404).end();
    const match = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = match ? Number(match[1]) : 0;
    const body = file.subarray(start);
    res.writeHead(match ? 206 : 200, {
      'content-length': body.length,
      ...(match && { 'content-range': `bytes ${start}-${file.length - 1}/${file.length}` }),
    });
    if (cutOnce && !match) {
      cutOnce = false;
      res.write(body.subarray(0, 1024 * 1024 + 123), () => res.destroy());
      return;
    }
    res.end(body);
  });
  return {
    ranges,
    cutNext: () => (cutOnce = true),
    listen: () => new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('POST /v1/models/import', () => {
  const origin = fileServer();
  let base: string;
  let server: ScriptedServer;
  beforeAll(async () => {
    base = await origin.listen();
  });
  afterAll(() => origin.close());
  afterEach(() => server.close());

  const importModel = (body: Record<string, unknown>) => server.request('/v1/models/import', { method: 'POST', token, body });

  it('imports a local file by path and lists it', async () => {
    server = await startScriptedServer([], { modelImportHosts: 'off' });
    const source = join(server.dataDir, 'My Model.gguf');
    await writeFile(source, file);
    const res = await importModel({ path: source, id: 'mine', sha256 });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ id: 'mine', object: 'model', status: 'unloaded', size_bytes: file.length });
    expect((await readFile(join(server.modelsDir, 'mine.gguf'))).equals(file)).toBe(true);
    expectError(await importModel({ path: source, id: 'mine' }), 409, { type: 'conflict_error', param: 'id', code: 'model_exists' });
    expectError(await importModel({ path: 'relative.gguf' }), 400, { type: 'invalid_request_error', param: 'path', code: 'invalid_value' });
    await writeFile(join(server.dataDir, 'text.gguf'), 'hello');
    expectError(await importModel({ path: join(server.dataDir, 'text.gguf') }), 422, { type: 'invalid_request_error', code: 'invalid_model_file' });
    expectError(await importModel({ url: `${base}/model.gguf` }), 400, { type: 'invalid_request_error', code: 'import_disabled' });
  });

  it('downloads from a URL with progress events, following redirects, and checks the SHA-256', async () => {
    server = await startScriptedServer([], { modelImportHosts: 'any' });
    const res = await rawRequest(server.url, {
      method: 'POST', path: '/v1/models/import',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: `${base}/redirect.gguf`, id: 'downloaded', sha256, stream: true }),
    });
    const events = parseSse(res.body.toString('utf8'));
    const progress = events.filter((e) => e.event === 'import.progress').map((e) => e.json.received_bytes);
    expect(progress[0]).toBe(0);
    expect(progress.at(-1)).toBe(file.length);
    expect(progress.length).toBeGreaterThanOrEqual(4);
    expect(events.at(-1)!.event).toBe('import.completed');
    expect(events.at(-1)!.json).toMatchObject({ type: 'import.completed', model: { id: 'downloaded', size_bytes: file.length } });
    expect((await readFile(join(server.modelsDir, 'downloaded.gguf'))).equals(file)).toBe(true);
  });

  it('refuses a download whose SHA-256 differs (422) and keeps nothing', async () => {
    server = await startScriptedServer([], { modelImportHosts: 'any' });
    const res = await importModel({ url: `${base}/model.gguf`, id: 'bad', sha256: '0'.repeat(64) });
    expectError(res, 422, { type: 'invalid_request_error', code: 'checksum_mismatch' });
    expect((await server.request('/v1/models', { token })).json.data).toEqual([]);
  });

  it('resumes an interrupted download with a Range request', async () => {
    server = await startScriptedServer([], { modelImportHosts: 'any' });
    origin.ranges.length = 0;
    origin.cutNext();
    const first = await importModel({ url: `${base}/model.gguf`, id: 'resumed', sha256 });
    expectError(first, 502, { type: 'invalid_request_error', code: 'import_incomplete', message: /import again to resume/ });
    const second = await importModel({ url: `${base}/model.gguf`, id: 'resumed', sha256 });
    expect(second.status).toBe(200);
    expect(origin.ranges).toEqual([undefined, expect.stringMatching(/^bytes=\d+-$/)]);
    expect((await readFile(join(server.modelsDir, 'resumed.gguf'))).equals(file)).toBe(true);
  });

  it('in public mode refuses loopback and private addresses', async () => {
    server = await startScriptedServer([], { modelImportHosts: 'public' });
    expectError(await importModel({ url: `${base}/model.gguf` }), 400, { type: 'invalid_request_error', code: 'import_host_blocked' });
    expectError(await importModel({ url: 'ftp://example.com/x.gguf' }), 400, { type: 'invalid_request_error', param: 'url', code: 'invalid_value' });
    expectError(await importModel({}), 400, { type: 'invalid_request_error', param: 'url', code: 'invalid_value' });
  });
});

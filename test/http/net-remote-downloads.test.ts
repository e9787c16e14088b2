/**
 * Remote-URL media ingest and model import over HTTP, both on server/net's fetcher: the statuses, codes and
 * messages each API gives for the fetcher's refusals. Only loopback servers are contacted.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../support/error-envelope.js';
import { startScriptedServer } from '../support/inference-server.js';
import { startTestServer, TEST_ADMIN_KEY, type TestServer } from '../support/test-server.js';

const LIMIT = 10_000;
const model = Buffer.concat([Buffer.from('GGUF'), randomBytes(2 * 1024 * 1024)]);
const modelSha = createHash('sha256').update(model).digest('hex');
let cutNext = false;
const modelRanges: Array<string | undefined> = [];

/** Loopback origin: big files with and without Content-Length, a redirect loop, and a model file that ignores Range. */
const origin: Server = createServer((req, res) => {
  const big = Buffer.alloc(LIMIT + 1, 'x');
  if (req.url === '/big.txt') return void res.end(big);
  if (req.url === '/big-chunked.txt') {
    res.write(big.subarray(0, 5000));
    return void res.end(big.subarray(5000));
  }
  if (req.url === '/loop') return void res.writeHead(302, { location: '/loop' }).end();
  if (req.url === '/model.gguf') {
    modelRanges.push(req.headers.range);
    res.writeHead(200, { 'content-length': model.length }); // never 206: a Range request gets the whole file
    if (!cutNext) return void res.end(model);
    cutNext = false;
    return void res.write(model.subarray(0, 1024 * 1024 + 7), () => res.destroy());
  }
  res.writeHead(404).end();
});
let base: string;
let port: number;

beforeAll(async () => {
  await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
  port = (origin.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});
afterAll(() => new Promise<void>((resolve) => origin.close(() => resolve())));

describe('remote-URL media ingest', () => {
  const servers: TestServer[] = [];
  afterAll(() => Promise.all(servers.map((s) => s.close())));
  const ingestWith = async (overrides: Parameters<typeof startTestServer>[0]) => {
    const server = await startTestServer(overrides);
    servers.push(server);
    const token = await server.guestToken();
    return (url: string) => server.request('/media/v1/media', { method: 'POST', token, body: { source: { type: 'remote_url', url } } });
  };

  it('refuses a file over the upload limit with 413, by Content-Length and by counting a chunked body', async () => {
    const ingest = await ingestWith({ mediaRemoteFetch: 'any', mediaMaxUploadBytes: LIMIT });
    const tooLarge = { type: 'invalid_request_error', code: 'file_too_large', param: 'source.url', message: `The file is larger than the limit of ${LIMIT} bytes.` };
    expectError(await ingest(`${base}/big.txt`), 413, tooLarge);
    expectError(await ingest(`${base}/big-chunked.txt`), 413, tooLarge);
    expectError(await ingest(`${base}/loop`), 400, {
      type: 'invalid_request_error', code: 'remote_fetch_failed', param: 'source.url', message: `Too many redirects fetching ${base}/loop.`,
    });
  });

  it("under 'public' refuses every literal loopback form, and under 'off' everything", async () => {
    const ingest = await ingestWith({});
    for (const [host, shown] of [['2130706433', '127.0.0.1'], ['0x7f.1', '127.0.0.1'], ['[::1]', '[::1]'], ['[::ffff:127.0.0.1]', '[::ffff:7f00:1]']]) {
      expectError(await ingest(`http://${host}:${port}/big.txt`), 400, {
        type: 'invalid_request_error', code: 'remote_fetch_blocked', param: 'source.url', message: `Refusing to fetch from ${shown}: not a public address.`,
      });
    }
    const off = await ingestWith({ mediaRemoteFetch: 'off' });
    expectError(await off(`${base}/big.txt`), 400, {
      type: 'invalid_request_error', code: 'remote_fetch_disabled', param: 'source.url', message: 'Remote-URL ingest is switched off on this server (JAN_MEDIA_REMOTE_FETCH=off).',
    });
  });
});

describe('model import from a URL', () => {
  const token = TEST_ADMIN_KEY;

  it("under 'public' names the refused host, literal or resolved", async () => {
    const server = await startScriptedServer([], { modelImportHosts: 'public' });
    try {
      const importModel = (url: string) => server.request('/v1/models/import', { method: 'POST', token, body: { url, id: 'm' } });
      for (const [host, shown] of [['[::1]', '::1'], ['0177.0.0.1', '127.0.0.1'], ['localhost', 'localhost']]) {
        expectError(await importModel(`http://${host}:${port}/model.gguf`), 400, {
          type: 'invalid_request_error', code: 'import_host_blocked', message: `Refusing to download from ${shown}: not a public address.`,
        });
      }
    } finally {
      await server.close();
    }
  });

  it('reports HTTP failures, redirect loops and non-URLs as before', async () => {
    const server = await startScriptedServer([], { modelImportHosts: 'any' });
    try {
      const importModel = (url: string) => server.request('/v1/models/import', { method: 'POST', token, body: { url, id: 'm' } });
      expectError(await importModel(`${base}/missing.gguf`), 502, { type: 'invalid_request_error', code: 'import_failed', message: `Downloading ${base}/missing.gguf failed with HTTP 404.` });
      expectError(await importModel(`${base}/loop`), 502, { type: 'invalid_request_error', code: 'import_failed', message: 'Too many redirects.' });
      expectError(await importModel('not a url'), 400, { type: 'invalid_request_error', code: 'invalid_value', param: 'url', message: 'Not a URL: not a url' });
    } finally {
      await server.close();
    }
  });

  it('starts over when the server ignores the Range request, and the file is still whole', async () => {
    const server = await startScriptedServer([], { modelImportHosts: 'any' });
    try {
      const importModel = () => server.request('/v1/models/import', { method: 'POST', token, body: { url: `${base}/model.gguf`, id: 'again', sha256: modelSha } });
      cutNext = true;
      modelRanges.length = 0;
      expectError(await importModel(), 502, { type: 'invalid_request_error', code: 'import_incomplete', message: /^The download stopped at \d+ bytes \(.+\); import again to resume\.$/ });
      const second = await importModel();
      expect(second.status).toBe(200);
      expect(modelRanges).toEqual([undefined, expect.stringMatching(/^bytes=\d+-$/)]);
      expect((await readFile(join(server.modelsDir, 'again.gguf'))).equals(model)).toBe(true);
    } finally {
      await server.close();
    }
  });
});

/**
 * `POST /v1/import` against gzip bombs: a small body that decompresses to far more than JAN_IMPORT_MAX_BYTES
 * gets 413 as soon as the decompressed size passes the limit (once it took the whole 60 s timeout, then 503),
 * and the server keeps answering meanwhile.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../support/error-envelope.js';
import { startTestServer, TEST_ADMIN_KEY, type TestServer } from '../support/test-server.js';

const MiB = 1024 * 1024;
const LIMIT = 32 * MiB;

/** `mebibytes` MiB of `byte` as gzip: one member of 1 MiB repeated (gzip members concatenate), cheap to make. */
const gzipOf = (byte: number, mebibytes: number) => Buffer.concat(Array<Buffer>(mebibytes).fill(gzipSync(Buffer.alloc(MiB, byte))));

describe('import body limits', () => {
  let server: TestServer;
  const importGzip = async (gzip: Buffer) => {
    const res = await fetch(`${server.url}/v1/import`, {
      method: 'POST', body: gzip,
      headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, 'content-type': 'application/x-ndjson', 'content-encoding': 'gzip' },
    });
    return { status: res.status, json: await res.json() };
  };
  const tooLarge = { type: 'invalid_request_error', code: 'request_too_large', message: `The import is larger than ${LIMIT} bytes (after decompression).` };

  beforeAll(async () => {
    server = await startTestServer({ importMaxBytes: LIMIT });
  });
  afterAll(() => server.close());

  it('a gzip stream of empty lines (256 KiB → 256 MiB) is a 413 as soon as it passes the limit', async () => {
    const bomb = gzipOf(0x0a, 256);
    expect(bomb.length).toBeLessThan(MiB);
    expectError(await importGzip(bomb), 413, tooLarge);
    expect((await server.request('/healthz')).status).toBe(200);
  });

  it('a gzip stream of zeros larger than the limit is a 413 too', async () => {
    const small = await startTestServer({ importMaxBytes: MiB });
    try {
      const res = await fetch(`${small.url}/v1/import`, {
        method: 'POST', body: gzipOf(0, 64),
        headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, 'content-type': 'application/x-ndjson', 'content-encoding': 'gzip' },
      });
      expectError({ status: res.status, json: await res.json() }, 413, { ...tooLarge, message: `The import is larger than ${MiB} bytes (after decompression).` });
    } finally {
      await small.close();
    }
  });

  it('takes JSON Lines and JSON types only: text/plain or no type (what a page of another origin can send) is a 415', async () => {
    const line = JSON.stringify({ type: 'project', id: 'proj_typed', name: 'typed', instruction: null, is_favorite: false, archived_at: null, created_at: 1, updated_at: 1 });
    for (const [type, message] of [
      ['text/plain', "Content-Type must be application/x-ndjson (JSON Lines), not 'text/plain'."],
      [undefined, 'Content-Type must be application/x-ndjson (JSON Lines); this request has none.'],
    ] as const) {
      const res = await fetch(`${server.url}/v1/import`, {
        method: 'POST', body: new Blob([`${line}\n`]), headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, ...(type && { 'content-type': type }) },
      });
      expectError({ status: res.status, json: await res.json() }, 415, { type: 'invalid_request_error', code: 'unsupported_media_type', message });
    }
    expect((await server.request('/v1/projects', { token: TEST_ADMIN_KEY })).json.data).toEqual([]);
  });

  it('an import under the limit still works, gzip or not', async () => {
    const line = JSON.stringify({ type: 'project', id: 'proj_small', name: 'small', instruction: null, is_favorite: false, archived_at: null, created_at: 1, updated_at: 1 });
    const res = await importGzip(gzipSync(`${line}\n${'\n'.repeat(1000)}`));
    expect(res).toMatchObject({ status: 200, json: { object: 'import.result', lines: 1001, projects: { created: 1 } } });
    const plain = await server.request('/v1/import', { method: 'POST', token: TEST_ADMIN_KEY, body: `${line}\n`, headers: { 'content-type': 'application/x-ndjson' } });
    expect(plain).toMatchObject({ status: 200, json: { object: 'import.result', lines: 1, projects: { created: 0, skipped: 1 } } });
  });
});

/** Resumable uploads with the tus client library: interrupted and resumed, ownership, limits and expiry. */
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tus from 'tus-js-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../support/error-envelope.js';
import { bearer, download } from '../support/media-fixtures-http.js';
import { rawRequest } from '../support/raw-http.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const MAX = 16 * 1024 * 1024;

/** Printable text (a supported type) of `bytes` length, different every call. */
const randomText = (bytes: number) => Buffer.from(randomBytes(Math.ceil((bytes * 3) / 4)).toString('base64').slice(0, bytes));

interface Done {
  url: string;
  fileId: string | undefined;
  deduped: string | undefined;
}

function runUpload(data: Buffer, options: tus.UploadOptions): { upload: tus.Upload; done: Promise<Done> } {
  let upload!: tus.Upload;
  const done = new Promise<Done>((resolve, reject) => {
    upload = new tus.Upload(data, {
      retryDelays: null,
      chunkSize: 1024 * 1024,
      storeFingerprintForResuming: false,
      ...options,
      onSuccess: ({ lastResponse }) =>
        resolve({ url: upload.url!, fileId: lastResponse.getHeader('Media-File-Id'), deduped: lastResponse.getHeader('Media-Deduped') }),
      onError: reject,
    });
  });
  upload.start();
  return { upload, done };
}

describe('resumable uploads (tus) under /v1/media/uploads', () => {
  let server: TestServer;
  let alice: string;
  let bob: string;
  let endpoint: string;

  beforeAll(async () => {
    server = await startTestServer({ mediaMaxResumableBytes: MAX });
    alice = await server.guestToken();
    bob = await server.guestToken();
    endpoint = `${server.url}/v1/media/uploads`;
  });
  afterAll(() => server.close());

  const head = (url: string, token: string) =>
    rawRequest(server.url, { method: 'HEAD', path: new URL(url).pathname, headers: { ...bearer(token), 'tus-resumable': '1.0.0' } });

  it('resumes an interrupted upload and stores exactly the bytes sent', async () => {
    const data = randomText(6 * 1024 * 1024 + 123);
    let cut!: () => void;
    const interrupted = new Promise<void>((resolve) => (cut = resolve));
    let settled = false;
    const first = runUpload(data, {
      endpoint, headers: bearer(alice), metadata: { filename: 'big-notes.txt' },
      // Cut the connection in the middle of a chunk, as a dropped network would.
      onProgress: (sent) => {
        if (sent > 2.5 * 1024 * 1024 && !settled) {
          settled = true;
          void first.upload.abort().then(cut);
        }
      },
    });
    first.done.then(() => (settled = false), () => undefined);
    await interrupted;
    expect(settled).toBe(true); // aborted, not finished
    const url = first.upload.url!;
    const offset = Number((await head(url, alice)).headers['upload-offset']);
    expect(offset).toBeGreaterThan(1024 * 1024);
    expect(offset).toBeLessThan(data.length);

    const resumed = await runUpload(data, { endpoint, uploadUrl: url, headers: bearer(alice) }).done;
    expect(resumed.fileId).toMatch(/^jan_[0-9a-z]{26}$/);
    expect(resumed.deduped).toBe('false');
    const file = (await server.request(`/v1/media/files/${resumed.fileId}`, { token: alice })).json;
    expect(file).toEqual({
      id: resumed.fileId, object: 'file', filename: 'big-notes.txt', mime_type: 'text/plain', bytes: data.length,
      sha256: createHash('sha256').update(data).digest('hex'), created_at: expect.any(Number),
    });
    const content = await download(`${server.url}/v1/media/files/${resumed.fileId}/content`, bearer(alice));
    expect(content.body.equals(data)).toBe(true);
    // The finished upload is gone from the tus folder (its content moved into the store).
    expect(readdirSync(join(server.dataDir, 'media', 'uploads'))).toEqual([]);
    expectError(await server.request(new URL(url).pathname, { method: 'PATCH', token: alice, headers: { 'tus-resumable': '1.0.0', 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' }, body: 'x' }), 404, {
      type: 'not_found_error', code: 'upload_not_found',
    });
  });

  it("hides an upload from other users, and says dedup when you upload content you have", async () => {
    const data = randomText(300_000);
    const first = await runUpload(data, { endpoint, headers: bearer(alice), chunkSize: 100_000 }).done;
    const again = await runUpload(data, { endpoint, headers: bearer(alice) }).done;
    expect([again.fileId, again.deduped]).toEqual([first.fileId, 'true']);

    let started: tus.Upload | undefined;
    const partial = runUpload(randomText(3_000_000), {
      endpoint, headers: bearer(alice), chunkSize: 1_000_000,
      onChunkComplete: () => {
        if (!started) {
          started = partial.upload;
          void partial.upload.abort();
        }
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const url = partial.upload.url!;
    expect((await head(url, alice)).status).toBe(200);
    const asBob = await rawRequest(server.url, { method: 'PATCH', path: new URL(url).pathname, headers: { ...bearer(bob), 'tus-resumable': '1.0.0', 'upload-offset': '1000000', 'content-type': 'application/offset+octet-stream' }, body: 'stolen' });
    expectError({ status: asBob.status, json: asBob.json }, 404, { type: 'not_found_error', code: 'upload_not_found', message: 'The file for this url was not found' });
    expect((await head(url, bob)).status).toBe(404);
    expect((await server.request(new URL(url).pathname, { method: 'DELETE', token: bob, headers: { 'tus-resumable': '1.0.0' } })).status).toBe(404);
    // The owner can cancel it.
    expect((await server.request(new URL(url).pathname, { method: 'DELETE', token: alice, headers: { 'tus-resumable': '1.0.0' } })).status).toBe(204);
    expect((await head(url, alice)).status).toBe(404);
  });

  it('answers protocol and content errors in the error envelope', async () => {
    const post = (headers: Record<string, string>) => server.request('/v1/media/uploads', { method: 'POST', token: alice, headers });
    expectError(await post({ 'tus-resumable': '1.0.0', 'upload-length': String(MAX + 1) }), 413, {
      type: 'invalid_request_error', code: 'file_too_large', message: 'Maximum size exceeded',
    });
    expectError(await post({ 'upload-length': '10' }), 412, { type: 'invalid_request_error', code: 'tus_resumable_required', message: 'Tus-Resumable Required' });
    expectError(await post({ 'tus-resumable': '1.0.0', 'upload-length': '0' }), 400, {
      type: 'invalid_request_error', code: 'empty_file', param: 'file', message: 'The file is empty (0 bytes).',
    });
    await expect(runUpload(randomBytes(50_000), { endpoint, headers: bearer(alice) }).done).rejects.toThrow(/response code: 415/);
    expectError(await server.request('/v1/media/uploads/abc', { token: alice }), 405, { type: 'invalid_request_error', code: 'method_not_allowed' });
    expect(readdirSync(join(server.dataDir, 'media', 'uploads'))).toEqual([]);
  });

  it('deletes unfinished uploads once the resume window has passed', async () => {
    const created = await server.request('/v1/media/uploads', {
      method: 'POST', token: alice, headers: { 'tus-resumable': '1.0.0', 'upload-length': '1000', 'upload-metadata': `filename ${Buffer.from('late.txt').toString('base64')}` },
    });
    expect(created.status).toBe(201);
    const url = created.headers.get('location')!;
    expect(url).toMatch(new RegExp(`^${endpoint}/[0-9a-f]{32}$`));
    expect(Date.parse(created.headers.get('upload-expires')!) - Date.now()).toBeGreaterThan(23.9 * 3600 * 1000);
    expect((await head(url, alice)).headers['upload-offset']).toBe('0');
    // Age the upload past the 24-hour window: it cannot be resumed, and the sweep (hourly) deletes it.
    const info = join(server.dataDir, 'media', 'uploads', `${url.split('/').pop()}.json`);
    const record = JSON.parse(readFileSync(info, 'utf8'));
    writeFileSync(info, JSON.stringify({ ...record, creation_date: new Date(Date.now() - 25 * 3600 * 1000).toISOString() }));
    expect((await head(url, alice)).status).toBe(410);
    expect(await server.services.mediaUploads.sweep()).toBe(1);
    expect((await head(url, alice)).status).toBe(404);
    expect(readdirSync(join(server.dataDir, 'media', 'uploads'))).toEqual([]);
  });
});

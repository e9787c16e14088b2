import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../support/error-envelope.js';
import { encodeImage, renderText, textPdf } from '../support/media-fixtures.js';
import { bearer, download, uploadFile } from '../support/media-fixtures-http.js';
import { rawRequest } from '../support/raw-http.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

describe('media files: upload, list, get, download, delete', () => {
  let server: TestServer;
  let alice: string;
  let bob: string;
  const png = encodeImage(renderText(['Receipt 123']), 'png');
  const pdf = textPdf([['A small report']]);

  beforeAll(async () => {
    server = await startTestServer();
    alice = await server.guestToken();
    bob = await server.guestToken();
  });
  afterAll(() => server.close());

  it('stores a multipart upload and describes it, with the type sniffed from the bytes', async () => {
    const res = await uploadFile(server, alice, png, 'receipt.pdf'); // a misleading name does not change the type
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      id: expect.stringMatching(/^jan_[0-9a-z]{26}$/),
      object: 'file',
      filename: 'receipt.pdf',
      mime_type: 'image/png',
      bytes: png.length,
      sha256: sha256(png),
      created_at: expect.any(Number),
      deduped: false,
    });
    const { deduped: _, ...file } = res.json;
    expect((await server.request(`/v1/media/files/${file.id}`, { token: alice })).json).toEqual(file);
  });

  it('returns the earlier file with deduped: true when the same user uploads the same bytes', async () => {
    const first = await uploadFile(server, alice, pdf, 'report.pdf');
    const again = await uploadFile(server, alice, pdf, 'copy.pdf');
    expect(again.json).toEqual({ ...first.json, deduped: true });
    // Another user gets a file of their own (the content is still stored once).
    const other = await uploadFile(server, bob, pdf, 'bob.pdf');
    expect(other.json).toMatchObject({ deduped: false, sha256: first.json.sha256, filename: 'bob.pdf' });
    expect(other.json.id).not.toBe(first.json.id);
  });

  it("answers 404 for another user's file everywhere", async () => {
    const mine = (await uploadFile(server, alice, Buffer.from('only for alice\n'), 'note.txt')).json;
    const notFound = { type: 'not_found_error', code: 'file_not_found', param: 'file_id', message: `No file found with id '${mine.id}'.` };
    expectError(await server.request(`/v1/media/files/${mine.id}`, { token: bob }), 404, notFound);
    expectError(await server.request(`/v1/media/files/${mine.id}/content`, { token: bob }), 404, notFound);
    expectError(await server.request(`/v1/media/files/${mine.id}`, { method: 'DELETE', token: bob }), 404, notFound);
    expectError(await server.request(`/v1/media/files/${mine.id}/extract-text`, { method: 'POST', token: bob, body: {} }), 404, notFound);
    expectError(await server.request(`/media/v1/media/${mine.id}`, { token: bob }), 404, notFound);
    expect((await server.request(`/v1/media/files/${mine.id}`, { token: alice })).status).toBe(200);
  });

  it('lists your own files newest first with cursor pagination', async () => {
    const carol = await server.guestToken();
    const ids: string[] = [];
    for (const n of [1, 2, 3]) ids.push((await uploadFile(server, carol, Buffer.from(`file number ${n}\n`), `f${n}.txt`)).json.id);
    const page1 = await server.request('/v1/media/files?limit=2', { token: carol });
    expect(page1.json).toMatchObject({ object: 'list', first_id: ids[2], last_id: ids[1], has_more: true });
    expect(page1.json.data.map((f: { id: string }) => f.id)).toEqual([ids[2], ids[1]]);
    const page2 = await server.request(`/v1/media/files?limit=2&after=${ids[1]}`, { token: carol });
    expect(page2.json).toEqual({ object: 'list', data: [expect.objectContaining({ id: ids[0], filename: 'f1.txt', mime_type: 'text/plain' })], first_id: ids[0], last_id: ids[0], has_more: false });
    const asc = await server.request('/v1/media/files?order=asc', { token: carol });
    expect(asc.json.data.map((f: { id: string }) => f.id)).toEqual(ids);
  });

  it('downloads the exact bytes, whole or by range, with validators', async () => {
    const png = encodeImage(renderText(['Another image to download']), 'png');
    const { id } = (await uploadFile(server, alice, png, 'r.png')).json;
    const url = `${server.url}/v1/media/files/${id}/content`;
    const whole = await download(url, bearer(alice));
    expect(whole.status).toBe(200);
    expect(whole.body.equals(png)).toBe(true);
    expect(Object.fromEntries(['content-type', 'content-length', 'accept-ranges', 'etag', 'content-disposition'].map((h) => [h, whole.headers.get(h)]))).toEqual({
      'content-type': 'image/png',
      'content-length': String(png.length),
      'accept-ranges': 'bytes',
      etag: `"${sha256(png)}"`,
      'content-disposition': `attachment; filename="r.png"; filename*=UTF-8''r.png`,
    });

    const first = await download(url, { ...bearer(alice), range: 'bytes=0-99' });
    expect([first.status, first.headers.get('content-range'), first.body.equals(png.subarray(0, 100))]).toEqual([206, `bytes 0-99/${png.length}`, true]);
    const tail = await download(url, { ...bearer(alice), range: 'bytes=-50' });
    expect([tail.status, tail.body.equals(png.subarray(png.length - 50))]).toEqual([206, true]);
    const open = await download(url, { ...bearer(alice), range: `bytes=${png.length - 10}-` });
    expect([open.status, open.headers.get('content-length'), open.body.equals(png.subarray(png.length - 10))]).toEqual([206, '10', true]);
    const stale = await download(url, { ...bearer(alice), range: 'bytes=0-9', 'if-range': '"something-else"' });
    expect([stale.status, stale.body.length]).toEqual([200, png.length]);
    // fetch adds `Cache-Control: no-cache` to conditional requests, so ask the way a browser revalidates.
    const cached = await rawRequest(server.url, { path: `/v1/media/files/${id}/content`, headers: { ...bearer(alice), 'if-none-match': `"${sha256(png)}"` } });
    expect([cached.status, cached.body.length]).toEqual([304, 0]);

    const outside = await server.request(`/v1/media/files/${id}/content`, { token: alice, headers: { range: `bytes=${png.length}-` } });
    expectError(outside, 416, { type: 'invalid_request_error', code: 'range_not_satisfiable', param: 'Range', message: `The range 'bytes=${png.length}-' is outside the file (${png.length} bytes).` });
    expect(outside.headers.get('content-range')).toBe(`bytes */${png.length}`);
  });

  it('deletes a file, and its content once no file refers to it', async () => {
    const content = Buffer.from('delete me soon\n');
    const a = (await uploadFile(server, alice, content, 'a.txt')).json;
    const b = (await uploadFile(server, bob, content, 'b.txt')).json;
    const blob = join(server.dataDir, 'media', 'blobs', a.sha256.slice(0, 2), a.sha256);
    expect((await server.request(`/v1/media/files/${a.id}`, { method: 'DELETE', token: alice })).json).toEqual({ id: a.id, object: 'file', deleted: true });
    expect(existsSync(blob)).toBe(true); // bob's file still uses it
    expect((await server.request(`/v1/media/files/${a.id}`, { token: alice })).status).toBe(404);
    expect((await server.request(`/v1/media/files/${b.id}`, { method: 'DELETE', token: bob })).status).toBe(200);
    expect(existsSync(blob)).toBe(false);
    expectError(await server.request(`/v1/media/files/${b.id}`, { method: 'DELETE', token: bob }), 404, { type: 'not_found_error', code: 'file_not_found', param: 'file_id' });
  });

  it('needs credentials on every media route except signed URLs', async () => {
    const unauthorized = { type: 'authentication_error', code: 'invalid_api_key' };
    expectError(await uploadFile(server, undefined, png), 401, unauthorized);
    for (const path of ['/v1/media/files', '/v1/media/files/jan_x', '/v1/media/files/jan_x/content', '/media/v1/media/jan_x', '/media/v1/media/jan_x/presign']) {
      expectError(await server.request(path), 401, unauthorized);
    }
    expectError(await server.request('/v1/media/files/jan_x/extract-text', { method: 'POST', body: {} }), 401, unauthorized);
    expectError(await server.request('/v1/media/uploads', { method: 'POST', headers: { 'tus-resumable': '1.0.0', 'upload-length': '10' } }), 401, unauthorized);
  });
});

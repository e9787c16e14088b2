/** Jan Server's media API (/media/v1/media): ingest, dedup, presigned URLs, placeholder resolve, presigned upload. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../support/error-envelope.js';
import { encodeImage, renderText } from '../support/media-fixtures.js';
import { bearer, download } from '../support/media-fixtures-http.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/** The 1×1 PNG of Jan's own collection. */
const PIXEL = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const pixel = Buffer.from(PIXEL, 'base64');

describe('Jan media API', () => {
  let server: TestServer;
  let token: string;
  let origin: Server;
  let originUrl: string;
  const ingest = (body: unknown) => server.request('/media/v1/media', { method: 'POST', token, body });

  beforeAll(async () => {
    server = await startTestServer({ mediaRemoteFetch: 'any' });
    token = await server.guestToken();
    // A local web server for remote-URL ingest.
    const png = encodeImage(renderText(['remote']), 'png');
    origin = createServer((req, res) => {
      if (req.url === '/files/robot.png') res.writeHead(200, { 'content-type': 'image/png' }).end(png);
      else if (req.url === '/moved') res.writeHead(302, { location: '/files/robot.png' }).end();
      else res.writeHead(404).end('nope');
    });
    await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
    originUrl = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    origin.close();
    await server.close();
  });

  it('ingests a data URL, and the same content again as deduped with the same id', async () => {
    const first = await ingest({ source: { type: 'data_url', data_url: `data:image/png;base64,${PIXEL}` }, filename: 'test-pixel.png', user_id: 'automation' });
    expect(first.status).toBe(200);
    expect(first.json).toEqual({
      id: expect.stringMatching(/^jan_[a-z0-9]+$/), mime: 'image/png', bytes: pixel.length, deduped: false,
      presigned_url: expect.stringMatching(new RegExp(`^${server.url}/v1/media/signed/jan_[a-z0-9]+\\?expires=\\d+&signature=[0-9a-f]{64}$`)),
    });
    const again = await ingest({ source: { type: 'data_url', data_url: `data:image/png;base64,${PIXEL}` }, filename: 'dup.png' });
    expect(again.json).toEqual({ ...first.json, deduped: true, presigned_url: expect.any(String) });
    // The presigned URL needs no credentials and gives the exact bytes.
    const signed = await download(first.json.presigned_url);
    expect([signed.status, signed.headers.get('content-type'), signed.body.equals(pixel)]).toEqual([200, 'image/png', true]);
  });

  it('streams, presigns and resolves placeholders for your files', async () => {
    const { id } = (await ingest({ source: { type: 'data_url', data_url: `data:image/png;base64,${encodeImage(renderText(['jan']), 'png').toString('base64')}` } })).json;
    const proxied = await download(`${server.url}/media/v1/media/${id}`, bearer(token));
    expect([proxied.status, proxied.headers.get('content-type')]).toEqual([200, 'image/png']);

    const presigned = (await server.request(`/media/v1/media/${id}/presign`, { token })).json;
    expect(presigned).toEqual({ id, url: expect.stringContaining(`/v1/media/signed/${id}?`), expires_in: 3600 });
    expect((await download(presigned.url)).body.equals(proxied.body)).toBe(true);

    const payload = { model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: "What's in this image?" }, { type: 'image_url', image_url: { url: `data:image/png;${id}` } }] }] };
    const resolved = (await server.request('/media/v1/media/resolve', { method: 'POST', token, body: { payload } })).json;
    const url = resolved.payload.messages[0].content[1].image_url.url;
    expect(url).toMatch(new RegExp(`^${server.url}/v1/media/signed/${id}\\?expires=`));
    expect(resolved.payload).toEqual({ ...payload, messages: [{ ...payload.messages[0], content: [payload.messages[0]!.content[0], { type: 'image_url', image_url: { url } }] }] });
    const plain = { messages: [{ role: 'user', content: 'Hello, this message has no media placeholders.' }] };
    expect((await server.request('/media/v1/media/resolve', { method: 'POST', token, body: { payload: plain } })).json).toEqual({ payload: plain });
    expectError(await server.request('/media/v1/media/resolve', { method: 'POST', token, body: { payload: { url: 'data:image/png;jan_unknown0000' } } }), 404, {
      type: 'not_found_error', code: 'file_not_found', param: 'file_id',
    });
  });

  it('refuses a tampered or foreign signature with 403', async () => {
    const { presigned_url: url } = (await ingest({ source: { type: 'data_url', data_url: `data:text/plain;base64,${Buffer.from('secret notes').toString('base64')}` } })).json;
    const tampered = url.replace(/signature=(.)/, (_: string, c: string) => `signature=${c === 'a' ? 'b' : 'a'}`);
    const forbidden = { type: 'permission_error', code: 'invalid_signature', message: 'The signature is invalid or the URL has expired.' };
    expectError(await server.request(new URL(tampered).pathname + new URL(tampered).search), 403, forbidden);
    const longer = url.replace(/expires=(\d+)/, (_: string, e: string) => `expires=${Number(e) + 1000}`);
    expectError(await server.request(new URL(longer).pathname + new URL(longer).search), 403, forbidden);
    expectError(await server.request(`${new URL(url).pathname}?expires=1&signature=abc`), 400, { type: 'invalid_request_error', code: 'invalid_value', param: 'signature' });
  });

  it('ingests a remote URL (following a redirect) and reports remote failures as 400', async () => {
    const res = await ingest({ source: { type: 'remote_url', url: `${originUrl}/moved` } });
    expect(res.json).toMatchObject({ mime: 'image/png', deduped: false });
    expect((await server.request(`/v1/media/files/${res.json.id}`, { token })).json.filename).toBe('robot.png');
    expectError(await ingest({ source: { type: 'remote_url', url: `${originUrl}/missing.png` } }), 400, {
      type: 'invalid_request_error', code: 'remote_fetch_failed', param: 'source.url', message: `Fetching ${originUrl}/missing.png failed with HTTP 404.`,
    });
    expectError(await ingest({ source: { type: 'remote_url', url: 'file:///etc/passwd' } }), 400, {
      type: 'invalid_request_error', code: 'remote_fetch_blocked', param: 'source.url', message: 'Only http and https URLs can be fetched, not file:',
    });
  });

  it('by default fetches only from public addresses', async () => {
    const strict = await startTestServer();
    try {
      const res = await strict.request('/media/v1/media', { method: 'POST', token: await strict.guestToken(), body: { source: { type: 'remote_url', url: `${originUrl}/files/robot.png` } } });
      expectError(res, 400, { type: 'invalid_request_error', code: 'remote_fetch_blocked', param: 'source.url', message: 'Refusing to fetch from 127.0.0.1: not a public address.' });
      const named = await strict.request('/media/v1/media', { method: 'POST', token: await strict.guestToken(), body: { source: { type: 'remote_url', url: originUrl.replace('127.0.0.1', 'localhost') + '/files/robot.png' } } });
      expectError(named, 400, { type: 'invalid_request_error', code: 'remote_fetch_blocked', param: 'source.url', message: expect.stringMatching(/^Refusing to fetch from localhost \(/) as unknown as string });
    } finally {
      await strict.close();
    }
  });

  it('prepares a presigned upload that becomes the reserved id once the bytes are PUT', async () => {
    const prepared = (await server.request('/media/v1/media/prepare-upload', { method: 'POST', token, body: { mime_type: 'image/jpg', user_id: 'automation' } })).json;
    expect(prepared).toEqual({ id: expect.stringMatching(/^jan_[a-z0-9]+$/), upload_url: expect.stringMatching(/^http:\/\/.+\/v1\/media\/signed\/jan_/), mime_type: 'image/jpeg', expires_in: 3600 });
    const put = async (body: Uint8Array) => {
      const res = await fetch(prepared.upload_url, { method: 'PUT', body });
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- asserted below
      return { status: res.status, json: (await res.json()) as any };
    };
    const wrong = await put(encodeImage(renderText(['png, not jpeg']), 'png'));
    expect([wrong.status, wrong.json.error.code]).toEqual([415, 'unsupported_media_type']);
    const jpeg = encodeImage(renderText(['a jpeg']), 'jpeg');
    const ok = await put(jpeg);
    expect([ok.status, ok.json]).toEqual([200, { id: prepared.id, mime: 'image/jpeg', bytes: jpeg.length, deduped: false, presigned_url: expect.any(String) }]);
    expect((await server.request(`/v1/media/files/${prepared.id}`, { token })).json).toMatchObject({ id: prepared.id, filename: 'upload.jpg', mime_type: 'image/jpeg' });
    const twice = await put(jpeg);
    expect([twice.status, twice.json.error.code]).toEqual([409, 'already_uploaded']);
    expectError(await server.request('/media/v1/media/prepare-upload', { method: 'POST', token, body: { mime_type: 'application/zip' } }), 415, {
      type: 'invalid_request_error', code: 'unsupported_media_type', param: 'mime_type',
    });
  });

  it("answers Jan's error cases: unknown id 404, unknown source type 400, no credentials 401", async () => {
    expectError(await server.request('/media/v1/media/jan_nonexistent123', { token }), 404, {
      type: 'not_found_error', code: 'file_not_found', param: 'file_id', message: "No file found with id 'jan_nonexistent123'.",
    });
    expectError(await ingest({ source: { type: 'invalid_type', url: 'https://example.com/image.png' }, user_id: 'automation' }), 400, {
      type: 'invalid_request_error', code: 'unknown_source_type', param: 'source.type', message: "unknown source type 'invalid_type'; use 'data_url' or 'remote_url'.",
    });
    expectError(await ingest({ source: { type: 'data_url' } }), 400, { type: 'invalid_request_error', code: 'missing_value', param: 'source.data_url' });
    const anonymous = await server.request('/media/v1/media', { method: 'POST', body: { source: { type: 'remote_url', url: `${originUrl}/files/robot.png` } } });
    expectError(anonymous, 401, { type: 'authentication_error', code: 'invalid_api_key' });
    expect((await server.request('/media/healthz')).json).toEqual({ status: 'ok' });
  });
});

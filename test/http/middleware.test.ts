/**
 * The request pipeline: request ids, JSON body reading (size limit, invalid JSON, Content-Type, stray
 * bytes), response compression and the request timeout. Host check, CORS, 404 and 405 are in
 * request-routing.test.ts.
 */
import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../support/error-envelope.js';
import { rawRequest, type RawResponse } from '../support/raw-http.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const invalid = { type: 'invalid_request_error' };

describe('request ids', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('echoes a sane client X-Request-Id', async () => {
    const id = 'client-req_42.a';
    expect((await server.request('/healthz', { headers: { 'x-request-id': id } })).headers.get('x-request-id')).toBe(id);
  });

  it('generates a fresh UUID otherwise, also on errors', async () => {
    const seen = new Set<string>();
    for (const sent of [undefined, '', 'has spaces', 'a'.repeat(129), '<script>', 'new\u00e9line']) {
      const headers: Record<string, string> = sent === undefined ? {} : { 'x-request-id': sent };
      const res = await server.request('/no/such/route', { headers });
      const id = res.headers.get('x-request-id')!;
      expect(id, String(sent)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      seen.add(id);
    }
    expect(seen.size).toBe(6);
  });
});

describe('JSON request bodies', () => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer({ bodyLimitBytes: 1024 });
    token = await server.guestToken();
  });
  afterAll(() => server.close());

  const post = (body: string, headers: Record<string, string> = {}) =>
    server.request('/v1/projects', { method: 'POST', token, body, headers: { 'content-type': 'application/json', ...headers } });

  it('a body over bodyLimitBytes is a 413 envelope', async () => {
    const res = await post(JSON.stringify({ name: 'x', instruction: 'y'.repeat(2000) }));
    expectError(res, 413, { ...invalid, code: 'request_too_large', message: 'Request body is larger than 1024 bytes.' });
  });

  it('a chunked body over the limit (no Content-Length) is a 413 too', async () => {
    const res = await new Promise<RawResponse>((resolve, reject) => {
      const url = new URL(server.url);
      const req = request(
        { host: url.hostname, port: url.port, method: 'POST', path: '/v1/projects', agent: false,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'transfer-encoding': 'chunked' } },
        (r) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => resolve({ status: r.statusCode!, headers: r.headers, body: Buffer.concat(chunks), json: JSON.parse(Buffer.concat(chunks).toString()) }));
        },
      );
      req.on('error', reject);
      req.write('{"name":"x","instruction":"');
      for (let i = 0; i < 4; i++) req.write('z'.repeat(400));
      req.end('"}');
    });
    expectError(res, 413, { ...invalid, code: 'request_too_large' });
  });

  it('a body just under the limit is read', async () => {
    const body = JSON.stringify({ name: 'fits', instruction: '' });
    const padded = body.replace('""', `"${'i'.repeat(1024 - body.length)}"`);
    expect(Buffer.byteLength(padded)).toBe(1024);
    expect((await post(padded)).status).toBe(201);
  });

  it('a body that is not JSON is a 400 invalid_json', async () => {
    for (const body of ['{"name":', 'name=x', '{name: "x"}', "{'name':'x'}", 'nul', '\u0000']) {
      expectError(await post(body), 400, { ...invalid, code: 'invalid_json', message: 'The request body is not valid JSON.' });
    }
  });

  it('stray bytes after a first valid JSON value are ignored (Jan collection compatibility)', async () => {
    const res = await post('{"name":"stray"}}');
    expect(res.status).toBe(201);
    expect(res.json.name).toBe('stray');
    expect((await post('{"name":"newline"}\n garbage')).status).toBe(201);
  });

  it('an empty body is validated as {}', async () => {
    expectError(await post(''), 400, { ...invalid, code: 'invalid_type', param: 'name' });
  });

  it('JSON that is not an object fails validation with a 400', async () => {
    for (const body of ['[]', 'null', '42', '"name"', 'true']) {
      expectError(await post(body), 400, { ...invalid, code: 'invalid_type', param: null });
    }
  });

  it('a wrong Content-Type is a 415', async () => {
    for (const type of ['text/plain', 'multipart/form-data; boundary=x', 'application/xml', 'application/jsonp']) {
      const res = await post('{"name":"x"}', { 'content-type': type });
      expectError(res, 415, { ...invalid, code: 'unsupported_media_type', message: `Content-Type must be application/json, not '${type}'.` });
    }
  });

  it('application/json with a charset and +json types are read as JSON; a body without Content-Type is a 415', async () => {
    for (const type of ['application/json; charset=utf-8', 'application/merge-patch+json', 'APPLICATION/JSON']) {
      expect((await post('{"name":"typed"}', { 'content-type': type })).status, type).toBe(201);
    }
    const bare = await rawRequest(server.url, {
      method: 'POST', path: '/v1/projects', headers: { authorization: `Bearer ${token}` }, body: '{"name":"untyped"}',
    });
    expectError(bare, 415, { ...invalid, code: 'unsupported_media_type', message: 'Content-Type must be application/json; this request has a body and no Content-Type.' });
  });

  it('does not read the body of a request whose credentials are missing', async () => {
    const res = await server.request('/v1/projects', { method: 'POST', body: 'x'.repeat(5000), headers: { 'content-type': 'text/plain' } });
    expectError(res, 401, { type: 'authentication_error', code: 'invalid_api_key' });
  });
});

describe('response compression', () => {
  let server: TestServer;
  let plain: string;
  beforeAll(async () => {
    server = await startTestServer();
    plain = (await rawRequest(server.url, { path: '/v1/openapi.json' })).body.toString('utf8');
  });
  afterAll(() => server.close());

  it('sends responses over 1 KB uncompressed when the client does not ask', async () => {
    const res = await rawRequest(server.url, { path: '/v1/openapi.json' });
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.body.length).toBeGreaterThan(1024);
    expect(JSON.parse(plain).openapi).toBe('3.1.0');
  });

  it('gzips responses over 1 KB for clients that accept gzip', async () => {
    const res = await rawRequest(server.url, { path: '/v1/openapi.json', headers: { 'accept-encoding': 'gzip' } });
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers.vary).toMatch(/accept-encoding/i);
    expect(res.body.length).toBeLessThan(plain.length);
    expect(gunzipSync(res.body).toString('utf8')).toBe(plain);
  });

  it('uses brotli when the client accepts it', async () => {
    const res = await rawRequest(server.url, { path: '/v1/openapi.json', headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(res.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(res.body).toString('utf8')).toBe(plain);
  });

  it('compresses the metrics text as well', async () => {
    const res = await rawRequest(server.url, { path: '/metrics', headers: { 'accept-encoding': 'gzip' } });
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(res.body).toString('utf8')).toContain('# TYPE jan_requests_total counter');
  });

  it('never compresses responses under 1 KB', async () => {
    for (const path of ['/healthz', '/v1/health', '/no/such/route']) {
      const res = await rawRequest(server.url, { path, headers: { 'accept-encoding': 'gzip, br' } });
      expect(res.headers['content-encoding'], path).toBeUndefined();
      expect(res.body.length, path).toBeLessThan(1024);
      expect(res.json, path).toBeDefined();
    }
  });
});

describe('request timeout', () => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer({ requestTimeoutMs: 200 });
    token = await server.guestToken();
  });
  afterAll(() => server.close());

  // No route is slow on its own yet, but a client that trickles its body is: reading the body is part of
  // the endpoint's work, so it runs under the timeout.
  it('answers 503 timeout_error with Retry-After when the endpoint does not finish in time', async () => {
    const url = new URL(server.url);
    const res = await new Promise<RawResponse>((resolve, reject) => {
      const req = request(
        { host: url.hostname, port: url.port, method: 'POST', path: '/v1/projects', agent: false,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': 100 } },
        (r) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => {
            req.destroy();
            const body = Buffer.concat(chunks);
            resolve({ status: r.statusCode!, headers: r.headers, body, json: JSON.parse(body.toString()) });
          });
        },
      );
      req.on('error', reject);
      req.write('{"name":"slow'); // and never the rest
    });
    expectError(res, 503, { type: 'timeout_error', code: 'request_timeout', message: 'The request took longer than 200 ms and was stopped.' });
    expect(res.headers['retry-after']).toBe('1');
    expect((await server.request('/healthz')).status).toBe(200);
  });
});

/**
 * Cross-site request forgery. A browser sends the dashboard's session cookie (SameSite=Strict, but every port of
 * 127.0.0.1 is the same site) with "simple" cross-origin requests: form posts and no-cors fetches, whose body
 * can only be form-encoded, text/plain or multipart. So JSON endpoints take only JSON content types, and a write
 * carried by an ambient credential (the session cookie, or anything at all with `JAN_AUTH=off`) must come from the
 * server's own origin. API keys and tokens are headers no other page can make a browser send: unaffected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../support/error-envelope.js';
import { rawRequest, type RawResponse } from '../support/raw-http.js';
import { startTestServer, TEST_ADMIN_KEY, type TestServer } from '../support/test-server.js';

const forbidden = { type: 'permission_error', code: 'forbidden', message: /origin/i };
const unsupported = { type: 'invalid_request_error', code: 'unsupported_media_type' };
const admin = { authorization: `Bearer ${TEST_ADMIN_KEY}` };
const JSON_TYPE = { 'content-type': 'application/json' };

interface Send {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/** A dashboard session cookie (`jan_session=…`), as the one-time login link gives the browser. */
async function login(server: TestServer): Promise<string> {
  const res = await fetch(`${server.url}/?token=${server.services.sessions.newLoginLinkToken()}`, { redirect: 'manual' });
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('jan_session='));
  if (res.status !== 302 || !cookie) throw new Error(`login failed: ${res.status}`);
  return cookie.split(';')[0]!;
}

/** A multipart body with one part `file`, as a form with a file input sends it. */
function multipart(text: string): { body: string; type: string } {
  const boundary = 'csrf-boundary-1234';
  const body = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\n${text}\r\n--${boundary}--\r\n`;
  return { body, type: `multipart/form-data; boundary=${boundary}` };
}

/** Every kind of write the API has, as a cross-origin page could make the browser send it. */
function writes(conversationId: string): Send[] {
  const upload = multipart('hello from another origin');
  return [
    { path: '/v1/conversations', headers: JSON_TYPE, body: '{"title":"forged"}' },
    { path: '/v1/conversations' }, // no body at all: a valid create
    { path: '/auth/api-keys', headers: JSON_TYPE, body: '{"name":"forged"}' },
    { method: 'PATCH', path: `/v1/conversations/${conversationId}`, headers: JSON_TYPE, body: '{"title":"forged"}' },
    { method: 'DELETE', path: `/v1/conversations/${conversationId}` },
    { path: '/v1/media/upload', headers: { 'content-type': upload.type }, body: upload.body },
    { path: '/v1/media/uploads', headers: { 'tus-resumable': '1.0.0', 'upload-length': '5' } },
    { method: 'PATCH', path: '/v1/media/uploads/up_none', headers: { 'tus-resumable': '1.0.0', 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' }, body: 'hello' },
    { path: '/v1/import', headers: { 'content-type': 'application/x-ndjson' }, body: `${JSON.stringify({ type: 'project', id: 'proj_forged', name: 'forged', instruction: null, is_favorite: false, archived_at: null, created_at: 1, updated_at: 1 })}\n` },
    { path: '/v1/models/nope/load' },
    { path: '/dashboard/logout' },
  ];
}

describe('CSRF: the dashboard session cookie', () => {
  let server: TestServer;
  let cookie: string;
  let conversationId: string;
  let foreign: string;

  const send = ({ method = 'POST', path, headers = {}, body }: Send, extra: Record<string, string> = {}): Promise<RawResponse> =>
    rawRequest(server.url, { method, path, headers: { ...headers, ...extra }, body });
  /** What a user owns, read with the admin key (the owner, as the session is). */
  const state = async () => ({
    conversations: (await rawRequest(server.url, { path: '/v1/conversations?limit=100', headers: admin })).json.data,
    keys: (await rawRequest(server.url, { path: '/auth/api-keys', headers: admin })).json,
    files: (await rawRequest(server.url, { path: '/v1/media/files', headers: admin })).json.data,
    projects: (await rawRequest(server.url, { path: '/v1/projects', headers: admin })).json.data,
    me: (await rawRequest(server.url, { path: '/auth/me', headers: { cookie } })).status,
  });

  beforeAll(async () => {
    server = await startTestServer();
    cookie = await login(server);
    conversationId = (await server.request('/v1/conversations', { method: 'POST', token: TEST_ADMIN_KEY, body: { title: 'mine' } })).json.id;
    // Another port of the same loopback address: the same site, a different origin.
    const port = Number(new URL(server.url).port);
    foreign = `http://127.0.0.1:${port === 65535 ? port - 1 : port + 1}`;
  });
  afterAll(() => server.close());

  it('JSON endpoints refuse form-encoded and text/plain bodies with 415, whatever the credentials', async () => {
    for (const type of ['application/x-www-form-urlencoded', 'text/plain', 'text/plain;charset=UTF-8', 'multipart/form-data; boundary=x']) {
      const message = `Content-Type must be application/json, not '${type}'.`;
      for (const credential of [admin, { cookie, origin: server.url }]) {
        const res = await send({ path: '/v1/conversations', headers: { 'content-type': type, ...credential }, body: '{"title":"forged"}' });
        expectError(res, 415, { ...unsupported, message });
      }
    }
    expect((await state()).conversations.map((c: { title: string }) => c.title)).toEqual(['mine']);
  });

  it('a body without a Content-Type is a 415; a POST without a body needs none', async () => {
    const untyped = await send({ path: '/v1/projects', headers: admin, body: '{"name":"untyped"}' });
    expectError(untyped, 415, { ...unsupported, message: 'Content-Type must be application/json; this request has a body and no Content-Type.' });
    const empty = await send({ path: '/v1/admin/jobs/cleanup/run', headers: admin });
    expect(empty.status).toBe(200);
    const zeroLength = await send({ path: '/auth/guest-login', headers: { 'content-length': '0' } });
    expect(zeroLength.status).toBe(201);
  });

  it('every kind of write with the cookie from another origin is a 403 and changes nothing (logout too)', async () => {
    const before = await state();
    for (const write of writes(conversationId)) {
      const res = await send(write, { cookie, origin: foreign });
      expectError(res, 403, forbidden);
      expect(res.json.error.message).toBe(
        `Cross-origin write refused: Origin '${foreign}' is not this server's origin (${server.url}). ` +
          'The dashboard session only works from the dashboard; other clients send an API key.',
      );
    }
    expect(await state()).toEqual(before);
  });

  it('without Origin, only Sec-Fetch-Site: same-origin passes; cross-site, same-site, none, nothing and Origin null are 403', async () => {
    const create = { path: '/v1/conversations', headers: JSON_TYPE, body: '{"title":"fetch metadata"}' };
    for (const site of ['cross-site', 'same-site', 'none']) {
      expectError(await send(create, { cookie, 'sec-fetch-site': site }), 403, forbidden);
    }
    expectError(await send(create, { cookie }), 403, forbidden);
    expectError(await send(create, { cookie, origin: 'null' }), 403, forbidden);
    expectError(await send(create, { cookie, origin: foreign, 'sec-fetch-site': 'same-origin' }), 403, forbidden);
    const ok = await send(create, { cookie, 'sec-fetch-site': 'same-origin' });
    expect([ok.status, ok.json.title]).toEqual([200, 'fetch metadata']);
  });

  it("from the server's own origin the cookie writes as before (origins compare as URLs)", async () => {
    const res = await send({ path: '/v1/conversations', headers: JSON_TYPE, body: '{"title":"same origin"}' }, { cookie, origin: server.url });
    expect([res.status, res.json.title, res.headers['x-auth-method']]).toEqual([200, 'same origin', 'session']);
    const port = new URL(server.url).port;
    const viaLocalhost = await send({ path: '/v1/conversations', headers: JSON_TYPE, body: '{"title":"localhost"}' }, {
      cookie, host: `localhost:${port}`, origin: `HTTP://LOCALHOST:${port}`,
    });
    expect(viaLocalhost.status).toBe(200);
    // The Host names the origin: 127.0.0.1 and localhost are different origins.
    const mixed = await send({ path: '/v1/conversations', headers: JSON_TYPE, body: '{}' }, { cookie, host: `localhost:${port}`, origin: server.url });
    expectError(mixed, 403, forbidden);
  });

  it('reads with the cookie are not checked (the browser keeps their answers from another origin)', async () => {
    const res = await send({ method: 'GET', path: '/v1/conversations' }, { cookie, origin: foreign });
    expect(res.status).toBe(200);
  });

  it('API keys and tokens are not ambient credentials: another Origin does not matter, even with the cookie', async () => {
    const res = await send({ path: '/v1/conversations', headers: JSON_TYPE, body: '{"title":"by key"}' }, { ...admin, cookie, origin: foreign });
    expect([res.status, res.headers['x-auth-method']]).toEqual([200, 'apikey']);
    const token = await server.guestToken();
    const byToken = await send({ path: '/v1/projects', headers: JSON_TYPE, body: '{"name":"by token"}' }, { authorization: `Bearer ${token}`, origin: foreign });
    expect(byToken.status).toBe(201);
  });

  it('logout from the own origin ends the session', async () => {
    const other = await login(server);
    const res = await send({ path: '/dashboard/logout' }, { cookie: other, origin: server.url });
    expect(res.status).toBe(204);
  });
});

describe('CSRF with JAN_AUTH=off (every request is the local admin)', () => {
  let server: TestServer;
  let foreign: string;
  const create = (headers: Record<string, string>, body = '{"title":"t"}', type = 'application/json') =>
    rawRequest(server.url, { method: 'POST', path: '/v1/conversations', headers: { 'content-type': type, ...headers }, body });
  const titles = async () =>
    (await rawRequest(server.url, { path: '/v1/conversations?limit=100&order=asc' })).json.data.map((c: { title: string }) => c.title);

  beforeAll(async () => {
    server = await startTestServer({ auth: false });
    foreign = `http://localhost:${new URL(server.url).port}`;
  });
  afterAll(() => server.close());

  it('a write from another origin, or marked cross-site or same-site by the browser, is a 403', async () => {
    const refused: Record<string, string>[] = [
      { origin: foreign }, { origin: 'http://127.0.0.1:9' }, { origin: 'null' },
      { 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site' },
    ];
    for (const headers of refused) {
      expectError(await create(headers), 403, forbidden);
    }
    const upload = multipart('x');
    expectError(await rawRequest(server.url, {
      method: 'POST', path: '/v1/media/upload', headers: { 'content-type': upload.type, origin: foreign }, body: upload.body,
    }), 403, forbidden);
    expectError(await rawRequest(server.url, {
      method: 'POST', path: '/v1/media/uploads', headers: { 'tus-resumable': '1.0.0', 'upload-length': '5', origin: foreign },
    }), 403, forbidden);
    expectError(await rawRequest(server.url, { method: 'DELETE', path: '/v1/conversations/conv_x', headers: { origin: foreign } }), 403, forbidden);
    expect(await titles()).toEqual([]);
  });

  it('clients that send neither Origin nor Sec-Fetch-Site (curl, SDKs) and the own origin are served', async () => {
    expect((await create({}, '{"title":"curl"}')).status).toBe(200);
    expect((await create({ origin: server.url }, '{"title":"own origin"}')).status).toBe(200);
    expect((await create({ 'sec-fetch-site': 'same-origin' }, '{"title":"same-origin"}')).status).toBe(200);
    expect(await titles()).toEqual(['curl', 'own origin', 'same-origin']);
  });

  it('takes only JSON content types too (curl -d without -H is a 415)', async () => {
    expectError(await create({}, '{"title":"form"}', 'application/x-www-form-urlencoded'), 415, unsupported);
    expectError(await create({}, '{"title":"text"}', 'text/plain'), 415, unsupported);
    expect(await titles()).toEqual(['curl', 'own origin', 'same-origin']);
  });

  it('a presigned upload URL is its own credential: another Origin may PUT to it', async () => {
    const prepared = await rawRequest(server.url, {
      method: 'POST', path: '/media/v1/media/prepare-upload', headers: JSON_TYPE, body: '{"mime_type":"text/plain"}',
    });
    expect(prepared.status).toBe(200);
    const url = new URL(prepared.json.upload_url);
    const put = await rawRequest(server.url, {
      method: 'PUT', path: url.pathname + url.search, headers: { 'content-type': 'text/plain', origin: foreign }, body: 'signed bytes',
    });
    expect(put.status).toBe(200);
  });
});

/**
 * OpenAI's Files API (`/v1/files`) over the media store, over plain HTTP: exact file objects and list
 * envelopes, cursor pagination and the purpose filter, deduplication per purpose, content and delete, the
 * same ids in the media API; errors in the envelope; API keys, per-user isolation, rate limits and metrics
 * labelled by route template, exactly as on the other /v1 routes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../support/error-envelope.js';
import { bearer, download } from '../support/media-fixtures-http.js';
import { scrape } from '../support/prometheus-scrape.js';
import { readResponse, startTestServer, type TestResponse, type TestServer } from '../support/test-server.js';

const fileObject = (fields: { filename: string; bytes: number; purpose: string }) => ({
  id: expect.stringMatching(/^jan_/),
  object: 'file',
  created_at: expect.any(Number),
  status: 'processed',
  ...fields,
});

async function createFile(server: TestServer, token: string | undefined, fields: Record<string, string | Blob>, filename = 'notes.txt'): Promise<TestResponse> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value === 'string') form.append(name, value);
    else form.append(name, value, filename);
  }
  return readResponse(await fetch(`${server.url}/v1/files`, { method: 'POST', headers: token ? bearer(token) : {}, body: form }));
}

const text = (s: string) => new Blob([Buffer.from(s)]);

describe('/v1/files', () => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer();
    token = await server.guestToken();
  });
  afterAll(() => server.close());

  it('uploads with a purpose and answers the OpenAI file object, readable at /v1/files/{id} and as a media file', async () => {
    const res = await createFile(server, token, { purpose: 'user_data', file: text('Ship on Friday.\n') }, 'plan.txt');
    expect(res.status).toBe(200);
    expect(res.json).toEqual(fileObject({ filename: 'plan.txt', bytes: 16, purpose: 'user_data' }));
    expect(Object.keys(res.json).sort()).toEqual(['bytes', 'created_at', 'filename', 'id', 'object', 'purpose', 'status']);
    expect((await server.request(`/v1/files/${res.json.id}`, { token })).json).toEqual(res.json);
    const media = await server.request(`/v1/media/files/${res.json.id}`, { token });
    expect(media.json).toMatchObject({ id: res.json.id, filename: 'plan.txt', bytes: 16, mime_type: 'text/plain' });
    const extracted = await server.request(`/v1/media/files/${res.json.id}/extract-text`, { method: 'POST', token, body: {} });
    expect(extracted.json.text).toBe('Ship on Friday.\n');
  });

  it('takes the purpose before or after the file part', async () => {
    const form = new FormData();
    form.append('file', text('purpose comes last\n'), 'late.txt');
    form.append('purpose', 'batch');
    const res = await readResponse(await fetch(`${server.url}/v1/files`, { method: 'POST', headers: bearer(token), body: form }));
    expect(res.json).toEqual(fileObject({ filename: 'late.txt', bytes: 19, purpose: 'batch' }));
  });

  it('dedups the same content per purpose: same purpose → the same file, another purpose → its own file', async () => {
    const first = await createFile(server, token, { purpose: 'assistants', file: text('same bytes\n') }, 'a.txt');
    const again = await createFile(server, token, { purpose: 'assistants', file: text('same bytes\n') }, 'b.txt');
    expect(again.json).toEqual(first.json);
    const other = await createFile(server, token, { purpose: 'vision', file: text('same bytes\n') }, 'c.txt');
    expect(other.json).toEqual(fileObject({ filename: 'c.txt', bytes: 11, purpose: 'vision' }));
    expect(other.json.id).not.toBe(first.json.id);
  });

  it('downloads the content (Range too) and deletes with the OpenAI deletion object', async () => {
    const { json: file } = await createFile(server, token, { purpose: 'user_data', file: text('0123456789') }, 'digits.txt');
    const whole = await download(`${server.url}/v1/files/${file.id}/content`, bearer(token));
    expect(whole.status).toBe(200);
    expect(whole.body.toString()).toBe('0123456789');
    const part = await download(`${server.url}/v1/files/${file.id}/content`, { ...bearer(token), range: 'bytes=2-4' });
    expect(part.status).toBe(206);
    expect(part.body.toString()).toBe('234');
    const deleted = await server.request(`/v1/files/${file.id}`, { method: 'DELETE', token });
    expect(deleted.status).toBe(200);
    expect(deleted.json).toEqual({ id: file.id, object: 'file', deleted: true });
    expectError(await server.request(`/v1/files/${file.id}`, { token }), 404, { type: 'not_found_error', param: 'file_id', code: 'file_not_found', message: `No file found with id '${file.id}'.` });
    expectError(await server.request(`/v1/files/${file.id}`, { method: 'DELETE', token }), 404, { type: 'not_found_error', param: 'file_id', code: 'file_not_found' });
  });

  it('lists with cursor pagination (after, limit, order) and the purpose filter', async () => {
    const owner = await server.guestToken();
    const ids: string[] = [];
    for (const [i, purpose] of ['fine-tune', 'evals', 'fine-tune', 'fine-tune'].entries()) {
      ids.push((await createFile(server, owner, { purpose, file: text(`file ${i}\n`) }, `f${i}.txt`)).json.id);
    }
    const all = await server.request('/v1/files', { token: owner });
    expect(all.json).toEqual({ object: 'list', data: [...ids].reverse().map((id) => expect.objectContaining({ id })), first_id: ids[3], last_id: ids[0], has_more: false });
    const page1 = await server.request('/v1/files?limit=2&order=asc&purpose=fine-tune', { token: owner });
    expect(page1.json).toEqual({ object: 'list', data: [expect.objectContaining({ id: ids[0], purpose: 'fine-tune' }), expect.objectContaining({ id: ids[2] })], first_id: ids[0], last_id: ids[2], has_more: true });
    const page2 = await server.request(`/v1/files?limit=2&order=asc&purpose=fine-tune&after=${ids[2]}`, { token: owner });
    expect(page2.json).toEqual({ object: 'list', data: [expect.objectContaining({ id: ids[3] })], first_id: ids[3], last_id: ids[3], has_more: false });
    expect((await server.request('/v1/files?purpose=batch', { token: owner })).json).toEqual({ object: 'list', data: [], first_id: null, last_id: null, has_more: false });
  });

  it.each([
    [{ file: text('x\n') }, 'purpose', 'invalid_value'],
    [{ purpose: 'training', file: text('x\n') }, 'purpose', 'invalid_value'],
    [{ purpose: 'user_data', 'expires_after[anchor]': 'created_at', 'expires_after[seconds]': '3600', file: text('x\n') }, 'expires_after', 'invalid_value'],
    [{ purpose: 'user_data' }, 'file', 'missing_file'],
  ])('refuses a bad upload with 400 %#, keeping nothing', async (fields, param, code) => {
    const owner = await server.guestToken();
    expectError(await createFile(server, owner, fields as Record<string, string | Blob>), 400, { type: 'invalid_request_error', param, code });
    expect((await server.request('/v1/files', { token: owner })).json.data).toEqual([]);
  });

  it('refuses a bad list query with 400', async () => {
    expectError(await server.request('/v1/files?limit=0', { token }), 400, { type: 'invalid_request_error', param: 'limit', code: 'invalid_value' });
    expectError(await server.request('/v1/files?limit=10001', { token }), 400, { type: 'invalid_request_error', param: 'limit', code: 'invalid_value' });
    expectError(await server.request('/v1/files?after=jan_nope', { token }), 400, { type: 'invalid_request_error', param: 'after', code: 'invalid_value' });
  });

  it('needs credentials on every route', async () => {
    const { json: file } = await createFile(server, token, { purpose: 'user_data', file: text('private\n') });
    const unauthenticated = { type: 'authentication_error', code: 'invalid_api_key' };
    expectError(await createFile(server, undefined, { purpose: 'user_data', file: text('x\n') }), 401, unauthenticated);
    expectError(await server.request('/v1/files'), 401, unauthenticated);
    expectError(await server.request(`/v1/files/${file.id}`), 401, unauthenticated);
    expectError(await server.request(`/v1/files/${file.id}/content`), 401, unauthenticated);
    expectError(await server.request(`/v1/files/${file.id}`, { method: 'DELETE' }), 401, unauthenticated);
    expectError(await server.request('/v1/files', { token: 'sk_not-a-real-key' }), 401, unauthenticated);
  });

  it("answers another user's file id as an unknown one (404) on every route, and lists none of them", async () => {
    const { json: file } = await createFile(server, token, { purpose: 'user_data', file: text('mine alone\n') });
    const other = await server.guestToken();
    const notFound = { type: 'not_found_error', param: 'file_id', code: 'file_not_found', message: `No file found with id '${file.id}'.` };
    expectError(await server.request(`/v1/files/${file.id}`, { token: other }), 404, notFound);
    expectError(await server.request(`/v1/files/${file.id}/content`, { token: other }), 404, notFound);
    expectError(await server.request(`/v1/files/${file.id}`, { method: 'DELETE', token: other }), 404, notFound);
    expectError(await server.request(`/v1/files?after=${file.id}`, { token: other }), 400, { type: 'invalid_request_error', param: 'after', code: 'invalid_value' });
    expect((await server.request('/v1/files', { token: other })).json.data).toEqual([]);
    expect((await server.request(`/v1/files/${file.id}`, { token })).status).toBe(200);
  });

  it('counts requests under the route template, never the id', async () => {
    const { json: file } = await createFile(server, token, { purpose: 'user_data', file: text('metered\n') });
    await server.request(`/v1/files/${file.id}`, { token });
    await server.request(`/v1/files/${file.id}/content`, { token });
    const s = await scrape(server.url);
    const routes = s.labelValues('jan_requests_total', 'route');
    expect(routes).toEqual(expect.arrayContaining(['/v1/files', '/v1/files/:id', '/v1/files/:id/content']));
    expect(routes.filter((r) => r.includes('jan_'))).toEqual([]);
    expect(s.value('jan_requests_total', { method: 'POST', route: '/v1/files', status: '200' })).toBeGreaterThan(0);
  });
});

describe('/v1/files under rate limits', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ clientRateLimit: 1, rateHardLimit: 1000, rateSoftLimit: 1000 });
  });
  afterAll(() => server.close());

  it('is limited per client like every other /v1 route: 429 in the envelope with Retry-After and x-ratelimit headers', async () => {
    const token = await server.guestToken();
    const answers = await Promise.all([1, 2, 3].map(() => server.request('/v1/files', { token })));
    const served = answers.find((r) => r.status === 200)!;
    expect(served.headers.get('x-ratelimit-limit-requests')).toBe('1');
    const refused = answers.find((r) => r.status === 429)!;
    expectError(refused, 429, { type: 'rate_limit_error', code: 'rate_limit_exceeded' });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });
});

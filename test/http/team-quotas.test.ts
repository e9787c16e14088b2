/**
 * Per-member quotas over HTTP (scripted runtime, real server and SQLite): the admin routes and their errors,
 * and each quota refusing with its status and headers; a change applies to the very next request.
 * Members here are guest accounts: rows in `users` like any member, made without the invitation flow.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../support/error-envelope.js';
import { startScriptedServer, type ScriptedServer } from '../support/inference-server.js';
import { TEST_ADMIN_KEY } from '../support/test-server.js';

let server: ScriptedServer;

async function newMember(): Promise<{ token: string; id: string }> {
  const token = await server.guestToken();
  const me = await server.request('/auth/me', { token });
  return { token, id: me.json.id as string };
}

const setQuotas = (id: string, body: Record<string, unknown>) =>
  server.request(`/v1/admin/members/${id}/quotas`, { method: 'PUT', token: TEST_ADMIN_KEY, body });

const chat = (token: string, extra: Record<string, unknown> = {}) =>
  server.request('/v1/chat/completions', { method: 'POST', token, body: { model: 'test-model', messages: [{ role: 'user', content: 'hi' }], ...extra } });

beforeAll(async () => {
  server = await startScriptedServer(['test-model'], { parallel: 2 });
});
afterAll(() => server.close());

describe('the quota routes', () => {
  it('a member starts with no limits; PUT sets the keys given, keeps the others, and GET reads them back', async () => {
    const { id } = await newMember();
    const initial = await server.request(`/v1/admin/members/${id}/quotas`, { token: TEST_ADMIN_KEY });
    expect(initial.status).toBe(200);
    expect(initial.json).toEqual({ user_id: id, requests_per_minute: null, tokens_per_day: null, concurrent_streams: null, storage_bytes: null, updated_at: null });

    const set = await setQuotas(id, { requests_per_minute: 30, storage_bytes: 1_000_000 });
    expect(set.status).toBe(200);
    expect(set.json).toMatchObject({ user_id: id, requests_per_minute: 30, tokens_per_day: null, concurrent_streams: null, storage_bytes: 1_000_000 });
    expect(set.json.updated_at).toEqual(expect.any(Number));

    const partial = await setQuotas(id, { tokens_per_day: 5000, requests_per_minute: null });
    expect(partial.json).toMatchObject({ requests_per_minute: null, tokens_per_day: 5000, storage_bytes: 1_000_000 });
    expect((await server.request(`/v1/admin/members/${id}/quotas`, { token: TEST_ADMIN_KEY })).json).toEqual(partial.json);
  });

  it('records the change in the audit log', async () => {
    const { id } = await newMember();
    await setQuotas(id, { concurrent_streams: 3 });
    const audit = await server.request('/v1/admin/audit', { token: TEST_ADMIN_KEY });
    expect(audit.status).toBe(200);
    const entry = (audit.json.data as Array<{ action: string; target: string; details: { after: { concurrent_streams: number } } }>)
      .find((e) => e.action === 'member.quotas' && e.target === id);
    expect(entry?.details.after.concurrent_streams).toBe(3);
  });

  it('bad input is a 400 naming the field; an unknown member a 404; a member a 403; no credentials a 401', async () => {
    const { id, token } = await newMember();
    expectError(await setQuotas(id, { requests_per_minute: 0 }), 400, { type: 'invalid_request_error', code: expect.any(String) as unknown as string, param: 'requests_per_minute' });
    expectError(await setQuotas(id, { tokens_per_day: 'lots' }), 400, { type: 'invalid_request_error', code: expect.any(String) as unknown as string, param: 'tokens_per_day' });
    expect((await setQuotas(id, { requests_per_hour: 5 })).status).toBe(400);
    expect((await setQuotas(id, { storage_bytes: 1.5 })).status).toBe(400);
    expectError(await setQuotas('usr_nobody', { requests_per_minute: 5 }), 404, { type: 'not_found_error', code: 'member_not_found', param: 'id' });
    expectError(await server.request('/v1/admin/members/usr_nobody/quotas', { token: TEST_ADMIN_KEY }), 404, { type: 'not_found_error', code: 'member_not_found', param: 'id' });
    expect((await server.request(`/v1/admin/members/${id}/quotas`, { method: 'PUT', token, body: { requests_per_minute: 1000 } })).status).toBe(403);
    expect((await server.request(`/v1/admin/members/${id}/quotas`, { token })).status).toBe(403);
    expect((await server.request(`/v1/admin/members/${id}/quotas`)).status).toBe(401);
  });
});

describe('enforcement', () => {
  it('requests per minute: 429 with x-ratelimit-* and Retry-After once spent; others unaffected; a raise applies at once', async () => {
    const a = await newMember();
    const b = await newMember();
    await setQuotas(a.id, { requests_per_minute: 2 });
    const first = await chat(a.token);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-ratelimit-limit-requests')).toBe('2');
    expect(first.headers.get('x-ratelimit-remaining-requests')).toBe('1');
    expect((await chat(a.token)).status).toBe(200);
    const refused = await chat(a.token);
    expectError(refused, 429, { type: 'rate_limit_error', code: 'rate_limit_exceeded', message: /2 model requests per minute/ });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get('x-ratelimit-limit-requests')).toBe('2');
    expect(refused.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(refused.headers.get('x-ratelimit-reset-requests')).toMatch(/^\d+(\.\d+)?s$|^\d+ms$/);
    // Not a model request: conversations are not counted.
    expect((await server.request('/v1/conversations', { token: a.token })).status).toBe(200);
    expect((await chat(b.token)).status).toBe(200);
    await setQuotas(a.id, { requests_per_minute: 100 });
    expect((await chat(a.token)).status).toBe(200);
    await setQuotas(a.id, { requests_per_minute: null });
    const unlimited = await chat(a.token);
    expect(unlimited.status).toBe(200);
  });

  it('tokens per day: once the day\'s generated tokens reach the quota, 429 until midnight UTC', async () => {
    const a = await newMember();
    await setQuotas(a.id, { tokens_per_day: 5 });
    const first = await chat(a.token);
    expect(first.status).toBe(200);
    expect(first.json.usage.completion_tokens).toBeGreaterThan(5);
    const refused = await chat(a.token);
    expectError(refused, 429, { type: 'rate_limit_error', code: 'daily_token_quota_exceeded', message: new RegExp(`Daily token quota reached: ${first.json.usage.completion_tokens} of 5 generated tokens`) });
    const untilMidnight = 86_400 - (Math.floor(Date.now() / 1000) % 86_400);
    expect(Math.abs(Number(refused.headers.get('retry-after')) - untilMidnight)).toBeLessThanOrEqual(5);
    expect(refused.headers.get('x-ratelimit-limit-tokens')).toBe('5');
    expect(refused.headers.get('x-ratelimit-remaining-tokens')).toBe('0');
    // Embeddings generate nothing: still served.
    expect((await server.request('/v1/embeddings', { method: 'POST', token: a.token, body: { model: 'test-model', input: 'x' } })).status).toBe(200);
    await setQuotas(a.id, { tokens_per_day: 1_000_000 });
    const raised = await chat(a.token);
    expect(raised.status).toBe(200);
    expect(raised.headers.get('x-ratelimit-remaining-tokens')).toBe(String(1_000_000 - first.json.usage.completion_tokens));
  });

  it('concurrent streams: a second open stream is a 429; once the first ends another may open', async () => {
    const a = await newMember();
    await setQuotas(a.id, { concurrent_streams: 1 });
    const release = server.runtime.hold();
    const open = fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${a.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'test-model', stream: true, messages: [{ role: 'user', content: 'one' }] }),
    });
    await server.runtime.whenWaiting(1);
    const second = await chat(a.token, { stream: true });
    expectError(second, 429, { type: 'rate_limit_error', code: 'concurrent_streams_exceeded', message: /1 streamed responses may be open at once/ });
    expect(second.headers.get('retry-after')).toBe('1');
    release();
    const first = await open;
    expect(first.status).toBe(200);
    expect(await first.text()).toContain('[DONE]');
    // The place is given back when the response closes.
    let again = await chat(a.token, { stream: true });
    for (let i = 0; again.status === 429 && i < 50; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      again = await chat(a.token, { stream: true });
    }
    expect(again.status).toBe(200);
  });

  it('storage: a write that would pass the quota is a 507 with both figures; reads and deletes still work', async () => {
    const a = await newMember();
    const created = await server.request('/v1/conversations', { method: 'POST', token: a.token, body: { title: 'notes' } });
    expect(created.status).toBe(200);
    await setQuotas(a.id, { storage_bytes: 300 });
    const item = (text: string) =>
      server.request(`/v1/conversations/${created.json.id}/items`, {
        method: 'POST', token: a.token, body: { items: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text }] }] },
      });
    expect((await item('a short note')).status).toBe(200);
    const refused = await item('x'.repeat(400));
    expectError(refused, 507, { type: 'invalid_request_error', code: 'storage_quota_exceeded', message: /your account stores \d+ bytes of its 300-byte quota/ });
    expect(refused.headers.get('x-storage-limit-bytes')).toBe('300');
    expect(Number(refused.headers.get('x-storage-used-bytes'))).toBeGreaterThan(0);
    expect((await server.request(`/v1/conversations/${created.json.id}/items`, { token: a.token })).status).toBe(200);
    // Uploads count too (media + conversations).
    const form = new FormData();
    form.append('purpose', 'user_data');
    form.append('file', new Blob(['y'.repeat(500)], { type: 'text/plain' }), 'big.txt');
    const upload = await fetch(`${server.url}/v1/files`, { method: 'POST', headers: { authorization: `Bearer ${a.token}` }, body: form });
    expect(upload.status).toBe(507);
    await setQuotas(a.id, { storage_bytes: 100_000 });
    expect((await item('x'.repeat(400))).status).toBe(200);
    await setQuotas(a.id, { storage_bytes: 10 });
    expect((await server.request(`/v1/conversations/${created.json.id}`, { method: 'DELETE', token: a.token })).status).toBe(200);
  });
});

/** `GET /metrics`: the guide's metric names in Prometheus text format, labelled by route template, exact counts. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scrape, type Scrape } from '../support/prometheus-scrape.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const REQUESTS = 'jan_requests_total';
const DURATION = 'jan_request_duration_seconds';
const ERRORS = 'jan_errors_total';

function delta(before: Scrape, after: Scrape, name: string, labels: Record<string, string>): number {
  return after.value(name, labels) - before.value(name, labels);
}

/** Cumulative buckets never decrease and `+Inf` equals the count. */
function expectWellFormed(series: { buckets: Record<string, number>; count: number } | undefined): void {
  expect(series).toBeDefined();
  const bounds = Object.keys(series!.buckets).sort((a, b) => (a === '+Inf' ? 1 : b === '+Inf' ? -1 : Number(a) - Number(b)));
  const counts = bounds.map((b) => series!.buckets[b]!);
  expect(counts).toEqual([...counts].sort((a, b) => a - b));
  expect(series!.buckets['+Inf']).toBe(series!.count);
}

describe('GET /metrics', () => {
  let server: TestServer;
  let token: string;
  let conversationId: string;
  beforeAll(async () => {
    server = await startTestServer();
    token = await server.guestToken();
    conversationId = (await server.request('/v1/conversations', { method: 'POST', token, body: {} })).json.id;
  });
  afterAll(() => server.close());

  it('is Prometheus text format with every metric the guide names, without credentials', async () => {
    const s = await scrape(server.url);
    expect(s.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    const types = Object.fromEntries(Object.entries(s.metrics).map(([name, m]) => [name, m.type]));
    expect(types).toMatchObject({
      [REQUESTS]: 'counter',
      [DURATION]: 'histogram',
      [ERRORS]: 'counter',
      jan_active_connections: 'gauge',
      jan_db_connections_active: 'gauge',
      jan_db_connections_idle: 'gauge',
      jan_db_query_duration_seconds: 'histogram',
    });
    expect(s.value('jan_active_connections')).toBeGreaterThanOrEqual(1); // this scrape's own connection
    expect(s.value('jan_db_connections_active')).toBe(0);
    expect(s.value('jan_db_connections_idle')).toBe(1);
    for (const name of Object.keys(s.metrics)) expect(name).toMatch(/^jan_/);
    // Only the process's event-loop statistics may be NaN (before their first sample), never our own metrics.
    for (const line of s.nanSamples) expect(line).toMatch(/^jan_nodejs_eventloop_lag_\w+ Nan$/);
  });

  it('counts each request once, by method, route template and status', async () => {
    const before = await scrape(server.url);
    const path = `/v1/conversations/${conversationId}`;
    expect((await server.request(path, { token })).status).toBe(200);
    expect((await server.request(path, { token })).status).toBe(200);
    expect((await server.request('/v1/conversations/conv_missing', { token })).status).toBe(404);
    expect((await server.request('/v1/conversations', { method: 'POST', token, body: {} })).status).toBe(200);
    expect((await server.request('/no/such/route')).status).toBe(404);
    expect((await server.request('/v1/conversations')).status).toBe(401);
    const after = await scrape(server.url);

    const route = '/v1/conversations/:id';
    expect(delta(before, after, REQUESTS, { method: 'GET', route, status: '200' })).toBe(2);
    expect(delta(before, after, REQUESTS, { method: 'GET', route, status: '404' })).toBe(1);
    expect(delta(before, after, REQUESTS, { method: 'POST', route: '/v1/conversations', status: '200' })).toBe(1);
    expect(delta(before, after, REQUESTS, { method: 'GET', route: '/v1/conversations', status: '401' })).toBe(1);
    expect(delta(before, after, REQUESTS, { method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
    // The first scrape is counted once it has been written, so the second one sees it.
    expect(delta(before, after, REQUESTS, { method: 'GET', route: '/metrics', status: '200' })).toBe(1);

    const total = (s: Scrape) => (s.metrics[REQUESTS]?.data as Array<{ value: number }>).reduce((sum, d) => sum + d.value, 0);
    expect(total(after) - total(before)).toBe(7);
  });

  it('never uses a raw path or id as a route label', async () => {
    await server.request(`/v1/conversations/${conversationId}/items`, { token });
    await server.request('/v1/conversations/conv_0123456789/items/msg_0123456789', { token });
    const s = await scrape(server.url);
    const routes = [...s.labelValues(REQUESTS, 'route'), ...s.labelValues(DURATION, 'route'), ...s.labelValues(ERRORS, 'route')];
    expect(routes).toContain('/v1/conversations/:id/items');
    expect(routes).toContain('/v1/conversations/:id/items/:item_id');
    for (const route of routes) {
      expect(route).toMatch(/^(\/[\w.:-]*)+$|^unmatched$/);
      expect(route).not.toMatch(/conv_|msg_|user_|key_|no\/such/);
    }
  });

  it('times each request in the duration histogram', async () => {
    const labels = { method: 'GET', route: '/v1/conversations/:id' };
    const before = await scrape(server.url);
    await server.request(`/v1/conversations/${conversationId}`, { token });
    await server.request('/v1/conversations/conv_missing', { token });
    const after = await scrape(server.url);
    const series = after.histogram(DURATION, labels);
    expectWellFormed(series);
    expect(series!.count - (before.histogram(DURATION, labels)?.count ?? 0)).toBe(2);
    expect(series!.sum).toBeGreaterThan(before.histogram(DURATION, labels)?.sum ?? 0);
  });

  it('counts errors by route, status and error type', async () => {
    const before = await scrape(server.url);
    await server.request('/v1/conversations/conv_missing', { token });
    await server.request('/v1/conversations/conv_missing', { token });
    await server.request('/v1/conversations', { method: 'POST', token, body: '{nope' });
    await server.request('/auth/me');
    await server.request('/healthz');
    const after = await scrape(server.url);
    const route = '/v1/conversations/:id';
    expect(delta(before, after, ERRORS, { route, status: '404', type: 'not_found_error' })).toBe(2);
    expect(delta(before, after, ERRORS, { route: '/v1/conversations', status: '400', type: 'invalid_request_error' })).toBe(1);
    expect(delta(before, after, ERRORS, { route: '/auth/me', status: '401', type: 'authentication_error' })).toBe(1);
    expect(delta(before, after, ERRORS, { route: '/healthz' })).toBe(0);
  });

  it('times store operations in jan_db_query_duration_seconds', async () => {
    const labels = { operation: 'conversations.insert' };
    const before = await scrape(server.url);
    await server.request('/v1/conversations', { method: 'POST', token, body: { title: 'timed' } });
    const after = await scrape(server.url);
    const series = after.histogram('jan_db_query_duration_seconds', labels);
    expectWellFormed(series);
    expect(series!.count - (before.histogram('jan_db_query_duration_seconds', labels)?.count ?? 0)).toBe(1);
  });
});

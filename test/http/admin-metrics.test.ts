/**
 * The dashboard's KPI endpoints: admin only, exact shapes (validated by the zod contract, with no extra
 * fields), and numbers that follow the traffic: the same counts as /metrics, per route and in total.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KpiSnapshot, MetricsHistory, SlaReport } from '../../server/api/kpi.js';
import { localDay } from '../../server/kpi/sla-service.js';
import { expectError } from '../support/error-envelope.js';
import { scrape } from '../support/prometheus-scrape.js';
import { testEngine } from '../support/test-database.js';
import { startTestServer, TEST_ADMIN_KEY, type TestServer } from '../support/test-server.js';

const endpoints = ['/v1/admin/metrics/snapshot', '/v1/admin/metrics/stream', '/v1/admin/sla', '/v1/admin/metrics/history'];
const admin = { token: TEST_ADMIN_KEY };

/** Parsing strips unknown keys, so equality with the parsed value also proves there are none. */
function expectExactly<T>(schema: { parse(value: unknown): T }, body: unknown): T {
  const parsed = schema.parse(body);
  expect(body).toEqual(parsed);
  return parsed;
}

describe('admin metrics endpoints: access', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it.each(endpoints)('%s without credentials is a 401', async (path) => {
    expectError(await server.request(path), 401, { type: 'authentication_error', code: 'invalid_api_key', message: /Missing or invalid credentials/ });
  });

  it.each(endpoints)('%s for a guest is a 403', async (path) => {
    const guest = await server.guestToken();
    expectError(await server.request(path, { token: guest }), 403, {
      type: 'permission_error', code: 'forbidden', message: 'This endpoint needs an admin credential.',
    });
  });

  it('an unknown window or a bad hour count is a 400 naming the parameter', async () => {
    expectError(await server.request('/v1/admin/metrics/snapshot?window=2m', admin), 400, {
      type: 'invalid_request_error', code: 'invalid_value', param: 'window', message: /^Invalid 'window'/,
    });
    expectError(await server.request('/v1/admin/sla?window=1d', admin), 400, {
      type: 'invalid_request_error', code: 'invalid_value', param: 'window', message: /^Invalid 'window'/,
    });
    expectError(await server.request('/v1/admin/metrics/history?hours=745', admin), 400, {
      type: 'invalid_request_error', code: 'invalid_value', param: 'hours', message: /^Invalid 'hours'/,
    });
  });
});

describe('admin metrics endpoints: figures follow the traffic', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    for (let i = 0; i < 50; i++) expect((await server.request('/v1/conversations', admin)).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await server.request('/v1/conversations/conv_missing', admin)).status).toBe(404);
  });
  afterAll(() => server.close());

  it('the snapshot counts 50 + 3 requests per route and in total, as /metrics does', async () => {
    const res = await server.request('/v1/admin/metrics/snapshot?window=5m', admin);
    expect(res.status).toBe(200);
    const snapshot = expectExactly(KpiSnapshot, res.json);
    expect(snapshot.window).toBe('5m');
    expect(snapshot.totals).toMatchObject({ count: 53, errors_4xx: 3, errors_5xx: 0, availability: 1, error_rate: 0 });
    expect(snapshot.status_codes).toEqual({ 200: 50, 404: 3 });
    expect(snapshot.latency_histogram.counts.reduce((a, b) => a + b, 0)).toBe(53);
    const list = snapshot.routes.find((r) => r.method === 'GET' && r.route === '/v1/conversations')!;
    const get = snapshot.routes.find((r) => r.method === 'GET' && r.route === '/v1/conversations/:id')!;
    expect([list.count, list.errors_4xx, get.count, get.errors_4xx]).toEqual([50, 0, 3, 3]);
    expect(list.p50_ms! <= list.p95_ms! && list.p95_ms! <= list.p99_ms! && list.p99_ms! <= list.max_ms! * 1.008).toBe(true);
    expect(list.rps).toBeGreaterThan(0);
    expect(snapshot.database.queries_per_second).toBeGreaterThan(0);
    expect(snapshot.database.query_p50_ms).not.toBeNull();
    // The SQLite file's size (with its WAL); PostgreSQL's database is no file here: no size.
    if (testEngine === 'sqlite') expect(snapshot.database.size_bytes).toBeGreaterThan(0);
    else expect(snapshot.database.size_bytes).toBeNull();
    // The server's own listening socket, found in /proc/net/tcp: nothing waits to be accepted now.
    expect(snapshot.resources.accept_backlog).toBe(process.platform === 'linux' ? 0 : null);

    const prom = await scrape(server.url); // itself one more request, counted from here on
    expect(prom.value('jan_requests_total', { method: 'GET', route: '/v1/conversations', status: '200' })).toBe(list.count);
    expect(prom.value('jan_requests_total', { method: 'GET', route: '/v1/conversations/:id', status: '404' })).toBe(get.count);
  });

  it('the admin requests themselves are listed per route but kept out of the totals', async () => {
    await server.request('/v1/admin/metrics/snapshot', admin);
    const snapshot = expectExactly(KpiSnapshot, (await server.request('/v1/admin/metrics/snapshot?window=1h', admin)).json);
    expect(snapshot.totals.count).toBe(54); // 50 + 3 + the /metrics scrape
    expect(snapshot.routes.find((r) => r.route === '/v1/admin/metrics/snapshot')!.count).toBeGreaterThanOrEqual(2);
  });

  it('the SLA report puts live figures beside the guide\'s targets', async () => {
    const res = await server.request('/v1/admin/sla?window=1h', admin);
    expect(res.status).toBe(200);
    const report = expectExactly(SlaReport, res.json);
    const list = report.endpoints.find((e) => e.method === 'GET' && e.route === '/v1/conversations')!;
    expect(list).toMatchObject({ label: 'List conversations', target: { p50_ms: 50, p95_ms: 150, p99_ms: 300, rps_min: 1000, rps_max: 1000 } });
    expect(list.live!.count).toBe(50);
    expect(['ok', 'warn', 'breach']).toContain(list.state);
    const health = report.endpoints.find((e) => e.route === '/v1/health')!;
    expect([health.live, health.state]).toEqual([null, 'idle']);
    expect(report.availability).toMatchObject({ target: 0.995, month_to_date: 1, error_budget_remaining: 1, requests: { ratio: 1, errors_5xx: 0 } });
    expect(report.availability.uptime).toMatchObject({ downtime_seconds: 0, maintenance_seconds: 0, incidents: 0 });
    expect(report.top_slow_endpoints.map((e) => e.p95_ms)).toEqual([...report.top_slow_endpoints.map((e) => e.p95_ms)].sort((a, b) => b - a));
    expect(report.daily_peak_rps).toEqual([{ day: localDay(Date.now()), peak_rps: expect.any(Number) }]);
    expect(report.daily_peak_rps[0]!.peak_rps).toBeGreaterThanOrEqual(1);
    expect(report.top_slow_endpoints.map((e) => [e.method, e.route, e.requests]).sort()).toEqual([
      ['GET', '/metrics', 1],
      ['GET', '/v1/conversations', 50],
      ['GET', '/v1/conversations/:id', 3],
    ]);
  });

  it('the history has this hour\'s rollup per route and for all requests', async () => {
    const res = await server.request('/v1/admin/metrics/history?hours=3', admin);
    expect(res.status).toBe(200);
    const history = expectExactly(MetricsHistory, res.json);
    const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000;
    const row = (route: string) => history.rows.find((r) => r.route === route && r.hour_start === hour);
    expect(history.hours).toBe(3);
    expect(row('*')).toMatchObject({ method: '*', count: 54, errors_4xx: 3, errors_5xx: 0 });
    expect(row('/v1/conversations')).toMatchObject({ method: 'GET', count: 50, errors_4xx: 0 });
    expect(row('/v1/conversations')!.p95_ms).not.toBeNull();
  });
});

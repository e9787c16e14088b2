/**
 * GET /v1/admin/metrics/stream: server-sent KPI snapshots, uncompressed, that stop when the client goes
 * away (the stream count and the in-flight gauge fall back) and end when the server shuts down.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { KpiSnapshot } from '../../server/api/kpi.js';
import { scrape } from '../support/prometheus-scrape.js';
import { startTestServer, TEST_ADMIN_KEY, type TestServer } from '../support/test-server.js';

interface OpenStream {
  response: Response;
  /** The next complete `data:` frame. */
  next(): Promise<string>;
  abort(): void;
  /** Resolves when the server ends the body. */
  ended(): Promise<void>;
}

async function openStream(server: TestServer, window = '1m'): Promise<OpenStream> {
  const controller = new AbortController();
  const response = await fetch(`${server.url}/v1/admin/metrics/stream?window=${window}`, {
    headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, 'accept-encoding': 'gzip, br' },
    signal: controller.signal,
  });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const next = async () => {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        return frame;
      }
      const { value, done } = await reader.read();
      if (done) throw new Error('stream ended');
      buffer += value;
    }
  };
  const ended = async () => {
    for (;;) if ((await reader.read()).done) return;
  };
  return { response, next, abort: () => controller.abort(), ended };
}

const inFlight = async (server: TestServer) => (await scrape(server.url)).value('jan_requests_in_flight');

describe('KPI stream', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('sends snapshots as `data:` frames, uncompressed, and stops when the client disconnects', async () => {
    for (let i = 0; i < 7; i++) await server.request('/v1/conversations', { token: TEST_ADMIN_KEY });
    const stream = await openStream(server, '5m');
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(stream.response.headers.get('content-encoding')).toBeNull();
    const frames = [await stream.next(), await stream.next()];
    const snapshots = frames.map((frame) => {
      expect(frame.startsWith('data: {')).toBe(true);
      expect(frame.includes('\n')).toBe(false);
      const json: unknown = JSON.parse(frame.slice('data: '.length));
      expect(KpiSnapshot.parse(json)).toEqual(json);
      return KpiSnapshot.parse(json);
    });
    expect(snapshots[1]!.at).toBeGreaterThan(snapshots[0]!.at);
    expect(snapshots.map((s) => [s.window, s.routes.find((r) => r.route === '/v1/conversations')?.count])).toEqual([['5m', 7], ['5m', 7]]);
    expect(server.services.kpi.streams.active).toBe(1);
    expect(await inFlight(server)).toBe(2); // the stream and the scrape itself

    stream.abort();
    await vi.waitFor(() => expect(server.services.kpi.streams.active).toBe(0));
    await vi.waitFor(async () => expect(await inFlight(server)).toBe(1));
    // The stream's request is listed under its route, never in the totals.
    const after = KpiSnapshot.parse((await server.request('/v1/admin/metrics/snapshot?window=5m', { token: TEST_ADMIN_KEY })).json);
    expect(after.routes.find((r) => r.route === '/v1/admin/metrics/stream')!.count).toBe(1);
    expect(after.totals.count).toBe(7 + 2); // the conversations and the two scrapes
  });

  it('dashboards of different windows run side by side', async () => {
    const [a, b] = await Promise.all([openStream(server, '1m'), openStream(server, '1h')]);
    const [frameA, frameB] = await Promise.all([a.next(), b.next()]);
    expect([KpiSnapshot.parse(JSON.parse(frameA.slice(6))).window, KpiSnapshot.parse(JSON.parse(frameB.slice(6))).window]).toEqual(['1m', '1h']);
    expect(server.services.kpi.streams.active).toBe(2);
    a.abort();
    b.abort();
    await vi.waitFor(() => expect(server.services.kpi.streams.active).toBe(0));
  });
});

describe('KPI stream and the request timeout', () => {
  it('outlives the request timeout: the timeout covers only setting the stream up', async () => {
    const server = await startTestServer({ requestTimeoutMs: 500 });
    try {
      const stream = await openStream(server);
      const frames = [await stream.next(), await stream.next(), await stream.next()]; // ≥ 2 s after it opened
      expect(frames.map((f) => KpiSnapshot.parse(JSON.parse(f.slice(6))).window)).toEqual(['1m', '1m', '1m']);
      stream.abort();
    } finally {
      await server.close();
    }
  });
});

describe('KPI stream at shutdown', () => {
  it('ends open streams so that the server stops without waiting for its drain timeout', async () => {
    // A drain timeout far beyond the test's: only ending the stream lets close() finish in time.
    const server = await startTestServer({ shutdownTimeoutMs: 600_000 });
    const stream = await openStream(server);
    await stream.next();
    await server.close();
    await stream.ended();
    expect(server.services.kpi.streams.active).toBe(0);
  });
});

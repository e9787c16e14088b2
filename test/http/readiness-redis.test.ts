/**
 * `/readyz` with JAN_REDIS_URL: not ready until a real Redis (test/cluster/redis-server.ts) has answered once;
 * after that a Redis outage does not take the replica out of the balancer (Redis is shared: failing readiness
 * would take every replica out at once, while each can serve safely without it), and /v1/health says
 * `degraded` with `redis_unreachable` until Redis is back. /healthz, the liveness check, stays 200 all along.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '../cluster/redis-server.js';
import { startTestServer, TEST_ADMIN_KEY, type TestResponse, type TestServer } from '../support/test-server.js';

/** GET /v1/health until its status is `status`. */
async function healthUntil(server: TestServer, status: string): Promise<TestResponse> {
  for (;;) {
    const res = await server.request('/v1/health');
    if (res.json?.status === status) return res;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** GET /readyz until it answers `status` (Redis's reconnects take their own time). */
async function readyzUntil(server: TestServer, status: number): Promise<TestResponse> {
  for (;;) {
    const res = await server.request('/readyz');
    if (res.status === status) return res;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('/readyz with Redis', () => {
  let redis: RedisServer;
  let server: TestServer;
  beforeAll(async () => {
    redis = await startRedis();
    server = await startTestServer({ redisUrl: redis.url });
  });
  afterAll(async () => {
    await server?.close();
    await redis?.stop();
  });

  it('is ready with Redis up and stays ready while it is down, /v1/health degraded until it is back', async () => {
    expect((await readyzUntil(server, 200)).json).toEqual({ status: 'ok' });
    expect((await server.request('/v1/health')).json.status).toBe('ok');

    await redis.kill();
    const degraded = await healthUntil(server, 'degraded');
    expect(degraded.json.degraded_reasons).toContain('redis_unreachable');
    expect((await server.request('/readyz')).status).toBe(200);
    expect((await server.request('/healthz')).status).toBe(200);
    // Served meanwhile: the data lives in the database, not in Redis.
    expect((await server.request('/v1/conversations', { token: TEST_ADMIN_KEY })).status).toBe(200);

    await redis.restart();
    expect((await healthUntil(server, 'ok')).json.degraded_reasons).toBeUndefined();
  }, 60_000);
});

describe('/readyz with an unreachable Redis from the start', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ redisUrl: 'redis://127.0.0.1:1' });
  });
  afterAll(() => server?.close());

  it('is not ready (503 naming redis) until Redis has answered once', async () => {
    const down = await readyzUntil(server, 503);
    expect(down.headers.get('retry-after')).toBe('5');
    expect(down.json.error).toMatchObject({ type: 'service_unavailable_error', message: 'Not available: redis.' });
    expect((await server.request('/healthz')).status).toBe(200);
  });
});

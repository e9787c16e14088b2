/**
 * `/readyz` with JAN_REDIS_URL: ready while both the database and a real Redis (test/cluster/redis-server.ts)
 * answer; 503 + Retry-After naming Redis while it is gone (so the load balancer takes the replica out rather than
 * let it serve with this process's own rate limits and a cache that hears no other replica); ready again when it
 * is back. /healthz, the liveness check, stays 200 all along: the process itself is fine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '../cluster/redis-server.js';
import { startTestServer, type TestResponse, type TestServer } from '../support/test-server.js';

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

  it('is ready with Redis up, 503 naming redis while it is down, ready again once it is back', async () => {
    expect((await readyzUntil(server, 200)).json).toEqual({ status: 'ok' });

    await redis.kill();
    const down = await readyzUntil(server, 503);
    expect(down.headers.get('retry-after')).toBe('5');
    expect(down.json.error).toMatchObject({ type: 'service_unavailable_error', message: 'Not available: redis.' });
    expect((await server.request('/healthz')).status).toBe(200);

    await redis.restart();
    expect((await readyzUntil(server, 200)).json).toEqual({ status: 'ok' });
  }, 60_000);
});

/**
 * Two server instances sharing one real Redis (JAN_REDIS_URL), as two replicas behind a load balancer would:
 * a client's rate limit and the login throttle hold across both (N replicas do not multiply a limit), and
 * /metrics reports the Redis connection. Each instance has its own database here; the shared-database case
 * (a write on one read fresh on the other) needs PostgreSQL and is in the cluster test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '../cluster/redis-server.js';
import { expectError } from '../support/error-envelope.js';
import { startTestServer, TEST_ADMIN_KEY, type TestServer } from '../support/test-server.js';
import { login } from './team-helpers.js';

let redis: RedisServer;
let replicas: TestServer[] = [];

beforeAll(async () => {
  redis = await startRedis();
  const options = { redisUrl: redis.url, clientRateLimit: 5, rateSoftLimit: 1000, rateHardLimit: 1000 };
  replicas = [await startTestServer(options), await startTestServer(options)];
});

afterAll(async () => {
  await Promise.all(replicas.map((server) => server.close()));
  await redis?.stop();
});

describe('two replicas, one Redis', () => {
  it('a client gets its 5 requests per second once across both replicas, not once on each', async () => {
    // The limiter runs before authentication, so a made-up credential is a client like any other (401 when let
    // through, 429 when refused). A window opens at the client's first request and lasts a second: a burst of
    // 12 sent at once, alternating between the replicas, is served 5 — or, if a slow moment of a loaded machine
    // spreads it over two windows, more; so each try is a new client, and one of three must show exactly 5.
    // Unshared, every try would be served 10 (5 on each replica).
    await Promise.all(replicas.map((server) => server.request('/v1/conversations', { token: 'warm-up' })));
    const servedPerTry: number[] = [];
    for (let attempt = 0; attempt < 3 && servedPerTry.at(-1) !== 5; attempt++) {
      const token = `made-up-${attempt}-${Math.random()}`;
      const responses = await Promise.all(Array.from({ length: 12 }, (_, i) => replicas[i % 2]!.request('/v1/conversations', { token })));
      expect(responses.every((r) => r.status === 401 || r.status === 429)).toBe(true);
      servedPerTry.push(responses.filter((r) => r.status === 401).length);
    }
    expect(servedPerTry).toContain(5);
    expect(Math.min(...servedPerTry)).toBe(5);
  });

  it('a refusal names the client\'s figure, with Retry-After and the x-ratelimit headers', async () => {
    const statuses = [];
    let refused;
    for (let i = 0; i < 30 && !refused; i++) {
      const res = await replicas[i % 2]!.request('/v1/conversations', { token: TEST_ADMIN_KEY });
      statuses.push(res.status);
      if (res.status === 429) refused = res;
    }
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expectError(refused!, 429, { type: 'rate_limit_error', code: 'rate_limit_exceeded', message: /for your credentials or address: 5 requests per second/ });
    expect(refused!.headers.get('retry-after')).toBe('1');
    expect(refused!.headers.get('x-ratelimit-limit-requests')).toBe('5');
    expect(refused!.headers.get('x-ratelimit-remaining-requests')).toBe('0');
  });

  it('login failures spread over both replicas lock the account on both', async () => {
    const wrong = { type: 'authentication_error', code: 'invalid_credentials' };
    for (let i = 0; i < 5; i++) expectError(await login(replicas[i % 2]!, 'spread-guesser', `guess-${i}`), 401, wrong);
    for (const server of replicas) {
      expectError(await login(server, 'spread-guesser', 'guess-5'), 429, { type: 'rate_limit_error', code: 'login_throttled', message: /Try again in 1 s\./ });
    }
  });

  it('/metrics reports the Redis connection as up', async () => {
    const res = await replicas[0]!.request('/metrics', { token: TEST_ADMIN_KEY });
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/^jan_redis_up 1$/m);
    expect(res.text).toMatch(/^jan_redis_ping_seconds \d/m);
  });
});

/**
 * Two replicas sharing one PostgreSQL database and one Redis, as behind a load balancer: a write acknowledged
 * by replica one is read fresh on replica two right away — replica two's cached copy (and its ETag) is gone,
 * because the write's invalidation reached it through Redis before the write was answered
 * (http/middleware/replica-writes.ts). Each round reads on replica two immediately, with no waiting.
 * Skipped when the machine has no PostgreSQL (Debian's postgresql package).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailable, startPostgres, type PostgresServer } from '../cluster/postgres-server.js';
import { startRedis, type RedisServer } from '../cluster/redis-server.js';
import { startTestServer, TEST_ADMIN_KEY, type TestServer } from '../support/test-server.js';

const token = TEST_ADMIN_KEY;
let postgres: PostgresServer;
let redis: RedisServer;
let one: TestServer;
let two: TestServer;

describe.skipIf(!postgresAvailable())('two replicas, one database, one Redis', () => {
  beforeAll(async () => {
    [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
    const options = { databaseUrl: await postgres.createDatabase(), redisUrl: redis.url };
    // One after the other: the first creates the schema and the owner, the second finds them.
    one = await startTestServer(options);
    two = await startTestServer(options);
    // Each replica's cache is off until it hears the others (its subscription confirmed).
    for (const server of [one, two]) {
      for (let i = 0; i < 200 && !(await server.services.cluster!.ready()); i++) await new Promise((r) => setTimeout(r, 50));
      expect(await server.services.cluster!.ready()).toBe(true);
    }
  });

  afterAll(async () => {
    await Promise.all([one, two].filter(Boolean).map((server) => server.close()));
    await Promise.all([redis?.stop(), postgres?.stop()]);
  });

  it('a conversation renamed on one replica is read with its new title and a new ETag on the other at once', async () => {
    const created = await one.request('/v1/conversations', { method: 'POST', token, body: { metadata: { title: 'first' } } });
    expect(created.status).toBe(200);
    const path = `/v1/conversations/${created.json.id}`;
    const before = await two.request(path, { token });
    expect(before.json.metadata.title).toBe('first');
    const etag = before.headers.get('etag')!;
    // Cached on replica two: the same ETag answers 304.
    expect((await two.request(path, { token, headers: { 'if-none-match': etag } })).status).toBe(304);
    for (let round = 0; round < 10; round++) {
      const title = `renamed ${round}`;
      expect((await one.request(path, { method: 'POST', token, body: { metadata: { title } } })).status).toBe(200);
      const after = await two.request(path, { token, headers: { 'if-none-match': etag } });
      expect(after.status).toBe(200);
      expect(after.json.metadata.title).toBe(title);
      expect(after.headers.get('etag')).not.toBe(etag);
      expect((await two.request(path, { token, headers: { 'if-none-match': after.headers.get('etag')! } })).status).toBe(304);
    }
  });

  it('a conversation created on one replica is in the other replica\'s cached list at once, and gone from it once deleted', async () => {
    const listed = async () => (await two.request('/v1/conversations?limit=100', { token })).json.data.map((c: { id: string }) => c.id);
    await listed(); // cached on replica two
    const created = await one.request('/v1/conversations', { method: 'POST', token, body: {} });
    expect(await listed()).toContain(created.json.id);
    expect((await one.request(`/v1/conversations/${created.json.id}`, { method: 'DELETE', token })).status).toBe(200);
    expect(await listed()).not.toContain(created.json.id);
  });
});

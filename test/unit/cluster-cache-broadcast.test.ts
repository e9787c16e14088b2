/**
 * Response-cache invalidation between replicas through a real Redis: two "replicas", each with its own store
 * change feed, response cache and cluster, sharing one redis-server. A write announced on one replica's feed
 * drops the other's cached copy; the cache answers nothing while the channel is down and restarts empty.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Registry } from 'prom-client';
import { cacheTags, invalidateOnStoreChanges, ResponseCache } from '../../server/cache/index.js';
import { openCluster, type Cluster } from '../../server/cluster/index.js';
import { ChangeFeed } from '../../server/store/store-changes.js';
import { startRedis, type RedisServer } from '../cluster/redis-server.js';

let redis: RedisServer;
const clusters: Cluster[] = [];
let prefixes = 0;

beforeAll(async () => {
  redis = await startRedis();
});

afterEach(async () => {
  await Promise.all(clusters.splice(0).map((cluster) => cluster.close()));
});

afterAll(async () => {
  await redis.stop();
});

/** One replica as create-services wires it: the cache follows its own feed and, through the cluster, the others'. */
function replica(prefix: string) {
  const feed = new ChangeFeed();
  const cache = new ResponseCache({ maxBytes: 1 << 20 });
  invalidateOnStoreChanges(cache, feed);
  const cluster = openCluster({ url: redis.url, changes: feed, metrics: { registry: new Registry() }, prefix });
  clusters.push(cluster);
  cluster.shareCache(cache);
  return { feed, cache, cluster };
}

const put = (cache: ResponseCache, key: string, tag: string, body: string) => cache.fill(cache.begin(), key, [tag], body);

async function listening(...replicas: Array<{ cluster: Cluster }>) {
  await vi.waitFor(async () => {
    for (const { cluster } of replicas) expect(await cluster.ready()).toBe(true);
  }, { timeout: 10_000 });
}

describe('response-cache invalidation between replicas', () => {
  it('a write on one replica drops the other replica\'s copy of what it changed, and nothing else', async () => {
    const prefix = `b${++prefixes}`;
    const [one, two] = [replica(prefix), replica(prefix)];
    await listening(one, two);
    const list = cacheTags.conversationList('u1');
    put(two.cache, 'list', list, 'L');
    put(two.cache, 'conv-a', cacheTags.conversation('u1', 'a'), 'A');
    put(two.cache, 'conv-b', cacheTags.conversation('u1', 'b'), 'B');
    one.feed.announce({ entity: 'conversation-items', userId: 'u1', conversationId: 'a' });
    await vi.waitFor(() => expect(two.cache.lookup('conv-a')).toBeUndefined(), { timeout: 5000 });
    expect(two.cache.lookup('conv-b')?.body).toBe('B');
    expect(two.cache.lookup('list')?.body).toBe('L');
    // A conversation's own change reaches every list of its owner's too.
    one.feed.announce({ entity: 'conversation', userId: 'u1', id: 'b' });
    await vi.waitFor(() => expect(two.cache.lookup('list')).toBeUndefined(), { timeout: 5000 });
    expect(two.cache.lookup('conv-b')).toBeUndefined();
  });

  it('a read on the other replica that began before the write arrived is not stored (the fill guard sees remote writes)', async () => {
    const prefix = `b${++prefixes}`;
    const [one, two] = [replica(prefix), replica(prefix)];
    await listening(one, two);
    const tag = cacheTags.conversation('u1', 'c');
    const token = two.cache.begin(); // the read starts on replica two …
    one.feed.announce({ entity: 'conversation', userId: 'u1', id: 'c' }); // … a write commits on replica one …
    const remoteSeen = vi.fn();
    two.cluster.remoteChanges.subscribe(remoteSeen);
    await vi.waitFor(() => expect(remoteSeen).toHaveBeenCalled(), { timeout: 5000 });
    two.cache.fill(token, 'conv-c', [tag], 'old'); // … and the read's (old) answer arrives after the invalidation
    expect(two.cache.lookup('conv-c')).toBeUndefined();
  });

  it('a replica ignores its own messages (its local feed already invalidated) and other deployments\' channels', async () => {
    const [shared, otherDeployment] = [`b${++prefixes}`, `b${++prefixes}`];
    const [one, other] = [replica(shared), replica(otherDeployment)];
    await listening(one, other);
    const heardByOne = vi.fn();
    const heardByOther = vi.fn();
    one.cluster.remoteChanges.subscribe(heardByOne);
    other.cluster.remoteChanges.subscribe(heardByOther);
    const witness = replica(shared);
    await listening(witness);
    const heardByWitness = vi.fn();
    witness.cluster.remoteChanges.subscribe(heardByWitness);
    one.feed.announce({ entity: 'project', userId: 'u9', id: 'p' });
    await vi.waitFor(() => expect(heardByWitness).toHaveBeenCalledWith({ entity: 'project', userId: 'u9', id: 'p' }), { timeout: 5000 });
    expect(heardByOne).not.toHaveBeenCalled();
    expect(heardByOther).not.toHaveBeenCalled();
  });

  it('serves nothing while the channel is down, and starts empty when it is back', async () => {
    const prefix = `b${++prefixes}`;
    const two = replica(prefix);
    await listening(two);
    put(two.cache, 'conv-d', cacheTags.conversation('u1', 'd'), 'D');
    expect(two.cache.lookup('conv-d')?.body).toBe('D');
    await redis.kill();
    try {
      await vi.waitFor(() => expect(two.cache.isSuspended).toBe(true), { timeout: 10_000 });
      expect(two.cache.lookup('conv-d')).toBeUndefined();
      put(two.cache, 'conv-e', cacheTags.conversation('u1', 'e'), 'E'); // a read during the outage stores nothing
      // Ready all the same once Redis has answered (Redis is shared: failing readiness would take every replica out);
      // /v1/health says degraded instead.
      expect(await two.cluster.ready()).toBe(true);
      expect(two.cluster.degradedReasons()).toEqual(['redis_unreachable']);
    } finally {
      await redis.restart();
    }
    await vi.waitFor(() => expect(two.cache.isSuspended).toBe(false), { timeout: 10_000 });
    expect(two.cache.entries).toBe(0);
    expect(two.cache.lookup('conv-d')).toBeUndefined();
    // Back to normal: fills are stored, and another replica's writes reach it again.
    put(two.cache, 'conv-f', cacheTags.conversation('u1', 'f'), 'F');
    expect(two.cache.lookup('conv-f')?.body).toBe('F');
    const one = replica(prefix);
    await listening(one, two);
    one.feed.announce({ entity: 'conversation', userId: 'u1', id: 'f' });
    await vi.waitFor(() => expect(two.cache.lookup('conv-f')).toBeUndefined(), { timeout: 5000 });
  });

  it('a cache is off until the replica first hears the channel (it could otherwise keep copies a write elsewhere made stale)', async () => {
    const feed = new ChangeFeed();
    const cache = new ResponseCache({ maxBytes: 1 << 20 });
    // A port nothing listens on: the subscription is never confirmed.
    const cluster = openCluster({ url: 'redis://127.0.0.1:1', changes: feed, prefix: 'none' });
    clusters.push(cluster);
    cluster.shareCache(cache);
    expect(cache.isSuspended).toBe(true);
    put(cache, 'k', 't', 'v');
    expect(cache.lookup('k')).toBeUndefined();
    expect(await cluster.ready()).toBe(false);
  });
});

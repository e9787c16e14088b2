/**
 * State replicas share through a real Redis (test/cluster/redis-server.ts): per-client rates, login-failure
 * counts and job leases, each seen from two "replicas" (two links to the same server), and what each does
 * when Redis goes away and comes back.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Registry } from 'prom-client';
import { RedisClientRates, RedisJobLease, RedisLink, SharedLoginThrottle } from '../../server/cluster/index.js';
import type { AppError } from '../../server/errors/app-error.js';
import { LimitsService } from '../../server/limits/index.js';
import { JobRunner } from '../../server/lifecycle/job-runner.js';
import { startRedis, type RedisServer } from '../cluster/redis-server.js';

let redis: RedisServer;
const links: RedisLink[] = [];
let prefixes = 0;

beforeAll(async () => {
  redis = await startRedis();
});

afterEach(async () => {
  await Promise.all(links.splice(0).map((link) => link.close()));
});

afterAll(async () => {
  await redis.stop();
});

/** A replica's link, connected, with its own metrics registry. */
async function replica(): Promise<{ link: RedisLink; registry: Registry }> {
  const registry = new Registry();
  const link = new RedisLink({ url: redis.url, metrics: { registry } });
  links.push(link);
  await vi.waitFor(() => expect(link.isUp).toBe(true), { timeout: 10_000 });
  return { link, registry };
}

/** Each test its own key space on the shared server. */
const prefix = () => `t${++prefixes}-${process.pid}`;

async function metric(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const found = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  const value = found?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
  return value?.value ?? 0;
}

async function refusal(check: Promise<void>): Promise<number> {
  try {
    await check;
    return 0;
  } catch (error) {
    const e = error as AppError;
    expect({ status: e.status, code: e.code }).toEqual({ status: 429, code: 'login_throttled' });
    return e.retryAfter!;
  }
}

describe('per-client rates shared by replicas', () => {
  it('two replicas allow a client the figure once, not twice, and report what is left across both', async () => {
    const [a, b] = [await replica(), await replica()];
    const p = prefix();
    const rates = [new RedisClientRates(a.link, p), new RedisClientRates(b.link, p)];
    // One window starts at the client's first request (a Redis key with a one-second TTL); 12 round trips fit in it.
    const verdicts = [];
    for (let i = 0; i < 12; i++) verdicts.push(await rates[i % 2]!.take('client-1', 5));
    expect(verdicts.map((v) => v.allowed)).toEqual([true, true, true, true, true, false, false, false, false, false, false, false]);
    expect(verdicts.slice(0, 5).map((v) => v.remaining)).toEqual([4, 3, 2, 1, 0]);
    expect(verdicts[5]).toMatchObject({ allowed: false, limit: 5, remaining: 0 });
    expect(verdicts[5]!.retryAfterMs).toBeGreaterThan(0);
    expect(verdicts[5]!.retryAfterMs).toBeLessThanOrEqual(1000);
    // Another client has its own budget.
    expect((await rates[1]!.take('client-2', 5)).allowed).toBe(true);
  });

  it('LimitsService.admitRate refuses a client over its shared figure with the client as the reason; the server-wide bucket stays per replica', async () => {
    const [a, b] = [await replica(), await replica()];
    const p = prefix();
    const service = (link: RedisLink) => new LimitsService({
      rateSoftLimit: 1000, rateHardLimit: 1000, clientRateLimit: 3, connectionsSoftLimit: 10, connectionsHardLimit: 10,
      streamsSoftLimit: 10, streamsHardLimit: 10, queueDepthLimit: 10, sharedClientRates: new RedisClientRates(link, p),
    });
    const [one, two] = [service(a.link), service(b.link)];
    const decisions = [await one.admitRate('k'), await two.admitRate('k'), await one.admitRate('k'), await two.admitRate('k')];
    expect(decisions.map((d) => [d.allowed, d.limitedBy])).toEqual([[true, undefined], [true, undefined], [true, undefined], [false, 'client']]);
    expect(two.degradedReasons()).toEqual(['rate_hard_limit']);
    expect(one.degradedReasons()).toEqual([]);
  });

  it('fails open to a bucket in this process while Redis is down, counting each fallback, and shares again when it is back', async () => {
    const { link, registry } = await replica();
    const p = prefix();
    const rates = new RedisClientRates(link, p);
    await redis.kill();
    try {
      await vi.waitFor(() => expect(link.isUp).toBe(false), { timeout: 10_000 });
      const local = [];
      for (let i = 0; i < 4; i++) local.push((await rates.take('client', 3)).allowed);
      expect(local).toEqual([true, true, true, false]);
      expect(await metric(registry, 'jan_redis_errors_total', { operation: 'rate' })).toBe(4);
      expect(await link.ready()).toBe(false);
      expect(await metric(registry, 'jan_redis_up')).toBe(0);
    } finally {
      await redis.restart();
    }
    await vi.waitFor(async () => expect(await link.ready()).toBe(true), { timeout: 10_000 });
    expect(await metric(registry, 'jan_redis_up')).toBe(1);
    // Back on Redis: a fresh shared counter (the local one, which refused, is not consulted).
    expect((await rates.take('client', 3))).toMatchObject({ allowed: true, remaining: 2 });
    expect(await metric(registry, 'jan_redis_errors_total', { operation: 'rate' })).toBe(4);
  });
});

describe('login throttling shared by replicas', () => {
  it('failures counted on either replica lock the account on both, and a success on one clears it for both', async () => {
    const [a, b] = [await replica(), await replica()];
    const p = prefix();
    const t = [new SharedLoginThrottle(a.link, { prefix: p }), new SharedLoginThrottle(b.link, { prefix: p })];
    for (let i = 0; i < 4; i++) await t[i % 2]!.failed('Alice', undefined);
    expect(await refusal(t[0]!.check('alice', undefined))).toBe(0);
    await t[1]!.failed('ALICE ', undefined); // the fifth failure: locked for 1 s
    expect(await refusal(t[0]!.check('alice', undefined))).toBe(1);
    expect(await refusal(t[1]!.check('alice', undefined))).toBe(1);
    await t[0]!.failed('alice', undefined); // the sixth: 2 s
    expect(await refusal(t[1]!.check('alice', '10.0.0.1'))).toBe(2);
    expect(await refusal(t[1]!.check('bob', undefined))).toBe(0);
    await t[1]!.succeeded('alice');
    expect(await refusal(t[0]!.check('alice', undefined))).toBe(0);
  });

  it('counts addresses over any names across replicas (20 free failures), with a clock the test moves', async () => {
    const [a, b] = [await replica(), await replica()];
    const p = prefix();
    let now = 1_000_000;
    const clock = { now: () => now, prefix: p };
    const t = [new SharedLoginThrottle(a.link, clock), new SharedLoginThrottle(b.link, clock)];
    for (let i = 0; i < 20; i++) await t[i % 2]!.failed(`user${i}`, '10.0.0.7');
    expect(await refusal(t[0]!.check('someone-new', '10.0.0.7'))).toBe(1);
    expect(await refusal(t[0]!.check('someone-new', '10.0.0.8'))).toBe(0);
    now += 1000;
    expect(await refusal(t[1]!.check('someone-new', '10.0.0.7'))).toBe(0);
  });

  it('keeps throttling in this process while Redis is down', async () => {
    const { link, registry } = await replica();
    const t = new SharedLoginThrottle(link, { prefix: prefix() });
    await redis.kill();
    try {
      await vi.waitFor(() => expect(link.isUp).toBe(false), { timeout: 10_000 });
      for (let i = 0; i < 5; i++) await t.failed('carol', undefined);
      expect(await refusal(t.check('carol', undefined))).toBe(1);
      expect(await metric(registry, 'jan_redis_errors_total', { operation: 'login' })).toBe(6);
    } finally {
      await redis.restart();
    }
  });
});

describe('scheduled-job lease', () => {
  it('one replica holds a job\'s lease; the holder renews and releases it, the other cannot, and takes it once free', async () => {
    const [a, b] = [await replica(), await replica()];
    const p = prefix();
    const [one, two] = [new RedisJobLease(a.link, p), new RedisJobLease(b.link, p)];
    expect(await one.acquire('archive', 60_000)).toBe(true);
    expect(await two.acquire('archive', 60_000)).toBe(false);
    expect(await two.acquire('cleanup', 60_000)).toBe(true); // leases are per job
    expect(await one.acquire('archive', 60_000)).toBe(true); // the holder asking again renews
    expect(await two.renew('archive', 60_000)).toBe(false);
    expect(await two.release('archive')).toBe(false);
    expect(await one.renew('archive', 60_000)).toBe(true);
    expect(await one.release('archive')).toBe(true);
    expect(await two.acquire('archive', 60_000)).toBe(true);
    expect(await one.acquire('archive', 60_000)).toBe(false);
  });

  it('two job runners on one schedule: the round runs on one replica only', async () => {
    const [a, b] = [await replica(), await replica()];
    const p = prefix();
    const asked: boolean[] = [];
    const runner = (link: RedisLink, runs: string[]) => {
      const lease = new RedisJobLease(link, p);
      const counted = { acquire: async (job: string, ttlMs: number) => {
        const granted = await lease.acquire(job, ttlMs);
        asked.push(granted);
        return granted;
      } };
      return new JobRunner([{
        name: 'sweep', description: 'test', intervalMs: 60_000, firstRunInMs: () => 0,
        run: async () => {
          runs.push('ran');
          return {};
        },
      }], { lease: counted });
    };
    const [runsA, runsB] = [[] as string[], [] as string[]];
    const runners = [runner(a.link, runsA), runner(b.link, runsB)];
    for (const r of runners) r.start();
    try {
      await vi.waitFor(() => expect(asked).toHaveLength(2), { timeout: 10_000 });
      expect(asked.filter(Boolean)).toHaveLength(1);
      await vi.waitFor(() => expect(runners.map((r) => r.status('sweep').last_run?.status ?? null).filter(Boolean)).toEqual(['succeeded']), { timeout: 10_000 });
      expect(runsA.length + runsB.length).toBe(1);
      const [winner, loser] = runsA.length === 1 ? runners : [runners[1]!, runners[0]!];
      expect(winner!.status('sweep').last_run?.trigger).toBe('schedule');
      expect(loser!.status('sweep')).toMatchObject({ current_run: null, last_run: null });
    } finally {
      await Promise.all(runners.map((r) => r.close()));
    }
  });

  it('a lease lapses after its time, and then another replica takes it', async () => {
    const [a, b] = [await replica(), await replica()];
    const p = prefix();
    const [one, two] = [new RedisJobLease(a.link, p), new RedisJobLease(b.link, p)];
    expect(await one.acquire('backup', 50)).toBe(true);
    await vi.waitFor(async () => expect(await two.acquire('backup', 60_000)).toBe(true), { timeout: 5000, interval: 20 });
    expect(await one.renew('backup', 60_000)).toBe(false); // lapsed and taken: the old holder cannot extend it
  });

  it('rejects while Redis is down (the runner skips that round), counted as an error', async () => {
    const { link, registry } = await replica();
    const lease = new RedisJobLease(link, prefix());
    await redis.kill();
    try {
      await vi.waitFor(() => expect(link.isUp).toBe(false), { timeout: 10_000 });
      await expect(lease.acquire('archive', 1000)).rejects.toThrow(/Redis is unreachable/);
      expect(await metric(registry, 'jan_redis_errors_total', { operation: 'lease' })).toBe(1);
    } finally {
      await redis.restart();
    }
  });
});

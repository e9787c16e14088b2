/**
 * Replicas' response cache, the two designs issue 18 names: `npm run bench -- cluster-cache [--ops N]`.
 *
 * - broadcast (what server/cluster/ does): each replica keeps its cache in memory; a write PUBLISHes the
 *   store change and the other replicas drop their copies. A hit costs a local LRU read; a write one PUBLISH;
 *   the price is the delay until the other replica has dropped its copy (measured: announce → remote drop).
 * - held in Redis: one cache for all replicas. A hit is a GET round trip carrying the body; a write deletes
 *   the tag's entries (one Lua script: SMEMBERS + DEL), strictly before its response.
 *
 * In one process against a real redis-server on loopback (test/cluster/redis-server.ts), with bodies the size
 * of a conversation list page (~8 KB). Reported per operation: p50/p99 latency (µs) and this process's CPU
 * time (µs) — the CPU figure hardly moves with the machine's other load. Results go to test/load/results/.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { cacheTags, invalidateOnStoreChanges, ResponseCache } from '../../server/cache/index.js';
import { openCluster } from '../../server/cluster/index.js';
import { ChangeFeed } from '../../server/store/store-changes.js';
import { startRedis } from '../cluster/redis-server.js';
import { parseSuiteArgs } from './lib/args.js';
import { writeJson } from './lib/report.js';
import { runMain } from './lib/run-main.js';

const USAGE = 'Usage: npm run bench -- cluster-cache [--ops 5000]';
const values = parseSuiteArgs(USAGE, (args) => parseArgs({ args, strict: true, options: { ops: { type: 'string', default: '5000' } } }).values);
const OPS = Number(values.ops);
const BODY = JSON.stringify({ object: 'list', data: Array.from({ length: 20 }, (_, i) => ({ id: `conv_${i}`, title: 'x'.repeat(300) })) });

interface Row {
  design: 'broadcast' | 'redis';
  operation: string;
  p50Us: number;
  p99Us: number;
  cpuUsPerOp: number;
  /** Operations per second with 50 in flight (Redis designs only). */
  opsPerSecond?: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;

/** Runs `op` `n` times one after the other: latency percentiles and CPU µs per operation. */
async function measure(n: number, op: (i: number) => unknown): Promise<Pick<Row, 'p50Us' | 'p99Us' | 'cpuUsPerOp'>> {
  const times: number[] = [];
  const cpu = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await op(i);
    times.push((performance.now() - start) * 1000);
  }
  const used = process.cpuUsage(cpu);
  times.sort((a, b) => a - b);
  return { p50Us: round(percentile(times, 0.5)), p99Us: round(percentile(times, 0.99)), cpuUsPerOp: round((used.user + used.system) / n) };
}

/** Operations per second with `inFlight` at once. */
async function throughput(n: number, inFlight: number, op: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (next < n) await op(next++);
  }));
  return Math.round(n / ((performance.now() - start) / 1000));
}

const round = (value: number) => Math.round(value * 10) / 10;

async function main(): Promise<void> {
  const redis = await startRedis();
  const rows: Row[] = [];
  try {
    // Broadcast: two replicas, each a feed, a cache and a cluster.
    const replica = () => {
      const feed = new ChangeFeed();
      const cache = new ResponseCache({ maxBytes: 64 << 20 });
      invalidateOnStoreChanges(cache, feed);
      const cluster = openCluster({ url: redis.url, changes: feed, metrics: { registry: new Registry() }, prefix: 'bench' });
      cluster.shareCache(cache);
      return { feed, cache, cluster };
    };
    const [one, two] = [replica(), replica()];
    while (!(await one.cluster.ready()) || !(await two.cluster.ready())) await new Promise((r) => setTimeout(r, 20));
    for (let i = 0; i < 1000; i++) two.cache.fill(two.cache.begin(), `key-${i}`, [cacheTags.conversation('u', String(i))], BODY);
    rows.push({ design: 'broadcast', operation: 'hit', ...(await measure(OPS * 20, (i) => two.cache.lookup(`key-${i % 1000}`))) });
    // A write: announced on replica one; done when replica two has dropped its copy.
    let dropped: (() => void) | undefined;
    two.cluster.remoteChanges.subscribe(() => dropped?.());
    rows.push({
      design: 'broadcast', operation: 'write → other replica dropped its copy',
      ...(await measure(Math.min(OPS, 2000), (i) => new Promise<void>((resolve) => {
        dropped = resolve;
        one.feed.announce({ entity: 'conversation', userId: 'u', id: String(i % 1000) });
      }))),
    });
    await Promise.all([one.cluster.close(), two.cluster.close()]);

    // Held in Redis: entries as strings, a set of keys per tag.
    const client = new Redis(redis.url, { enableAutoPipelining: false });
    client.defineCommand('dropTag', { numberOfKeys: 1, lua: "local keys = redis.call('SMEMBERS', KEYS[1]) if #keys > 0 then redis.call('DEL', unpack(keys)) end redis.call('DEL', KEYS[1]) return #keys" });
    const fill = (i: number) => client.multi().set(`c:key-${i}`, BODY).sadd(`t:${i % 1000}`, `c:key-${i}`).exec();
    for (let i = 0; i < 1000; i++) await fill(i);
    const hit = await measure(OPS, (i) => client.getBuffer(`c:key-${i % 1000}`));
    rows.push({ design: 'redis', operation: 'hit', ...hit, opsPerSecond: await throughput(OPS, 50, (i) => client.getBuffer(`c:key-${i % 1000}`)) });
    const dropTag = (i: number) => (client as unknown as { dropTag(key: string): Promise<number> }).dropTag(`t:${i % 1000}`);
    rows.push({ design: 'redis', operation: 'write → entries dropped', ...(await measure(Math.min(OPS, 2000), async (i) => {
      await dropTag(i);
      await fill(i);
    })) });
    client.disconnect();
  } finally {
    await redis.stop();
  }
  const load = loadavg()[0]!.toFixed(2);
  process.stdout.write(`\nReplicas' response cache: broadcast vs held in Redis (load ${load})\n`);
  process.stdout.write(`${'design'.padEnd(10)} ${'operation'.padEnd(40)} ${'p50 µs'.padStart(8)} ${'p99 µs'.padStart(8)} ${'CPU µs/op'.padStart(10)} ${'ops/s@50'.padStart(9)}\n`);
  for (const r of rows) {
    process.stdout.write(`${r.design.padEnd(10)} ${r.operation.padEnd(40)} ${String(r.p50Us).padStart(8)} ${String(r.p99Us).padStart(8)} ${String(r.cpuUsPerOp).padStart(10)} ${String(r.opsPerSecond ?? '').padStart(9)}\n`);
  }
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const file = join(root, 'test/load/results', `cluster-cache-${new Date().toISOString().replace(/:/g, '-')}.json`);
  writeJson(file, { suite: 'cluster-cache', ops: OPS, bodyBytes: BODY.length, loadAverage: Number(load), rows });
  process.stdout.write(`\n${file}\n`);
}

runMain(main);

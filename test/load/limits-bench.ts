/**
 * Overload and soak benchmark: `npm run bench -- limits [--quick] [--scale N] [--only rate,connections,queue,streams,soak]`.
 *
 * Runs the built server as a child process on a temp data folder and drives each of the guide's limits at 1x
 * and 2x its hard figure (divided by `--scale`, for machines that cannot generate the full figure):
 *  - rate: open-loop requests at 1x / 2x JAN_RATE_HARD_LIMIT per second;
 *  - connections: 1x / 2x JAN_CONNECTIONS_HARD_LIMIT clients, each on its own keep-alive connection, a
 *    request about every second (after a 503, its Retry-After);
 *  - queue: 1x / 2x JAN_QUEUE_DEPTH_LIMIT requests held in flight (bodies trickling in);
 *  - streams: 1x / 2x JAN_STREAMS_HARD_LIMIT concurrent streamed chats on a tiny random model;
 * reporting RPS, p50/p95/p99, the share of 429/503 (and any refusal without Retry-After), and /v1/health's
 * p99 measured meanwhile on a new connection per probe. Then a soak: mixed reads and writes for
 * `--soak-minutes` (10; 1 with --quick) with the server's RSS sampled every 5 s. Results go to test/load/results/.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseSuiteArgs } from './lib/args.js';
import { writeRandomModel } from '../support/gguf/random-model.js';
import { ensureBuild } from './lib/ensure-build.js';
import { writeJson } from './lib/report.js';
import { seedDataDir, type SeededData } from './lib/seed.js';
import { startServerChild, type ServerChild } from './lib/server-child.js';
import { concurrentStreams, hammer, manyConnections, rssMiB, slope, slowRequests, startHealthProbe, type LoadResult, type ProbeResult } from './suites/limits.js';
import { runMain } from './lib/run-main.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const apiKey = `bench-limits-${process.pid}-0123456789`;
const USAGE = 'Usage: npm run bench -- limits [--quick] [--scale 1] [--only rate,connections,queue,streams,soak] [--soak-minutes 10] [--duration 15]';
const values = parseSuiteArgs(USAGE, (args) => parseArgs({
  args, strict: true,
  options: {
    quick: { type: 'boolean', default: false },
    scale: { type: 'string', default: '1' },
    only: { type: 'string', default: 'rate,connections,queue,streams,soak' },
    'soak-minutes': { type: 'string' },
    duration: { type: 'string' },
  },
}).values);
const scale = Number(values.scale);
const durationSec = Number(values.duration ?? (values.quick ? 5 : 15));
const soakMinutes = Number(values['soak-minutes'] ?? (values.quick ? 1 : 10));
const only = new Set(values.only.split(','));
const limits = {
  rate: Math.round(5000 / scale), connections: Math.round(2000 / scale), queue: Math.round(1000 / scale), streams: Math.round(500 / scale),
};
const limitEnv = {
  JAN_RATE_HARD_LIMIT: String(limits.rate), JAN_RATE_SOFT_LIMIT: String(Math.round(1000 / scale)), JAN_CLIENT_RATE_LIMIT: String(limits.rate),
  JAN_CONNECTIONS_HARD_LIMIT: String(limits.connections), JAN_CONNECTIONS_SOFT_LIMIT: String(Math.round(500 / scale)),
  JAN_QUEUE_DEPTH_LIMIT: String(limits.queue), JAN_STREAMS_HARD_LIMIT: String(limits.streams), JAN_STREAMS_SOFT_LIMIT: String(Math.round(100 / scale)),
  JAN_BACKUP_INTERVAL_HOURS: '0', JAN_MAINTENANCE_INTERVAL_MINUTES: '0',
};
const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };

interface Row {
  scenario: string;
  load: LoadResult | { statuses: Record<string, number>; rps?: number };
  /** As the probe process saw it (includes time in the kernel queues and the probe's own scheduling). */
  health: ProbeResult;
  /** As the server measured it (its exact 1-minute window; one fresh server per row). */
  serverHealth: { count: number; p99Ms: number | null };
}

async function serverHealth(url: string): Promise<Row['serverHealth']> {
  const res = await fetch(`${url}/v1/admin/metrics/snapshot?window=1m`, { headers });
  const routes = res.ok ? ((await res.json()) as { routes: Array<{ method: string; route: string; count: number; p99_ms: number | null }> }).routes : [];
  const health = routes.find((r) => r.method === 'GET' && r.route === '/v1/health');
  return { count: health?.count ?? 0, p99Ms: health?.p99_ms ?? null };
}

/** One fresh server per run, so the server's 1-minute window holds that run only. */
async function measured(scenario: string, seeded: boolean, env: Record<string, string>, work: (server: ServerChild) => Promise<Row['load']>): Promise<Row> {
  return withServer(seeded, env, async (server) => {
    const { result, health } = await withProbe(server.url, () => work(server));
    return { scenario, load: result, health, serverHealth: await serverHealth(server.url) };
  });
}

async function withProbe<T>(url: string, work: () => Promise<T>): Promise<{ result: T; health: ProbeResult }> {
  const probe = await startHealthProbe(url, 20);
  const outcome = await work().then((result) => ({ ok: true as const, result }), (error: unknown) => ({ ok: false as const, error }));
  const health = await probe.stop();
  if (!outcome.ok) throw outcome.error;
  return { result: outcome.result, health };
}

/**
 * Connection clients pause about a second between requests: many open connections at a moderate rate (a
 * team's apps and dashboards), not a throughput test. A CPU-saturated Node server accepts new connections
 * slowly, so closed-loop clients pile up in the kernel's accept queue and never reach the limit.
 */
const THINK_MS = 1000;
/** Tokens per streamed reply: long enough that the streams of one burst overlap on a tiny model. */
const STREAM_TOKENS = 32;

/** Limits so high they never trigger, to test one limit at a time. */
const NO_RATE_LIMIT = { JAN_RATE_HARD_LIMIT: '1000000', JAN_RATE_SOFT_LIMIT: '1000000', JAN_CLIENT_RATE_LIMIT: '1000000' };
const NO_CONNECTION_LIMIT = { JAN_CONNECTIONS_HARD_LIMIT: '100000', JAN_CONNECTIONS_SOFT_LIMIT: '100000' };

async function withServer<T>(seeded: boolean, env: Record<string, string>, fn: (server: ServerChild, seed?: SeededData) => Promise<T>): Promise<T> {
  const dataDir = mkdtempSync(join(tmpdir(), 'jan-bench-limits-'));
  const seed = seeded ? await seedDataDir(dataDir, { conversations: 2000, itemsPerConversation: 10, projects: 20 }) : undefined;
  const server = await startServerChild({ root, dataDir, apiKey, env: { ...limitEnv, ...env }, startTimeoutMs: 60_000 });
  try {
    return await fn(server, seed);
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function rate(rows: Row[]): Promise<void> {
  for (const k of [1, 2]) {
    rows.push(await measured(`rate ${k}x (${k * limits.rate}/s offered)`, false, NO_CONNECTION_LIMIT, (server) =>
      hammer({ url: server.url, path: '/v1/projects', connections: 200, overallRate: k * limits.rate, durationSec, headers })));
  }
}

async function connections(rows: Row[]): Promise<void> {
  for (const k of [1, 2]) {
    rows.push(await measured(`connections ${k}x (${k * limits.connections})`, false, NO_RATE_LIMIT, (server) =>
      manyConnections(server.url, k * limits.connections, durationSec, { authorization: headers.authorization }, THINK_MS)));
  }
}

async function queue(rows: Row[]): Promise<void> {
  for (const k of [1, 2]) {
    rows.push(await measured(`queue ${k}x (${k * limits.queue} held)`, false, { ...NO_RATE_LIMIT, ...NO_CONNECTION_LIMIT }, async (server) =>
      ({ statuses: (await slowRequests(server.url, apiKey, k * limits.queue, 3000)).statuses })));
  }
}

async function streams(rows: Row[]): Promise<void> {
  const modelsDir = mkdtempSync(join(tmpdir(), 'jan-bench-limits-models-'));
  try {
    writeRandomModel(join(modelsDir, 'tiny.gguf'), { params: 2_000_000, vocabSize: 2000, contextLength: 512 });
    const env = {
      ...NO_RATE_LIMIT, ...NO_CONNECTION_LIMIT,
      JAN_MODELS_DIR: modelsDir, JAN_PARALLEL: '8', JAN_MAX_QUEUE: '1000', JAN_CONTEXT_SIZE: '256', JAN_GPU: 'off', JAN_THREADS: '1',
    };
    for (const k of [1, 2]) {
      rows.push(await measured(`streams ${k}x (${k * limits.streams} at once)`, false, env, async (server) => {
        await fetch(`${server.url}/v1/models/tiny/load`, { method: 'POST', headers });
        const result = await concurrentStreams(server.url, apiKey, 'tiny', k * limits.streams, STREAM_TOKENS);
        return { statuses: result.statuses, rps: (k * limits.streams) / (result.wallMs / 1000) };
      }));
    }
  } finally {
    rmSync(modelsDir, { recursive: true, force: true });
  }
}

async function soak() {
  return withServer(true, NO_RATE_LIMIT, async (server, seed) => {
    const ids = seed!.conversationIds;
    const pick = () => ids[Math.floor(Math.random() * ids.length)]!;
    const samples: Array<[number, number]> = [];
    const started = performance.now();
    const stop = new AbortController();
    const sampler = (async () => {
      while (!stop.signal.aborted) {
        const rss = await rssMiB(server.pid);
        if (rss !== undefined) samples.push([(performance.now() - started) / 60_000, rss]);
        await new Promise((resolve) => setTimeout(resolve, 5000));
      }
    })();
    let n = 0;
    const segments: LoadResult[] = [];
    while ((performance.now() - started) / 60_000 < soakMinutes) {
      const seconds = Math.min(30, Math.max(5, soakMinutes * 60 - (performance.now() - started) / 1000));
      const part = await Promise.all([
        hammer({ url: server.url, path: '/v1/conversations?limit=20', connections: 10, durationSec: seconds, headers }),
        hammer({ url: server.url, path: '/', connections: 10, durationSec: seconds, headers, next: () => ({ path: `/v1/conversations/${pick()}/items` }) }),
        hammer({
          url: server.url, path: '/', method: 'POST', connections: 5, durationSec: seconds, headers,
          next: () => ({ path: `/v1/conversations/${pick()}/items`, body: JSON.stringify({ items: [{ type: 'message', role: 'user', content: `soak ${++n}` }] }) }),
        }),
      ]);
      segments.push(...part);
    }
    stop.abort();
    await sampler;
    const rss = samples.map(([, y]) => y);
    const secondHalf = samples.filter(([x]) => x >= soakMinutes / 2);
    return {
      minutes: soakMinutes,
      requests: segments.reduce((s, r) => s + r.responses, 0),
      errors: segments.reduce((s, r) => s + r.errors + Object.entries(r.statuses).filter(([code]) => !code.startsWith('2')).reduce((t, [, c]) => t + c, 0), 0),
      rssMiB: { start: rss[0], end: rss.at(-1), max: Math.max(...rss), slopeSecondHalfPerMin: slope(secondHalf) },
      samples,
    };
  });
}

const f = (v: number | undefined, d = 1) => (v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(d));

function table(rows: Row[]): string {
  const lines = [
    '| Scenario | RPS | p50 ms | p95 ms | p99 ms | 429 | 503 | other non-2xx | no Retry-After | net errors | health p99 ms in server (n) | health p99 ms probe kept-alive / new conn (fails) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const { scenario, load, health, serverHealth: inServer } of rows) {
    const total = Object.values(load.statuses).reduce((a, b) => a + b, 0);
    const share = (code: string) => `${f((100 * (load.statuses[code] ?? 0)) / Math.max(1, total))}%`;
    const other = Object.entries(load.statuses).filter(([c]) => !c.startsWith('2') && c !== '429' && c !== '503').map(([c, n]) => `${c}:${n}`).join(' ') || '0';
    const l = 'latencyMs' in load ? load : undefined;
    lines.push(`| ${scenario} | ${f(load.rps, 0)} | ${f(l?.latencyMs.p50)} | ${f(l?.latencyMs.p95)} | ${f(l?.latencyMs.p99)} | ${share('429')} | ${share('503')} | ${other} | ${l ? l.refusalsWithoutRetryAfter : '-'} | ${l ? l.errors : '-'} | ${f(inServer.p99Ms ?? undefined, 2)} (${inServer.count}) | ${f(health.kept.p99)} / ${f(health.fresh.p99)} (${health.kept.failures + health.fresh.failures}/${health.kept.probes + health.fresh.probes}) |`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  await ensureBuild(root);
  const startedAt = new Date();
  const rows: Row[] = [];
  if (only.has('rate')) await rate(rows);
  if (only.has('connections')) await connections(rows);
  if (only.has('queue')) await queue(rows);
  if (only.has('streams')) await streams(rows);
  process.stdout.write(`\n${table(rows)}\n`);
  const soakResult = only.has('soak') ? await soak() : undefined;
  if (soakResult) {
    const { rssMiB: r } = soakResult;
    process.stdout.write(`\nSoak ${soakResult.minutes} min: ${soakResult.requests} requests, ${soakResult.errors} non-2xx/errors; RSS ${f(r.start)} → ${f(r.end)} MiB (max ${f(r.max)}), second-half slope ${f(r.slopeSecondHalfPerMin, 2)} MiB/min\n`);
  }
  process.stdout.write(`\nLimits ${JSON.stringify(limits)} (scale 1/${scale}); ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
  const resultsDir = join(root, 'test/load/results');
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `limits-${startedAt.toISOString().replace(/:/g, '-')}.json`);
  writeJson(file, { suite: 'limits', startedAt: startedAt.toISOString(), options: values, limits, rows, soak: soakResult, loadAverageAtEnd: loadavg() });
  process.stdout.write(`Saved ${file}\n`);
}

runMain(main);

/**
 * `npm run bench -- cluster [--quick] [--duration s] [--connections n] [--conversations n] [--replicas n]`:
 * the guide's data endpoints on three set-ups measured in one run, one after the other:
 *   1. SQLite, one node (the desktop default);
 *   2. PostgreSQL, one node (JAN_DATABASE_URL, no Redis);
 *   3. N replicas (default 3) behind haproxy, sharing that PostgreSQL database and a Redis (test/cluster/).
 * PostgreSQL, Redis and haproxy are real processes started here (Debian's packages), as the cluster test does.
 *
 * On a small machine the replicas share its cores, so RPS alone says little about N real nodes. Each endpoint
 * therefore also reports CPU µs per request per layer — the server processes (sum of the replicas), PostgreSQL
 * (postmaster and backends), Redis, haproxy — read from /proc before and after the measured run: those figures
 * hardly move with how many cores there are, and a projection to N nodes is made from them
 * (test/load/lib/cluster-report.ts). Results go to test/load/results/cluster-<time>.json.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openPostgresStore } from '../../server/store/postgres/pg-store.js';
import { startPostgres, type PostgresServer } from '../cluster/postgres-server.js';
import { parseSuiteArgs } from './lib/args.js';
import { formatIdle, formatProjection, formatRows, project, toRows, type SetupResult } from './lib/cluster-report.js';
import { ensureBuild } from './lib/ensure-build.js';
import type { Scenario } from './lib/load-driver.js';
import { measureEndpoint, type CpuProbe, type LayeredEndpointResult } from './lib/measure.js';
import { pidCpuProbe, sumCpuProbes, treeCpuProbe } from './lib/proc-cpu.js';
import { writeJson } from './lib/report.js';
import { runMain } from './lib/run-main.js';
import { seedDataDir, seedStore, type SeedCounts, type SeededData } from './lib/seed.js';
import { startServerChild } from './lib/server-child.js';
import { dataApiSuite } from './suites/data-api.js';

const USAGE = `Usage: npm run bench -- cluster [options]
  --duration <s>       measured seconds per endpoint (default 5)
  --warmup <s>         warm-up seconds per endpoint (default 1)
  --quick              2 s runs with a 0.5 s warm-up
  --connections <n>    concurrent connections (default 50)
  --conversations <n>  seeded conversations per database (default 2000), 10 items each
  --replicas <n>       replicas behind haproxy (default 3)
  --node-cores <n>     cores per node and for PostgreSQL in the printed projection (default 2)`;

const values = parseSuiteArgs(USAGE, (args) => parseArgs({
  args, strict: true,
  options: {
    duration: { type: 'string' }, warmup: { type: 'string' }, quick: { type: 'boolean', default: false },
    connections: { type: 'string', default: '50' }, conversations: { type: 'string', default: '2000' },
    replicas: { type: 'string', default: '3' }, 'node-cores': { type: 'string', default: '2' },
  },
}).values);
const options = {
  durationSec: Number(values.duration ?? (values.quick ? 2 : 5)),
  warmupSec: Number(values.warmup ?? (values.quick ? 0.5 : 1)),
  connections: Number(values.connections),
  replicas: Number(values.replicas),
  nodeCores: Number(values['node-cores']),
};
const counts: SeedCounts = { conversations: Number(values.conversations), itemsPerConversation: 10, projects: 20 };
for (const [name, value] of Object.entries({ ...options, conversations: counts.conversations })) {
  if (!Number.isFinite(value) || value <= 0) {
    process.stderr.write(`bench: --${name} must be a positive number\n${USAGE}\n`);
    process.exit(2);
  }
}

const root = fileURLToPath(new URL('../..', import.meta.url));
const API_KEY = 'bench-cluster-admin-key-0123456789abcdef';
/** Throughput is measured, not the rate limiter (one bench client would be held at 5,000 requests/s). */
const UNLIMITED = { JAN_RATE_SOFT_LIMIT: '1000000', JAN_RATE_HARD_LIMIT: '1000000', JAN_CLIENT_RATE_LIMIT: '1000000' };
/** The guide's data endpoints and the health endpoint, by their names in the data-api suite. */
const ENDPOINTS = [
  'GET /v1/health', 'GET /v1/conversations?limit=20', 'GET /v1/conversations/{id}', 'GET /v1/conversations/{id}/items',
  'POST /v1/conversations', 'POST /v1/conversations/{id}/items',
];
const PAUSE_MS = 300;
const IDLE_SECONDS = 2;

function scenariosFor(seed: SeededData): Scenario[] {
  const all = dataApiSuite(seed).scenarios;
  return ENDPOINTS.map((name) => {
    const scenario = all.find((s) => s.name === name);
    if (!scenario) throw new Error(`the data-api suite has no endpoint '${name}'`);
    return scenario;
  });
}

/**
 * What each layer burns with no request at all (timers, haproxy's checks, job leases), as a share of one core:
 * at low RPS it is a visible part of the µs per request, so it is reported beside them.
 */
async function idleCpuCores(layers: Record<string, CpuProbe>, seconds = IDLE_SECONDS): Promise<Record<string, number | null>> {
  const before = Object.fromEntries(Object.entries(layers).map(([name, probe]) => [name, probe()]));
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  return Object.fromEntries(Object.entries(layers).map(([name, probe]) => {
    const after = probe();
    const start = before[name];
    return [name, after === undefined || start === undefined ? null : Math.round(((after - start) / seconds) * 1000) / 1000];
  }));
}

/** Every endpoint against `url`; `layers.server` is also the server CPU the data-api table would show. */
async function measureSetup(url: string, seed: SeededData, layers: Record<string, CpuProbe>, signal: AbortSignal, apiKey: string): Promise<Pick<SetupResult, 'results' | 'idleCpuCores'>> {
  const idle = await idleCpuCores(layers);
  const run = { url, connections: options.connections, durationSec: options.durationSec, headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }, signal };
  const results: LayeredEndpointResult[] = [];
  for (const scenario of scenariosFor(seed)) {
    if (signal.aborted) break;
    const result = await measureEndpoint(scenario, run, { cpuSeconds: layers.server! }, { seconds: options.warmupSec, pauseMs: PAUSE_MS }, layers);
    results.push(result);
    process.stderr.write(`bench:   ${scenario.name}: ${Math.round(result.measurement.rps)} RPS, p95 ${result.measurement.latencyMs.p95.toFixed(2)} ms\n`);
    await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
  }
  return { results, idleCpuCores: idle };
}

async function sqliteNode(signal: AbortSignal): Promise<SetupResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'jan-bench-cluster-'));
  try {
    const seed = await seedDataDir(dataDir, counts);
    process.stderr.write(`bench: SQLite seeded in ${seed.seconds.toFixed(1)} s\n`);
    const server = await startServerChild({ root, dataDir, apiKey: API_KEY });
    try {
      const measured = await measureSetup(server.url, seed, { server: pidCpuProbe(() => server.pid) }, signal, API_KEY);
      return { setup: 'sqlite', label: 'SQLite, 1 node', ...measured };
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function postgresNode(postgres: PostgresServer, databaseUrl: string, seed: SeededData, signal: AbortSignal): Promise<SetupResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'jan-bench-cluster-'));
  try {
    const server = await startServerChild({ root, dataDir, apiKey: API_KEY, env: { JAN_DATABASE_URL: databaseUrl } });
    try {
      const layers = { server: pidCpuProbe(() => server.pid), postgres: treeCpuProbe(() => postgres.pid) };
      return { setup: 'postgres', label: 'PostgreSQL, 1 node', ...(await measureSetup(server.url, seed, layers, signal, API_KEY)) };
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function clusterNodes(postgres: PostgresServer, databaseUrl: string, seed: SeededData, signal: AbortSignal): Promise<SetupResult> {
  // Imported only now: server-process.ts decides at import whether dist/ is fresh, and ensureBuild has just run.
  const { startLocalCluster, CLUSTER_ADMIN_KEY } = await import('../cluster/local-cluster.js');
  const cluster = await startLocalCluster({ replicas: options.replicas, databaseUrl, env: UNLIMITED });
  // A replica's child is ended by cluster.stop(); this is only for a bench that dies before reaching it.
  const killReplicas = () => cluster.replicas.forEach((r) => r.process.child.kill('SIGKILL'));
  process.once('exit', killReplicas);
  try {
    const layers = {
      server: sumCpuProbes(cluster.replicas.map((r) => pidCpuProbe(() => r.process.child.pid))),
      postgres: treeCpuProbe(() => postgres.pid),
      redis: pidCpuProbe(() => cluster.redis.pid),
      haproxy: pidCpuProbe(() => cluster.haproxy.pid),
    };
    const measured = await measureSetup(cluster.url, seed, layers, signal, CLUSTER_ADMIN_KEY);
    return { setup: 'cluster', label: `${options.replicas} replicas + haproxy + PostgreSQL + Redis`, ...measured };
  } finally {
    await cluster.stop();
    process.off('exit', killReplicas);
  }
}

async function main(): Promise<number> {
  const startedAt = new Date();
  await ensureBuild(root);
  const abort = new AbortController();
  process.on('SIGINT', () => (abort.signal.aborted ? process.exit(130) : abort.abort()));
  const setups: SetupResult[] = [];
  const loadAtStart = loadavg();
  process.stderr.write(`bench: 1/3 SQLite, one node (load ${loadAtStart[0]!.toFixed(1)})\n`);
  setups.push(await sqliteNode(abort.signal));
  const postgres = await startPostgres();
  try {
    const databaseUrl = await postgres.createDatabase();
    const store = await openPostgresStore({ url: databaseUrl });
    let seed: SeededData;
    try {
      seed = await seedStore(store, counts);
    } finally {
      await store.close();
    }
    process.stderr.write(`bench: PostgreSQL seeded in ${seed.seconds.toFixed(1)} s\nbench: 2/3 PostgreSQL, one node\n`);
    if (!abort.signal.aborted) setups.push(await postgresNode(postgres, databaseUrl, seed, abort.signal));
    process.stderr.write(`bench: 3/3 ${options.replicas} replicas behind haproxy\n`);
    if (!abort.signal.aborted) setups.push(await clusterNodes(postgres, databaseUrl, seed, abort.signal));
  } finally {
    await postgres.stop();
  }
  const rows = toRows(setups);
  const shape = { nodes: options.replicas, nodeCores: options.nodeCores, databaseCores: options.nodeCores };
  const projection = project(rows, shape);
  const loadAtEnd = loadavg();
  const loads = rows.map((r) => r.loadAverage1m);
  process.stdout.write(`\nCPU µs per request by layer (delta CPU over the measured run / responses). ${cpus().length} cores; ` +
    `load average ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} during the runs.\n${formatRows(rows)}\n`);
  process.stdout.write(`Idle CPU (share of one core, ${IDLE_SECONDS} s with no requests, included in the µs above):\n${formatIdle(setups)}\n`);
  process.stdout.write(`\nOn paper, from the cluster's µs per request: requests/s per fully available core of each layer, and ` +
    `${shape.nodes} nodes of ${shape.nodeCores} cores with PostgreSQL on ${shape.databaseCores} (the smaller bound).\n${formatProjection(projection, shape)}\n`);
  const file = join(root, 'test/load/results', `cluster-${startedAt.toISOString().replace(/:/g, '-')}.json`);
  writeJson(file, {
    suite: 'cluster', startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(), aborted: abort.signal.aborted,
    command: ['npm run bench -- cluster', ...process.argv.slice(2)].join(' '),
    options, seed: counts,
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version, loadAverageAtStart: loadAtStart, loadAverageAtEnd: loadAtEnd },
    setups: setups.map((s) => ({ setup: s.setup, label: s.label, idleCpuCores: s.idleCpuCores })),
    rows, projection: { shape, endpoints: projection }, results: setups,
  });
  process.stdout.write(`\n${options.connections} connections, ${options.durationSec} s per endpoint after ${options.warmupSec} s warm-up. Saved ${file}\n`);
  if (abort.signal.aborted) return 130;
  return rows.some((r) => r.failures > 0) ? 1 : 0;
}

runMain(main);

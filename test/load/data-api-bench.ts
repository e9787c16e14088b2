/**
 * `npm run bench`: the data API against the Performance & SLA Guide's targets (server/metrics/sla-targets.ts).
 *
 * Builds the server if needed, seeds a fresh temp data dir (10,000 conversations, 100,000 items, 20 projects,
 * owned by the admin), starts `node dist/server/main.js` as a child process (so the load generator here and
 * the server use different cores), warms up and measures each endpoint with autocannon, prints a table and
 * writes test/load/results/data-api-<time>.json. The server is stopped (SIGTERM) and the temp dir removed at
 * the end, on failure and on Ctrl-C (a second Ctrl-C exits at once).
 *
 * Exit code: 0 when every request succeeded (whether or not the goals were met), 1 when any failed, 2 for
 * bad flags, 130 when interrupted.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseBenchArgs, USAGE, type BenchOptions } from './lib/args.js';
import { ensureBuild } from './lib/ensure-build.js';
import type { RunOptions, Scenario } from './lib/load-driver.js';
import { measureEndpoint } from './lib/measure.js';
import { formatTable, writeJson, type EndpointResult } from './lib/report.js';
import { seedDataDir, type SeededData } from './lib/seed.js';
import { startServerChild, type ServerChild } from './lib/server-child.js';
import { dataApiSuite } from './suites/data-api.js';
import { abortOnSignals, runMain } from './lib/run-main.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const resultsDir = join(root, 'test/load/results');
const PAUSE_MS = 500;
/** A fresh admin key per run (JAN_API_KEY of the server child). */
const apiKey = `bench-${randomBytes(16).toString('hex')}`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function git(args: string[]): string | null {
  try {
    return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

function machineFacts() {
  const cpuList = cpus();
  return {
    cpus: cpuList.length,
    cpuModel: cpuList[0]?.model ?? 'unknown',
    totalMemoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverageAtStart: loadavg(),
  };
}

async function runSuite(scenarios: Scenario[], server: ServerChild, options: BenchOptions, signal: AbortSignal): Promise<EndpointResult[]> {
  const headers: Record<string, string> = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
  if (options.gzip) headers['accept-encoding'] = 'gzip';
  const run: RunOptions = { url: server.url, connections: options.connections, durationSec: options.durationSec, headers, signal };
  const results: EndpointResult[] = [];
  for (const scenario of scenarios) {
    if (signal.aborted) break;
    const result = await measureEndpoint(scenario, run, server, { seconds: options.warmupSec, pauseMs: PAUSE_MS });
    results.push(result);
    const { rps, latencyMs } = result.measurement;
    process.stderr.write(`bench: ${scenario.name}: ${Math.round(rps)} RPS, p99 ${latencyMs.p99.toFixed(2)} ms\n`);
    await sleep(PAUSE_MS);
  }
  return results;
}

function selectScenarios(all: Scenario[], only: string[]): Scenario[] {
  if (only.length === 0) return all;
  // A value that is a whole name picks just that endpoint ('GET /v1/conversations/{id}' without /items).
  const matches = (name: string, text: string) =>
    all.some((s) => s.name.toLowerCase() === text) ? name.toLowerCase() === text : name.toLowerCase().includes(text);
  const chosen = all.filter((s) => only.some((text) => matches(s.name, text.toLowerCase())));
  if (chosen.length === 0) throw new Error(`--only matched no endpoint; names are:\n  ${all.map((s) => s.name).join('\n  ')}`);
  return chosen;
}

function report(results: EndpointResult[], context: { options: BenchOptions; seed: SeededData; startedAt: Date; aborted: boolean; deletedItems: number }) {
  const { options, seed, startedAt } = context;
  process.stdout.write(`\n${formatTable(results)}\n`);
  for (const r of results.filter((x) => x.measurement.errorSamples.length > 0)) {
    process.stdout.write(`  ${r.name} failed, e.g.: ${r.measurement.errorSamples[0]}\n`);
  }
  // The bench and the server themselves make a load of about 2; more than one beyond the cores is others.
  const busiest = Math.max(...results.map((r) => r.loadAverage1m));
  if (busiest > cpus().length + 1) {
    process.stdout.write(`  WARNING: load average up to ${busiest.toFixed(1)} on ${cpus().length} cores during the runs: other processes took CPU ` +
      `(see 'srv CPU': a saturated server shows ~100%), so RPS and latencies are worse than this code can do. Re-run when quieter.\n`);
  }
  const file = join(resultsDir, `data-api-${startedAt.toISOString().replace(/:/g, '-')}.json`);
  writeJson(file, {
    suite: 'data-api',
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    aborted: context.aborted,
    command: ['npm run bench --', ...process.argv.slice(2)].join(' '),
    options,
    machine: { ...machineFacts(), loadAverageAtEnd: loadavg() },
    git: { commit: git(['rev-parse', 'HEAD']), serverSourcesDirty: (git(['status', '--porcelain', 'server']) ?? '') !== '' },
    seed: { conversations: seed.conversationIds.length, items: seed.items.length, projects: seed.projectIds.length, seconds: seed.seconds },
    deletedItems: context.deletedItems,
    results,
  });
  process.stdout.write(`\n${options.connections} connections, ${options.durationSec} s per endpoint after ${options.warmupSec} s warm-up; ` +
    `${seed.conversationIds.length} conversations, ${seed.items.length} items. Saved ${file}\n`);
}

async function main(): Promise<number> {
  let options;
  try {
    options = parseBenchArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  await ensureBuild(root);
  const dataDir = mkdtempSync(join(tmpdir(), 'jan-bench-'));
  let server: ServerChild | undefined;
  // Last resort if this process dies without reaching `finally`: no orphaned server, no leftover data.
  const emergency = () => {
    server?.kill();
    rmSync(dataDir, { recursive: true, force: true });
  };
  process.once('exit', emergency);
  const signal = abortOnSignals();
  try {
    return await benchmark(options, dataDir, signal, (child) => (server = child));
  } finally {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    process.off('exit', emergency);
  }
}

async function benchmark(options: BenchOptions, dataDir: string, signal: AbortSignal, started: (server: ServerChild) => void): Promise<number> {
  const startedAt = new Date();
  process.stderr.write(`bench: seeding ${options.conversations} conversations x ${options.itemsPerConversation} items in ${dataDir}\n`);
  const seed = await seedDataDir(dataDir, options);
  process.stderr.write(`bench: seeded in ${seed.seconds.toFixed(1)} s; starting the server\n`);
  const suite = dataApiSuite(seed);
  const scenarios = selectScenarios(suite.scenarios, options.only);
  const stamp = startedAt.toISOString().replace(/:/g, '-');
  const nodeArgs = options.profile ? ['--cpu-prof', `--cpu-prof-dir=${join(resultsDir, `profiles-${stamp}`)}`] : [];
  const server = await startServerChild({ root, dataDir, apiKey, nodeArgs });
  started(server);
  process.stderr.write(`bench: server ${server.url} (pid ${server.pid})\n`);
  const results = await runSuite(scenarios, server, options, signal);
  report(results, { options, seed, startedAt, aborted: signal.aborted, deletedItems: suite.deletedItems() });
  if (options.profile) process.stdout.write(`CPU profile of the server: ${join(resultsDir, `profiles-${stamp}`)} (written when it stops)\n`);
  if (signal.aborted) return 130;
  return results.some((r) => r.measurement.non2xx + r.measurement.errors > 0) ? 1 : 0;
}

runMain(main);

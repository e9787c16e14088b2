/**
 * What the dashboard's KPI stream costs the server: the same closed-loop load (autocannon, GET
 * /v1/conversations/{id} on seeded data) with 0 and with 3 dashboard streams (`/v1/admin/metrics/stream`)
 * open, in alternating rounds so that drift in the machine's load hits both sides alike. The goal is a
 * throughput loss of at most 2 %. Also measured, since throughput on a busy machine is noisy: the server's
 * CPU with the streams open and no load, and the CPU one snapshot costs (a snapshot request minus
 * GET /healthz), which is what each watched window adds per second whatever the load.
 *
 *   npm run bench -- kpi-stream [--rounds 4] [--duration 8] [--warmup 3] [--connections 50] [--streams 3]
 *
 * It builds the server if needed, seeds a temp data dir, starts the server as a child process, prints a table
 * and writes test/load/results/kpi-stream-*.json.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request, type ClientRequest } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseSuiteArgs } from './lib/args.js';
import { ensureBuild } from './lib/ensure-build.js';
import { runScenario, type Scenario } from './lib/load-driver.js';
import { writeJson } from './lib/report.js';
import { seedDataDir } from './lib/seed.js';
import { startServerChild, type ServerChild } from './lib/server-child.js';
import { runMain } from './lib/run-main.js';

export interface KpiStreamOptions {
  rounds: number;
  durationSec: number;
  warmupSec: number;
  connections: number;
  streams: number;
}

export interface RoundResult {
  streams: number;
  rps: number;
  p99Ms: number;
  /** Server CPU time per response, in microseconds. */
  cpuMicrosPerRequest: number | null;
  framesReceived: number;
}

export interface KpiStreamResult {
  rounds: RoundResult[];
  medianRps: { off: number; on: number };
  /**
   * 1 - on/off: the median over adjacent round pairs (one with streams, one without), which cancels slow
   * drift in the machine's load; negative means no measurable cost.
   */
  throughputLoss: number;
  /** The pairs' losses, to judge the noise. */
  pairLosses: number[];
  /** Server CPU (share of one core) over idle periods with the streams open and with none (medians). */
  idleCpuCores: { off: number | null; on: number | null };
  /**
   * Server CPU per request (µs) of a snapshot request and of GET /healthz (the framework's floor): their
   * difference is what building and serializing one snapshot costs, i.e. one stream tick of one window.
   */
  requestCpuMicros: { snapshot: number | null; healthz: number | null };
  goalMet: boolean;
}

interface OpenStreams {
  frames(): number;
  close(): void;
}

/** Opens `n` KPI streams and counts the frames they receive (each read as it arrives, as a browser does). */
function openStreams(url: string, apiKey: string, n: number): Promise<OpenStreams> {
  let frames = 0;
  const requests: ClientRequest[] = [];
  const opened = Array.from({ length: n }, () => new Promise<void>((resolve, reject) => {
    const req = request(`${url}/v1/admin/metrics/stream?window=1m`, { headers: { authorization: `Bearer ${apiKey}` } }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`stream answered ${res.statusCode}`));
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        frames += chunk.split('\n\n').length - 1;
      });
      res.on('error', () => undefined); // ended by close() below
      resolve();
    });
    req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
    req.end();
    requests.push(req);
  }));
  return Promise.all(opened).then(() => ({ frames: () => frames, close: () => requests.forEach((r) => r.destroy()) }));
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Server CPU per request (µs) over `n` sequential requests on one keep-alive connection. */
async function cpuPerRequest(server: ServerChild, path: string, apiKey: string, n: number): Promise<number | null> {
  const headers = { authorization: `Bearer ${apiKey}` };
  for (let i = 0; i < 20; i++) await (await fetch(server.url + path, { headers })).arrayBuffer();
  const before = server.cpuSeconds();
  for (let i = 0; i < n; i++) {
    const response = await fetch(server.url + path, { headers });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
  }
  const after = server.cpuSeconds();
  return before === undefined || after === undefined ? null : ((after - before) * 1e6) / n;
}

async function idleCpu(server: ServerChild, seconds: number): Promise<number | null> {
  const before = server.cpuSeconds();
  await sleep(seconds * 1000);
  const after = server.cpuSeconds();
  return before === undefined || after === undefined ? null : (after - before) / seconds;
}

async function kpiStreamSuite(server: ServerChild, apiKey: string, conversationIds: string[], options: KpiStreamOptions): Promise<KpiStreamResult> {
  const pick = () => conversationIds[Math.floor(Math.random() * conversationIds.length)]!;
  const scenario: Scenario = {
    name: 'GET /v1/conversations/{id}', method: 'GET', route: '/v1/conversations/:id', next: () => ({ path: `/v1/conversations/${pick()}` }),
  };
  const run = { url: server.url, connections: options.connections, headers: { authorization: `Bearer ${apiKey}` } };
  await runScenario(scenario, { ...run, durationSec: options.warmupSec });
  const rounds: RoundResult[] = [];
  for (let i = 0; i < options.rounds * 2; i++) {
    // off, on, on, off, off, on, …: each side goes first equally often.
    const on = (i % 4 === 1 || i % 4 === 2) && options.streams > 0;
    const streams = on ? await openStreams(server.url, apiKey, options.streams) : undefined;
    await sleep(300);
    const cpuBefore = server.cpuSeconds();
    const m = await runScenario(scenario, { ...run, durationSec: options.durationSec });
    const cpuAfter = server.cpuSeconds();
    streams?.close();
    const cpu = cpuBefore === undefined || cpuAfter === undefined ? null : ((cpuAfter - cpuBefore) * 1e6) / m.responses;
    if (m.non2xx + m.errors > 0) throw new Error(`round ${i}: ${m.non2xx} non-2xx, ${m.errors} errors: ${m.errorSamples[0] ?? ''}`);
    rounds.push({ streams: on ? options.streams : 0, rps: m.rps, p99Ms: m.latencyMs.p99, cpuMicrosPerRequest: cpu, framesReceived: streams?.frames() ?? 0 });
    process.stderr.write(`kpi-stream: round ${i + 1}/${options.rounds * 2}, ${on ? options.streams : 0} streams: ${Math.round(m.rps)} RPS\n`);
    await sleep(300);
  }
  const off = median(rounds.filter((r) => r.streams === 0).map((r) => r.rps));
  const on = median(rounds.filter((r) => r.streams > 0).map((r) => r.rps));
  const idle: { off: number[]; on: number[] } = { off: [], on: [] };
  for (let i = 0; i < 3; i++) {
    const cpuOff = await idleCpu(server, 5);
    const open = await openStreams(server.url, apiKey, options.streams);
    const cpuOn = await idleCpu(server, 5);
    open.close();
    if (cpuOff !== null && cpuOn !== null) [idle.off, idle.on] = [[...idle.off, cpuOff], [...idle.on, cpuOn]];
  }
  const requestCpuMicros = {
    snapshot: await cpuPerRequest(server, '/v1/admin/metrics/snapshot?window=1m', apiKey, 500),
    healthz: await cpuPerRequest(server, '/healthz', apiKey, 500),
  };
  const pairLosses: number[] = [];
  for (let i = 0; i + 1 < rounds.length; i += 2) {
    const [a, b] = [rounds[i]!, rounds[i + 1]!];
    const [withStreams, without] = a.streams > 0 ? [a, b] : [b, a];
    pairLosses.push(1 - withStreams.rps / without.rps);
  }
  const throughputLoss = median(pairLosses);
  return {
    rounds, medianRps: { off, on }, throughputLoss, pairLosses,
    idleCpuCores: { off: idle.off.length ? median(idle.off) : null, on: idle.on.length ? median(idle.on) : null },
    requestCpuMicros, goalMet: throughputLoss <= 0.02,
  };
}

const USAGE = 'Usage: npm run bench -- kpi-stream [--rounds 4] [--duration 8] [--warmup 3] [--connections 50] [--streams 3]';

function parseOptions(): KpiStreamOptions {
  const values = parseSuiteArgs(USAGE, (args) => parseArgs({
    args, strict: true,
    options: { rounds: { type: 'string' }, duration: { type: 'string' }, warmup: { type: 'string' }, connections: { type: 'string' }, streams: { type: 'string' } },
  }).values);
  const num = (raw: string | undefined, fallback: number) => (raw === undefined ? fallback : Math.max(1, Number(raw)) || fallback);
  return {
    rounds: num(values.rounds, 4), durationSec: num(values.duration, 8), warmupSec: num(values.warmup, 3),
    connections: num(values.connections, 50), streams: values.streams === '0' ? 0 : num(values.streams, 3),
  };
}

async function main(): Promise<void> {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const options = parseOptions();
  await ensureBuild(root);
  const dataDir = mkdtempSync(join(tmpdir(), 'jan-bench-kpi-'));
  const apiKey = `bench-${randomBytes(16).toString('hex')}`;
  let server: ServerChild | undefined;
  try {
    const seed = await seedDataDir(dataDir, { conversations: 2_000, itemsPerConversation: 10, projects: 5 });
    server = await startServerChild({ root, dataDir, apiKey });
    const startedAt = new Date();
    const loadAtStart = loadavg();
    const result = await kpiStreamSuite(server, apiKey, seed.conversationIds, options);
    const pct = (x: number) => `${(x * 100).toFixed(2)} %`;
    process.stdout.write(`\nstreams  RPS     p99 ms  server CPU µs/request  frames\n`);
    for (const r of result.rounds) {
      process.stdout.write(`${String(r.streams).padEnd(8)} ${r.rps.toFixed(0).padEnd(7)} ${r.p99Ms.toFixed(2).padEnd(7)} ${(r.cpuMicrosPerRequest?.toFixed(1) ?? '-').padEnd(22)} ${r.framesReceived}\n`);
    }
    process.stdout.write(`\nmedian RPS: ${result.medianRps.off.toFixed(0)} without streams, ${result.medianRps.on.toFixed(0)} with ${options.streams}; ` +
      `throughput loss (median of pairs) ${pct(result.throughputLoss)} (goal ≤ 2 %: ${result.goalMet ? 'met' : 'NOT met'}); ` +
      `pairs: ${result.pairLosses.map(pct).join(', ')}\n`);
    process.stdout.write(`idle server CPU: ${result.idleCpuCores.off === null ? '-' : pct(result.idleCpuCores.off)} of a core without streams, ` +
      `${result.idleCpuCores.on === null ? '-' : pct(result.idleCpuCores.on)} with ${options.streams}\n`);
    const { snapshot, healthz } = result.requestCpuMicros;
    if (snapshot !== null && healthz !== null) {
      process.stdout.write(`server CPU per request: snapshot ${snapshot.toFixed(0)} µs, /healthz ${healthz.toFixed(0)} µs: one stream tick ≈ ` +
        `${(snapshot - healthz).toFixed(0)} µs a second per window watched (${pct((snapshot - healthz) / 1e6)} of a core)\n`);
    }
    const file = join(root, 'test/load/results', `kpi-stream-${startedAt.toISOString().replace(/:/g, '-')}.json`);
    writeJson(file, {
      suite: 'kpi-stream', startedAt: startedAt.toISOString(), options,
      machine: { cpus: cpus().length, node: process.version, loadAverageAtStart: loadAtStart, loadAverageAtEnd: loadavg() },
      command: ['npm run bench -- kpi-stream', ...process.argv.slice(2)].join(' '), result,
    });
    process.stdout.write(`Saved ${file}\n`);
  } finally {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

runMain(main);

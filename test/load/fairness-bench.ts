/**
 * Fairness benchmark (issue 16, item 3): `npm run bench -- fairness [options]`.
 *
 * Member A floods the inference queue (`--flood` streamed requests in flight at all times) while member B
 * sends `--samples` streamed requests one after another; B's time to first token is what A's burst costs
 * B. Run twice on the same random-weight F16 model (~10M parameters by default; never committed), one slot
 * (JAN_PARALLEL=1): JAN_FAIR_QUEUE=on (round robin across members) and off (one FIFO). With the FIFO, B waits
 * behind A's whole backlog; with fairness, behind at most one of A's requests per turn. The two members
 * are guest accounts on the server child (rows in `users`, like invited members). Results also go to
 * test/load/results/.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseSuiteArgs } from './lib/args.js';
import { parseParamCount, writeRandomModel } from '../support/gguf/random-model.js';
import { ensureBuild } from './lib/ensure-build.js';
import { writeJson } from './lib/report.js';
import { startServerChild } from './lib/server-child.js';
import { median, streamRun, type RunResult } from './suites/inference.js';
import { runMain } from './lib/run-main.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const apiKey = `bench-fairness-${process.pid}-0123456789`;
const MODEL = 'bench-fair';

const USAGE = 'Usage: npm run bench -- fairness [--params 10M] [--tokens 16] [--flood 8] [--samples 20] [--threads 1] [--modes on,off]';
const values = parseSuiteArgs(USAGE, (args) => parseArgs({
  args, strict: true,
  options: {
    params: { type: 'string', default: '10M' },
    tokens: { type: 'string', default: '16' },
    flood: { type: 'string', default: '8' },
    samples: { type: 'string', default: '20' },
    threads: { type: 'string', default: '1' },
    modes: { type: 'string', default: 'on,off' },
  },
}).values);
const maxTokens = Number(values.tokens);
const flood = Number(values.flood);
const samples = Number(values.samples);
const modes = values.modes.split(',') as Array<'on' | 'off'>;

/** Nearest-rank percentile. */
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

async function guest(url: string): Promise<string> {
  const response = await fetch(`${url}/auth/guest-login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  if (response.status !== 201) throw new Error(`guest login failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

interface ModeResult {
  fair: 'on' | 'off';
  memberB: { ttftP50Ms: number; ttftP95Ms: number; ttftMaxMs: number; runs: RunResult[] };
  memberA: { requests: number; ttftP50Ms: number; ttftP95Ms: number };
}

async function runMode(dataDir: string, fair: 'on' | 'off'): Promise<ModeResult> {
  const server = await startServerChild({
    root, dataDir, apiKey, startTimeoutMs: 60_000,
    env: { JAN_THREADS: values.threads, JAN_PARALLEL: '1', JAN_CONTEXT_SIZE: '1024', JAN_GPU: 'off', JAN_MAX_QUEUE: '100', JAN_FAIR_QUEUE: fair },
  });
  try {
    const load = await fetch(`${server.url}/v1/models/${MODEL}/load`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}` } });
    if (load.status !== 200) throw new Error(`model load failed: ${await load.text()}`);
    const [a, b] = [await guest(server.url), await guest(server.url)];
    await streamRun(server.url, b, MODEL, 4); // warm-up
    let flooding = true;
    const aRuns: RunResult[] = [];
    const floods = Array.from({ length: flood }, async () => {
      while (flooding) aRuns.push(await streamRun(server.url, a, MODEL, maxTokens));
    });
    // Let A's backlog form before B arrives.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const bRuns: RunResult[] = [];
    for (let i = 0; i < samples; i++) {
      bRuns.push(await streamRun(server.url, b, MODEL, maxTokens));
      process.stderr.write(`bench: fair=${fair} sample ${i + 1}/${samples}: B's TTFT ${bRuns.at(-1)!.ttftMs.toFixed(0)} ms\n`);
    }
    flooding = false;
    await Promise.all(floods);
    const bTtft = bRuns.map((r) => r.ttftMs);
    const aTtft = aRuns.map((r) => r.ttftMs);
    return {
      fair,
      memberB: { ttftP50Ms: median(bTtft), ttftP95Ms: percentile(bTtft, 95), ttftMaxMs: Math.max(...bTtft), runs: bRuns },
      memberA: { requests: aRuns.length, ttftP50Ms: median(aTtft), ttftP95Ms: percentile(aTtft, 95) },
    };
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  await ensureBuild(root);
  const dataDir = mkdtempSync(join(tmpdir(), 'jan-bench-fairness-'));
  try {
    mkdirSync(join(dataDir, 'models'));
    const model = writeRandomModel(join(dataDir, 'models', `${MODEL}.gguf`), { params: parseParamCount(values.params), contextLength: 1024 });
    process.stderr.write(`bench: ${(model.params / 1e6).toFixed(1)}M-parameter F16 model, 1 slot, ${maxTokens} tokens per request, A keeps ${flood} in flight, B sends ${samples}\n`);
    const startedAt = new Date();
    const loadBefore = loadavg();
    const results: ModeResult[] = [];
    for (const mode of modes) results.push(await runMode(dataDir, mode));
    const loadAfter = loadavg();
    const fmt = (n: number) => n.toFixed(0).padStart(6);
    const lines = [
      '',
      `Member B's time to first token while member A keeps ${flood} streams in flight (1 slot, ${maxTokens}-token replies):`,
      '  JAN_FAIR_QUEUE   B p50 ms   B p95 ms   B max ms   A p50 ms   A p95 ms   A requests',
      ...results.map((r) => `  ${r.fair.padEnd(14)} ${fmt(r.memberB.ttftP50Ms)}     ${fmt(r.memberB.ttftP95Ms)}     ${fmt(r.memberB.ttftMaxMs)}     ${fmt(r.memberA.ttftP50Ms)}     ${fmt(r.memberA.ttftP95Ms)}     ${r.memberA.requests}`),
      `  load average (1, 5, 15 min): before ${loadBefore.map((l) => l.toFixed(2)).join(', ')}; after ${loadAfter.map((l) => l.toFixed(2)).join(', ')} on ${cpus().length} CPUs`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    const file = join(root, 'test/load/results', `fairness-${startedAt.toISOString().replace(/:/g, '-')}.json`);
    writeJson(file, {
      suite: 'fairness', startedAt: startedAt.toISOString(), command: ['npm run bench -- fairness', ...process.argv.slice(2)].join(' '),
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, loadAverageBefore: loadBefore, loadAverageAfter: loadAfter },
      model: { params: model.params, bytes: model.bytes }, maxTokens, flood, samples, threads: Number(values.threads), results,
    });
    process.stdout.write(`Saved ${file}\n`);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

runMain(main);

/**
 * Inference benchmark (issue 3, item 7): `npm run bench -- inference [options]`.
 *
 * Generates a random-weight F16 llama model (~60M parameters by default; never committed) in a temp folder,
 * then in one run:
 *  1. single stream: node-llama-cpp called directly vs the same chat through HTTP streaming (server child
 *     with JAN_PARALLEL=1), alternating, `--rounds` times each; medians of tokens/s and their ratio;
 *  2. time to first token p50 over those HTTP runs;
 *  3. aggregate tokens/s with 1, 2, 4 and 8 concurrent streams (server child with JAN_PARALLEL=8);
 * and prints the guide's chat targets beside the figures. Results also go to test/load/results/.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseSuiteArgs } from './lib/args.js';
import { defaultThreads } from '../../server/runtime/llama-runtime.js';
import { parseParamCount, writeRandomModel } from '../support/gguf/random-model.js';
import { ensureBuild } from './lib/ensure-build.js';
import { writeJson } from './lib/report.js';
import { startServerChild, type ServerChild } from './lib/server-child.js';
import { concurrentRun, DirectModel, median, streamRun, type ConcurrentResult, type RunResult } from './suites/inference.js';
import { runMain } from './lib/run-main.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const apiKey = `bench-inference-${process.pid}-0123456789`;
const MODEL = 'bench-random';

const USAGE = 'Usage: npm run bench -- inference [--params 60M] [--tokens 128] [--rounds 5] [--threads N] [--context 2048] [--streams 1,2,4,8]';
const values = parseSuiteArgs(USAGE, (args) => parseArgs({
  args, strict: true,
  options: {
    params: { type: 'string', default: '60M' },
    tokens: { type: 'string', default: '128' },
    rounds: { type: 'string', default: '5' },
    threads: { type: 'string' },
    context: { type: 'string', default: '2048' },
    streams: { type: 'string', default: '1,2,4,8' },
  },
}).values);
const threads = values.threads ? Number(values.threads) : defaultThreads();
const maxTokens = Number(values.tokens);
const rounds = Number(values.rounds);
const contextSize = Number(values.context);
const streamCounts = values.streams.split(',').map(Number);

async function withServer<T>(dataDir: string, parallel: number, fn: (server: ServerChild) => Promise<T>): Promise<T> {
  const server = await startServerChild({
    root, dataDir, apiKey, startTimeoutMs: 60_000,
    env: { JAN_THREADS: String(threads), JAN_PARALLEL: String(parallel), JAN_CONTEXT_SIZE: String(contextSize), JAN_GPU: 'off', JAN_MAX_QUEUE: '100' },
  });
  try {
    const load = await fetch(`${server.url}/v1/models/${MODEL}/load`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}` } });
    if (load.status !== 200) throw new Error(`model load failed: ${await load.text()}`);
    await streamRun(server.url, apiKey, MODEL, 8); // warm-up
    return await fn(server);
  } finally {
    await server.stop();
  }
}

const fmt = (n: number, digits = 1) => n.toFixed(digits);

async function singleStream(dataDir: string, modelPath: string) {
  const direct = await DirectModel.load(modelPath, threads);
  await direct.run(8, contextSize); // warm-up
  const directRuns: RunResult[] = [];
  const httpRuns: RunResult[] = [];
  await withServer(dataDir, 1, async (server) => {
    for (let i = 0; i < rounds; i++) {
      directRuns.push(await direct.run(maxTokens, contextSize));
      const cpuBefore = server.cpuSeconds();
      const run = await streamRun(server.url, apiKey, MODEL, maxTokens);
      const cpuAfter = server.cpuSeconds();
      httpRuns.push({ ...run, ...(cpuBefore !== undefined && cpuAfter !== undefined && { cpuSeconds: cpuAfter - cpuBefore }) });
      process.stderr.write(`bench: round ${i + 1}/${rounds}: direct ${fmt(directRuns.at(-1)!.tokensPerSecond)} tok/s, http ${fmt(httpRuns.at(-1)!.tokensPerSecond)} tok/s\n`);
    }
  });
  await direct.dispose();
  return { directRuns, httpRuns };
}

async function main(): Promise<void> {
  await ensureBuild(root);
  const dataDir = mkdtempSync(join(tmpdir(), 'jan-bench-inference-'));
  try {
    mkdirSync(join(dataDir, 'models'));
    const modelPath = join(dataDir, 'models', `${MODEL}.gguf`);
    const model = writeRandomModel(modelPath, { params: parseParamCount(values.params) });
    process.stderr.write(`bench: ${(model.params / 1e6).toFixed(1)}M-parameter F16 model (${(model.bytes / 1e6).toFixed(0)} MB), ${threads} thread(s), ${maxTokens} tokens per request\n`);
    const startedAt = new Date();
    const { directRuns, httpRuns } = await singleStream(dataDir, modelPath);
    const concurrent: ConcurrentResult[] = await withServer(dataDir, Math.max(...streamCounts), async (server) => {
      const out: ConcurrentResult[] = [];
      for (const k of streamCounts) {
        out.push(await concurrentRun(server.url, apiKey, MODEL, k, maxTokens));
        process.stderr.write(`bench: ${k} stream(s): ${fmt(out.at(-1)!.aggregateTokensPerSecond)} tok/s aggregate\n`);
      }
      return out;
    });
    const directTps = median(directRuns.map((r) => r.tokensPerSecond));
    const httpTps = median(httpRuns.map((r) => r.tokensPerSecond));
    // Tokens per CPU-second of the generating process: the overhead comparison that other load on the
    // machine does not distort (wall-clock speed varies with whatever else runs).
    const perCpu = (runs: RunResult[]) => median(runs.filter((r) => r.cpuSeconds).map((r) => r.tokens / r.cpuSeconds!));
    const directCpu = perCpu(directRuns);
    const httpCpu = perCpu(httpRuns);
    const ttftP50 = median(httpRuns.map((r) => r.ttftMs));
    const totalP50 = median(httpRuns.map((r) => r.totalMs));
    const lines = [
      '',
      `Single stream (${maxTokens} tokens, median of ${rounds}):`,
      `  node-llama-cpp direct   ${fmt(directTps)} tok/s`,
      `  HTTP streaming          ${fmt(httpTps)} tok/s   ratio ${fmt(httpTps / directTps, 3)} (goal >= 0.95)`,
      `  per CPU-second          direct ${fmt(directCpu)} tok, HTTP ${fmt(httpCpu)} tok   ratio ${fmt(httpCpu / directCpu, 3)} (whole request, prompt included)`,
      `  time to first token p50 ${fmt(ttftP50, 0)} ms      guide TTFB 500-1,000 ms`,
      `  whole response p50      ${fmt(totalP50, 0)} ms      guide 5-30 s (streaming), p50 2 s (non-streaming)`,
      'Concurrent streams (aggregate):',
      ...concurrent.map((c) => `  ${String(c.streams).padStart(2)} stream(s)  ${fmt(c.aggregateTokensPerSecond).padStart(7)} tok/s  ${fmt(c.requestsPerSecond, 2)} req/s  TTFT p50 ${fmt(c.ttftP50Ms, 0)} ms`),
      `  guide streaming throughput 20-50 RPS (model dependent; here ${maxTokens}-token replies)`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    const file = join(root, 'test/load/results', `inference-${startedAt.toISOString().replace(/:/g, '-')}.json`);
    writeJson(file, {
      suite: 'inference', startedAt: startedAt.toISOString(), command: ['npm run bench -- inference', ...process.argv.slice(2)].join(' '),
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, loadAverage: loadavg() },
      model: { params: model.params, bytes: model.bytes, shape: model.shape }, threads, maxTokens, rounds, contextSize,
      single: {
        directTokensPerSecond: directTps, httpTokensPerSecond: httpTps, ratio: httpTps / directTps,
        directTokensPerCpuSecond: directCpu, httpTokensPerCpuSecond: httpCpu, cpuRatio: httpCpu / directCpu,
        ttftP50Ms: ttftP50, directRuns, httpRuns,
      },
      concurrent,
    });
    process.stdout.write(`Saved ${file}\n`);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

runMain(main);

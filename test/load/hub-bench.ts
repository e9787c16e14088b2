/**
 * Model hub benchmark (issue 15): `npm run bench -- hub [options]`.
 *
 * 1. Pull throughput: the same file from the Hub stand-in (test/support/hf-hub-standin.ts: the hub answers
 *    302 to a second "CDN" host that serves the bytes), fetched by `POST /v1/models/pull` (its hub API calls,
 *    the download through the guarded fetcher, the inline SHA-256, the rename) against a plain
 *    `curl -L -o file` of the same URL, alternating, `--rounds` times each; the ratio of the medians (goal ≥ 0.9×).
 * 2. Time to first token on a pulled small model: pull start → pull completed → first streamed token of a chat
 *    completion on it (which loads the model).
 *
 * The server runs as a child process from the sources (tsx), so the stand-in, curl and the server each have
 * their own process. Random-weight F16 models are written to a temp folder and never committed. Results also
 * go to test/load/results/.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseSuiteArgs } from './lib/args.js';
import { writeJson } from './lib/report.js';
import { runMain } from './lib/run-main.js';
import { median, streamRun } from './suites/inference.js';
import { parseParamCount, writeRandomModel } from '../support/gguf/random-model.js';
import { HubStandin } from '../support/hf-hub-standin.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const apiKey = `bench-hub-${process.pid}-0123456789`;

const USAGE = 'Usage: npm run bench -- hub [--params 100M] [--small-params 5M] [--rounds 3] [--threads 1]';
const values = parseSuiteArgs(USAGE, (args) => parseArgs({
  args, strict: true,
  options: {
    params: { type: 'string', default: '100M' },
    'small-params': { type: 'string', default: '5M' },
    rounds: { type: 'string', default: '3' },
    threads: { type: 'string', default: '1' },
  },
}).values);
const rounds = Number(values.rounds);

interface Child {
  url: string;
  stop(): Promise<void>;
}

/** `server/main.ts` under the same tsx loader as this script: no build needed. */
async function startServer(dataDir: string, hubUrl: string): Promise<Child> {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('JAN_')) env[name] = value;
  const child = spawn(process.execPath, [...process.execArgv, join(root, 'server/main.ts')], {
    cwd: root, stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...env, JAN_DATA_DIR: dataDir, JAN_MODELS_DIR: join(dataDir, 'models'), JAN_HOST: '127.0.0.1', JAN_PORT: '0', JAN_API_KEY: apiKey,
      JAN_LOG_LEVEL: 'warn', JAN_HF_ENDPOINT: hubUrl, JAN_HUB_ALLOW: '127.0.0.1', JAN_THREADS: values.threads, JAN_GPU: 'off',
      JAN_PARALLEL: '1', JAN_CONTEXT_SIZE: '1024', JAN_BACKUP_INTERVAL_HOURS: '0', JAN_MAINTENANCE_INTERVAL_MINUTES: '0',
    },
  });
  child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(`[server] ${chunk.toString()}`));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the server printed no Server: line within 120 s')), 120_000);
    child.once('exit', (code) => reject(new Error(`the server exited with code ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /^Server: (http:\/\/\S+)/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
  });
  return {
    url,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

const auth = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };

/** Pulls `model` with `stream: true`; resolves the ms from sending the request to the `completed` event. */
async function pullMs(url: string, model: string): Promise<{ ms: number; modelId: string }> {
  const started = performance.now();
  const response = await fetch(`${url}/v1/models/pull`, { method: 'POST', headers: auth, body: JSON.stringify({ model, stream: true }) });
  const text = await response.text();
  const ms = performance.now() - started;
  const events = text.split('\n\n').filter((e) => e.startsWith('data: ')).map((e) => JSON.parse(e.slice(6)) as { status: string; model_id: string | null; error: unknown });
  const last = events.at(-1);
  if (last?.status !== 'completed') throw new Error(`pull of ${model} ended ${JSON.stringify(last ?? text)}`);
  return { ms, modelId: last.model_id! };
}

async function removeModel(url: string, id: string): Promise<void> {
  const response = await fetch(`${url}/v1/models/${id}`, { method: 'DELETE', headers: auth });
  if (response.status !== 200) throw new Error(`deleting ${id}: ${response.status} ${await response.text()}`);
}

function curlMs(fileUrl: string, out: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const curl = spawn('curl', ['-sSfL', '-o', out, fileUrl], { stdio: ['ignore', 'ignore', 'inherit'] });
    curl.once('error', reject);
    curl.once('exit', (code) => (code === 0 ? resolve(performance.now() - started) : reject(new Error(`curl exited with ${code}`))));
  });
}

async function main(): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'jan-bench-hub-'));
  const standin = new HubStandin();
  let server: Child | undefined;
  try {
    writeRandomModel(join(scratch, 'big.gguf'), { params: parseParamCount(values.params), contextLength: 1024 });
    const small = writeRandomModel(join(scratch, 'small.gguf'), { params: parseParamCount(values['small-params']), vocabSize: 4000, contextLength: 1024 });
    standin.addRepo({ id: 'bench/Big-GGUF', files: [{ path: 'big-F16.gguf', bytes: readFileSync(join(scratch, 'big.gguf')) }] });
    standin.addRepo({ id: 'bench/Small-GGUF', files: [{ path: 'small-F16.gguf', bytes: readFileSync(join(scratch, 'small.gguf')) }] });
    await standin.start();
    const dataDir = join(scratch, 'data');
    mkdirSync(join(dataDir, 'models'), { recursive: true });
    server = await startServer(dataDir, standin.hubUrl);
    const bytes = statSync(join(scratch, 'big.gguf')).size;
    process.stderr.write(`bench: ${(bytes / 1e6).toFixed(1)} MB file, ${rounds} rounds of curl vs pull\n`);
    const startedAt = new Date();
    const loadBefore = loadavg();

    const curlRuns: number[] = [];
    const pullRuns: number[] = [];
    for (let i = 0; i < rounds; i++) {
      // Alternate which goes first, so neither always meets a warmer page cache.
      const order = i % 2 === 0 ? ['curl', 'pull'] : ['pull', 'curl'];
      for (const which of order) {
        if (which === 'curl') {
          curlRuns.push(await curlMs(`${standin.hubUrl}/bench/Big-GGUF/resolve/main/big-F16.gguf`, join(scratch, 'curl.gguf')));
          rmSync(join(scratch, 'curl.gguf'));
        } else {
          const pulled = await pullMs(server.url, 'hf.co/bench/Big-GGUF:F16');
          pullRuns.push(pulled.ms);
          await removeModel(server.url, pulled.modelId);
        }
        process.stderr.write(`bench: round ${i + 1} ${which}: ${(which === 'curl' ? curlRuns : pullRuns).at(-1)!.toFixed(0)} ms\n`);
      }
    }
    const mbps = (ms: number) => bytes / 1e6 / (ms / 1000);
    const curlMedian = median(curlRuns);
    const pullMedian = median(pullRuns);

    // Time to first token on a freshly pulled small model (the chat loads it).
    const pulledSmall = await pullMs(server.url, 'hf.co/bench/Small-GGUF:F16');
    const chatStarted = performance.now();
    const first = await streamRun(server.url, apiKey, pulledSmall.modelId, 8);
    const chatMs = performance.now() - chatStarted;
    const loadAfter = loadavg();

    const lines = [
      '',
      `Pull throughput, ${(bytes / 1e6).toFixed(1)} MB through the stand-in's 302 to its CDN host (median of ${rounds}):`,
      `  curl -L            ${curlMedian.toFixed(0).padStart(7)} ms  ${mbps(curlMedian).toFixed(0).padStart(5)} MB/s`,
      `  POST /v1/models/pull ${pullMedian.toFixed(0).padStart(5)} ms  ${mbps(pullMedian).toFixed(0).padStart(5)} MB/s   ratio pull/curl throughput ${(curlMedian / pullMedian).toFixed(2)}x (goal >= 0.9x)`,
      `Small model (${(small.bytes / 1e6).toFixed(1)} MB): pull ${pulledSmall.ms.toFixed(0)} ms, then load + first token ${first.ttftMs.toFixed(0)} ms: ${(pulledSmall.ms + first.ttftMs).toFixed(0)} ms from pull start to first token (chat total ${chatMs.toFixed(0)} ms)`,
      `  load average (1, 5, 15 min): before ${loadBefore.map((l) => l.toFixed(2)).join(', ')}; after ${loadAfter.map((l) => l.toFixed(2)).join(', ')} on ${cpus().length} CPUs`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    const file = join(root, 'test/load/results', `hub-${startedAt.toISOString().replace(/:/g, '-')}.json`);
    writeJson(file, {
      suite: 'hub', startedAt: startedAt.toISOString(), command: ['npm run bench -- hub', ...process.argv.slice(2)].join(' '),
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, loadAverageBefore: loadBefore, loadAverageAfter: loadAfter },
      throughput: { bytes, rounds, curlMs: curlRuns, pullMs: pullRuns, curlMedianMs: curlMedian, pullMedianMs: pullMedian, ratio: curlMedian / pullMedian },
      firstToken: { bytes: small.bytes, pullMs: pulledSmall.ms, ttftMs: first.ttftMs, totalMs: pulledSmall.ms + first.ttftMs },
    });
    process.stdout.write(`Saved ${file}\n`);
  } finally {
    await server?.stop();
    await standin.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

runMain(main);

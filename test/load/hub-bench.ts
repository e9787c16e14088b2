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
  pid: number;
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
    url, pid: child.pid!,
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

/**
 * CPU (user + system, all threads) a process has used so far, from /proc; null where there is no /proc.
 * CPU is the figure load disturbs least: on 2 cores the stand-in's sending and the receiver share them.
 */
function processCpuMs(pid: number): number | null {
  try {
    // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th, in clock ticks.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return null;
  }
}
const CLOCK_TICKS = 100; // USER_HZ, 100 on every Linux architecture Node supports

/**
 * curl's wall time, and its CPU from the shell's `times` (children's user and system time). bash's own
 * start-up (about a millisecond) counts in curl's wall time.
 */
function curlRun(fileUrl: string, out: string): Promise<{ ms: number; cpuMs: number | null }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const curl = spawn('bash', ['-c', 'curl -sSfL -o "$1" "$2" && times', 'curl', out, fileUrl], { stdio: ['ignore', 'pipe', 'inherit'] });
    let printed = '';
    curl.stdout!.on('data', (chunk: Buffer) => (printed += chunk.toString()));
    curl.once('error', reject);
    curl.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`curl exited with ${code}`));
      const ms = performance.now() - started;
      // `times` prints the shell's own user/system line, then its children's: "0m0.012s 0m0.120s".
      const seconds = [...(printed.trim().split('\n')[1] ?? '').matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
      resolve({ ms, cpuMs: seconds.length === 2 ? (seconds[0]! + seconds[1]!) * 1000 : null });
    });
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
    const cpu = { curl: [] as number[], pull: [] as number[], sendingCurl: [] as number[], sendingPull: [] as number[] };
    for (let i = 0; i < rounds; i++) {
      // Alternate which goes first, so neither always meets a warmer page cache.
      const order = i % 2 === 0 ? ['curl', 'pull'] : ['pull', 'curl'];
      for (const which of order) {
        const sendingBefore = process.cpuUsage();
        if (which === 'curl') {
          const run = await curlRun(`${standin.hubUrl}/bench/Big-GGUF/resolve/main/big-F16.gguf`, join(scratch, 'curl.gguf'));
          curlRuns.push(run.ms);
          if (run.cpuMs !== null) cpu.curl.push(run.cpuMs);
          rmSync(join(scratch, 'curl.gguf'));
        } else {
          const serverBefore = processCpuMs(server.pid);
          const pulled = await pullMs(server.url, 'hf.co/bench/Big-GGUF:F16');
          const serverAfter = processCpuMs(server.pid);
          pullRuns.push(pulled.ms);
          if (serverBefore !== null && serverAfter !== null) cpu.pull.push(serverAfter - serverBefore);
          await removeModel(server.url, pulled.modelId);
        }
        const sending = process.cpuUsage(sendingBefore);
        (which === 'curl' ? cpu.sendingCurl : cpu.sendingPull).push((sending.user + sending.system) / 1000);
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
      ...(cpu.curl.length > 0 && cpu.pull.length > 0
        ? [`  CPU per transfer (median, all threads): curl ${median(cpu.curl).toFixed(0)} ms, the server ${median(cpu.pull).toFixed(0)} ms (pull request, hub calls, receive, write, SHA-256); the stand-in sending: ${median(cpu.sendingCurl).toFixed(0)} / ${median(cpu.sendingPull).toFixed(0)} ms`]
        : []),
      `Small model (${(small.bytes / 1e6).toFixed(1)} MB): pull ${pulledSmall.ms.toFixed(0)} ms, then load + first token ${first.ttftMs.toFixed(0)} ms: ${(pulledSmall.ms + first.ttftMs).toFixed(0)} ms from pull start to first token (chat total ${chatMs.toFixed(0)} ms)`,
      `  load average (1, 5, 15 min): before ${loadBefore.map((l) => l.toFixed(2)).join(', ')}; after ${loadAfter.map((l) => l.toFixed(2)).join(', ')} on ${cpus().length} CPUs`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    const file = join(root, 'test/load/results', `hub-${startedAt.toISOString().replace(/:/g, '-')}.json`);
    writeJson(file, {
      suite: 'hub', startedAt: startedAt.toISOString(), command: ['npm run bench -- hub', ...process.argv.slice(2)].join(' '),
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, loadAverageBefore: loadBefore, loadAverageAfter: loadAfter },
      throughput: { bytes, rounds, curlMs: curlRuns, pullMs: pullRuns, curlMedianMs: curlMedian, pullMedianMs: pullMedian, ratio: curlMedian / pullMedian },
      cpuMs: cpu,
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

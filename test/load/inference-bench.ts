/**
 * Inference benchmark (issue 3 item 7, issue 17 items 1-3): `npm run bench -- inference [options]`.
 *
 * Serves one F16 model (`--model <gguf>`, or a random-weight one of `--params` generated into a temp folder)
 * from this server (a child process) and runs, `--rounds` times each, the scenarios of
 * suites/inference-compare.ts: 1/2/4/8 concurrent streams with a short prompt, one stream with a long prompt,
 * four streams while a long prompt joins, a prompt-cache hit vs miss, and an embeddings batch.
 *
 * With a reference (`--reference <base-url>` of any OpenAI-compatible server, or `--llama-server <binary>`,
 * which this bench starts itself with the same model, threads, parallel sequences and context), every
 * scenario runs against both in the same run, alternating which goes first each round, and the table
 * prints the ratio jan / reference of the medians. `--direct` adds the old single-stream comparison with
 * node-llama-cpp called in-process. Results also go to test/load/results/.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseSuiteArgs } from './lib/args.js';
import { defaultThreads } from '../../server/runtime/llama-runtime.js';
import { parseParamCount, writeRandomModel } from '../support/gguf/random-model.js';
import { ensureBuild } from './lib/ensure-build.js';
import { startLlamaServer, type LlamaServerChild } from './lib/llama-server-child.js';
import type { Target } from './lib/openai-stream-client.js';
import { writeJson } from './lib/report.js';
import { procCpuSeconds, startServerChild, type ServerChild } from './lib/server-child.js';
import { runMain } from './lib/run-main.js';
import { concurrentStreams, embeddingsBatch, longPromptJoins, promptCache, type Figures, type Scenario } from './suites/inference-compare.js';
import { DirectModel, median, streamRun } from './suites/inference.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const apiKey = `bench-inference-${process.pid}-0123456789`;

const USAGE = `Usage: npm run bench -- inference [options]
  --model <gguf>          model file to serve (default: a random-weight F16 model of --params, generated)
  --params <n>            size of the generated model (default 60M, about 55M parameters)
  --reference <url>       base URL of an OpenAI-compatible server to compare with (same model loaded there)
  --reference-model <id>  model name to send to the reference (default: the file name without .gguf)
  --reference-key <key>   bearer key for the reference (e.g. another instance of this server)
  --reference-pid <pid>   the reference's process id, to measure its CPU per token (Linux)
  --llama-server <path>   start this llama-server binary as the reference (same model, threads, slots)
  --tokens <n>            tokens per reply (default 128)
  --rounds <n>            rounds per scenario, targets alternating (default 3)
  --threads <n>           inference threads for both servers (default: half the cores)
  --context <n>           context per sequence (default 4096)
  --streams <list>        concurrent stream counts (default 1,2,4,8)
  --long <words>          words of the long prompt (default 1000, about 1,500 tokens)
  --only <text>           only scenarios whose name contains <text>
  --direct                also compare one stream with node-llama-cpp called in-process
  --profile               write a V8 CPU profile of this server (node --cpu-prof) to test/load/results/`;
const values = parseSuiteArgs(USAGE, (args) => parseArgs({
  args, strict: true,
  options: {
    model: { type: 'string' }, params: { type: 'string', default: '60M' },
    reference: { type: 'string' }, 'reference-model': { type: 'string' }, 'reference-key': { type: 'string' }, 'reference-pid': { type: 'string' }, 'llama-server': { type: 'string' },
    tokens: { type: 'string', default: '128' }, rounds: { type: 'string', default: '3' }, threads: { type: 'string' },
    context: { type: 'string', default: '4096' }, streams: { type: 'string', default: '1,2,4,8' },
    long: { type: 'string', default: '1000' }, only: { type: 'string' }, direct: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
  },
}).values);
const threads = values.threads ? Number(values.threads) : defaultThreads();
const maxTokens = Number(values.tokens);
const rounds = Number(values.rounds);
const contextSize = Number(values.context);
const streamCounts = values.streams.split(',').map(Number);
const longWords = Number(values.long);
const parallel = Math.max(8, ...streamCounts);
const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

function scenarios(): Scenario[] {
  const all = [
    ...streamCounts.map((k) => concurrentStreams(k, 35, maxTokens)),
    concurrentStreams(1, longWords, maxTokens),
    longPromptJoins(4, longWords, maxTokens),
    promptCache(longWords),
    embeddingsBatch(64),
  ];
  return values.only ? all.filter((s) => s.name.includes(values.only!)) : all;
}

async function startJan(dataDir: string, modelId: string, profileDir: string): Promise<ServerChild> {
  const server = await startServerChild({
    root, dataDir, apiKey, startTimeoutMs: 60_000,
    ...(values.profile && { nodeArgs: ['--cpu-prof', '--cpu-prof-dir', profileDir] }),
    env: { JAN_THREADS: String(threads), JAN_PARALLEL: String(parallel), JAN_CONTEXT_SIZE: String(contextSize), JAN_GPU: 'off', JAN_MAX_QUEUE: '100' },
  });
  const load = await fetch(`${server.url}/v1/models/${modelId}/load`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}` } });
  if (load.status !== 200) throw new Error(`model load failed: ${await load.text()}`);
  return server;
}

interface Row {
  scenario: string;
  figures: Scenario['figures'];
  jan: Figures[];
  reference: Figures[];
}

const medianOf = (runs: Figures[], key: string) => median(runs.map((r) => r[key]!).filter((v) => Number.isFinite(v)));

async function runScenario(scenario: Scenario, targets: Target[]): Promise<Row> {
  const row: Row = { scenario: scenario.name, figures: scenario.figures, jan: [], reference: [] };
  for (let round = 0; round < rounds; round++) {
    // Alternate which target goes first, so that drift in the machine's load falls on both.
    const order = round % 2 === 0 ? targets : [...targets].reverse();
    for (const target of order) {
      try {
        const cpuBefore = target.cpuSeconds?.();
        const figures = await scenario.run(target);
        const cpuAfter = target.cpuSeconds?.();
        if (cpuBefore !== undefined && cpuAfter !== undefined && figures.tokens) figures.cpuMsPerToken = ((cpuAfter - cpuBefore) * 1000) / figures.tokens;
        (target.name === 'jan' ? row.jan : row.reference).push(figures);
      } catch (error) {
        process.stderr.write(`bench: ${scenario.name} on ${target.name}: ${(error as Error).message}\n`);
      }
    }
    const line = (runs: Figures[]) => runs.length ? scenario.figures.map((f) => `${f.label} ${fmt(runs.at(-1)![f.key]!)}`).join(', ') : 'failed';
    process.stderr.write(`bench: ${scenario.name} round ${round + 1}/${rounds}: jan ${line(row.jan)}${targets.length > 1 ? ` | ref ${line(row.reference)}` : ''}\n`);
  }
  return row;
}

function table(rows: Row[], withReference: boolean): string[] {
  const lines: string[] = [];
  for (const row of rows) {
    lines.push(`${row.scenario}:`);
    for (const figure of row.figures) {
      const jan = medianOf(row.jan, figure.key);
      const ref = medianOf(row.reference, figure.key);
      const ratio = withReference ? `   ratio ${fmt(jan / ref, 2)}${figure.higherIsBetter ? ' (higher is better)' : ' (lower is better)'}` : '';
      lines.push(`  ${figure.label.padEnd(28)} jan ${fmt(jan).padStart(8)}${withReference ? `   reference ${fmt(ref).padStart(8)}` : ''}${ratio}`);
    }
  }
  return lines;
}

async function directComparison(server: ServerChild, modelPath: string, modelId: string): Promise<string[]> {
  const direct = await DirectModel.load(modelPath, threads);
  await direct.run(8, contextSize);
  const directTps: number[] = [];
  const httpTps: number[] = [];
  for (let i = 0; i < rounds; i++) {
    directTps.push((await direct.run(maxTokens, contextSize)).tokensPerSecond);
    httpTps.push((await streamRun(server.url, apiKey, modelId, maxTokens)).tokensPerSecond);
  }
  await direct.dispose();
  const d = median(directTps);
  const h = median(httpTps);
  return [`Single stream, node-llama-cpp in-process (LlamaChat) ${fmt(d)} tok/s vs HTTP ${fmt(h)} tok/s: ratio ${fmt(h / d, 3)}`];
}

async function main(): Promise<void> {
  await ensureBuild(root);
  const dataDir = mkdtempSync(join(tmpdir(), 'jan-bench-inference-'));
  let jan: ServerChild | undefined;
  let llamaServer: LlamaServerChild | undefined;
  try {
    mkdirSync(join(dataDir, 'models'));
    let modelPath: string;
    if (values.model) {
      modelPath = resolve(values.model);
      rmSync(join(dataDir, 'models'), { recursive: true });
      mkdirSync(join(dataDir, 'models'));
      // The server lists the models folder: link the file in under its own name.
      symlinkSync(modelPath, join(dataDir, 'models', basename(modelPath)));
    } else {
      modelPath = join(dataDir, 'models', 'bench-random.gguf');
      const model = writeRandomModel(modelPath, { params: parseParamCount(values.params) });
      process.stderr.write(`bench: generated a ${(model.params / 1e6).toFixed(1)}M-parameter F16 model (${(model.bytes / 1e6).toFixed(0)} MB)\n`);
    }
    const modelId = basename(modelPath).replace(/\.gguf$/i, '');
    const startedAt = new Date();
    const profileDir = join(root, 'test/load/results', `profiles-inference-${startedAt.toISOString().replace(/:/g, '-')}`);
    jan = await startJan(dataDir, modelId, profileDir);
    if (values.profile) process.stderr.write(`bench: the server's CPU profile goes to ${profileDir} when it stops\n`);
    const targets: Target[] = [{ name: 'jan', url: jan.url, apiKey, model: modelId, cpuSeconds: jan.cpuSeconds }];
    if (values['llama-server']) {
      llamaServer = await startLlamaServer({ binary: values['llama-server'], model: modelPath, threads, parallel, contextPerSequence: contextSize });
      const pid = llamaServer.pid;
      targets.push({ name: 'reference', url: llamaServer.url, model: values['reference-model'] ?? modelId, cpuSeconds: () => procCpuSeconds(pid) });
    } else if (values.reference) {
      targets.push({
        name: 'reference', url: values.reference.replace(/\/$/, ''), model: values['reference-model'] ?? modelId,
        ...(values['reference-key'] && { apiKey: values['reference-key'] }),
        ...(values['reference-pid'] && { cpuSeconds: () => procCpuSeconds(Number(values['reference-pid'])) }),
      });
    }
    process.stderr.write(`bench: ${threads} thread(s), ${parallel} slots, ${maxTokens} tokens per reply, ${rounds} rounds, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
    // Warm-up: the first request of each target loads caches (and our embedding context on first use).
    for (const target of targets) await concurrentStreams(1, 10, 8).run(target);
    const rows: Row[] = [];
    for (const scenario of scenarios()) rows.push(await runScenario(scenario, targets));
    const extra = values.direct ? await directComparison(jan, modelPath, modelId) : [];
    const withReference = targets.length > 1;
    const single = rows.find((r) => r.scenario.startsWith('1 stream,'));
    const four = rows.find((r) => r.scenario.startsWith('4 streams,'));
    const gain = single && four ? medianOf(four.jan, 'aggregateTps') / medianOf(single.jan, 'aggregateTps') : NaN;
    const refGain = single && four && withReference ? medianOf(four.reference, 'aggregateTps') / medianOf(single.reference, 'aggregateTps') : NaN;
    const lines = [
      '',
      `Inference, ${modelId}, ${threads} thread(s), ${parallel} slots, ${maxTokens}-token replies, medians of ${rounds} rounds; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
      ...table(rows, withReference),
      `Gain from 4 streams over 1: jan ${fmt(gain, 2)}x${withReference ? `, reference ${fmt(refGain, 2)}x` : ''}`,
      ...extra,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    const file = join(root, 'test/load/results', `inference-${startedAt.toISOString().replace(/:/g, '-')}.json`);
    writeJson(file, {
      suite: 'inference', startedAt: startedAt.toISOString(), command: ['npm run bench -- inference', ...process.argv.slice(2)].join(' '),
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, loadAverage: loadavg() },
      model: modelId, threads, parallel, maxTokens, rounds, contextSize, reference: targets[1]?.url ?? null, rows,
    });
    process.stdout.write(`Saved ${file}\n`);
  } finally {
    await jan?.stop();
    await llamaServer?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

runMain(main);

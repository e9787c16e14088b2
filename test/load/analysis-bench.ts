/**
 * The Response API benchmark (issue 6): p50/p95/p99 and RPS of analyze-sentiment, generate-summary and
 * analyze-content beside the guide's targets (server/metrics/sla-targets.ts: p50 500 / 1,000 / 1,500 ms).
 *
 *   npm run bench -- analysis [--quick] [--duration s] [--connections n] [--engine lexicon|model|both]
 *
 * Builds the server if needed and runs it as a child process on a temp data folder, twice:
 * - `lexicon`: no model installed, so sentiment and content run on the lexicon engine (summary needs a model);
 * - `model`: the hand-designed test model (test/support/gguf/designed-model.ts) installed, so every endpoint
 *   runs through node-llama-cpp under the JSON-schema grammar. The model is tiny (its numbers show the
 *   server's overhead around inference, not what a real 1-8B model costs).
 * Every request sends new text (a counter in it) so the analysis cache never answers, except in the
 * scenario named "cache hit". `analysisScenarios()` is exported for bench.ts to run the same scenarios.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseSuiteArgs } from './lib/args.js';
import { writeDesignedModel } from '../support/gguf/designed-model.js';
import { ensureBuild } from './lib/ensure-build.js';
import { type NextRequest, type RunOptions, type Scenario } from './lib/load-driver.js';
import { measureEndpoint } from './lib/measure.js';
import { formatTable, writeJson, type EndpointResult } from './lib/report.js';
import { startServerChild, type ServerChild } from './lib/server-child.js';
import { runMain } from './lib/run-main.js';

export type AnalysisEngine = 'lexicon' | 'model';

const REVIEWS = [
  'The battery lasts two full days and the screen is bright, but the speaker sounds thin and the case scratches easily.',
  'Delivery was late, the box was damaged and support never answered my emails. I want a refund.',
  'The hotel is close to the station. Rooms are clean, breakfast is fine, and the staff were friendly and helpful.',
  'Our quarterly report shows revenue growth in every region, while costs stayed flat and the new product line sold out.',
];

let counter = 0;
/** A review with a unique tag, so that no two requests share a cache entry. */
const freshText = () => `${REVIEWS[counter % REVIEWS.length]} (Request ${++counter}.)`;
const post = (route: string, body: () => object): Pick<Scenario, 'method' | 'route' | 'next'> => ({
  method: 'POST', route, next: (): NextRequest => ({ path: route, body: JSON.stringify(body()) }),
});

export function analysisScenarios(engine: AnalysisEngine): Scenario[] {
  const sentiment = '/v1/response/analyze-sentiment';
  const summary = '/v1/response/generate-summary';
  const content = '/v1/response/analyze-content';
  if (engine === 'lexicon') {
    const cachedText = REVIEWS[0]!;
    return [
      { name: 'POST analyze-sentiment (lexicon)', ...post(sentiment, () => ({ text: freshText() })) },
      { name: 'POST analyze-sentiment (lexicon, cache hit)', ...post(sentiment, () => ({ text: cachedText })) },
      { name: 'POST analyze-content (lexicon)', ...post(content, () => ({ text: freshText(), tasks: ['language', 'keywords', 'reading_level'] })) },
    ];
  }
  return [
    { name: 'POST analyze-sentiment (model)', ...post(sentiment, () => ({ text: freshText() })) },
    { name: 'POST generate-summary (model)', ...post(summary, () => ({ text: freshText(), max_words: 60 })) },
    { name: 'POST analyze-content (model)', ...post(content, () => ({ text: freshText() })) },
    { name: 'POST analyze-sentiment (model, cache hit)', ...post(sentiment, () => ({ text: REVIEWS[1] })) },
  ];
}

interface Options {
  durationSec: number;
  warmupSec: number;
  connections: { lexicon: number; model: number };
  engines: AnalysisEngine[];
}

const USAGE = 'Usage: npm run bench -- analysis [--quick] [--duration s] [--connections n] [--engine lexicon|model|both]';

function parseOptions(): Options {
  const values = parseSuiteArgs(USAGE, (args) => parseArgs({
    args, strict: true,
    options: {
      quick: { type: 'boolean', default: false },
      duration: { type: 'string' },
      connections: { type: 'string' },
      engine: { type: 'string', default: 'both' },
    },
  }).values);
  const engine = values.engine;
  if (engine !== 'lexicon' && engine !== 'model' && engine !== 'both') throw new Error('--engine is lexicon, model or both');
  const connections = values.connections === undefined ? undefined : Number(values.connections);
  return {
    durationSec: Number(values.duration ?? (values.quick ? 3 : 10)),
    warmupSec: values.quick ? 1 : 2,
    // The model engine has 4 slots (JAN_PARALLEL): more connections only queue.
    connections: { lexicon: connections ?? 20, model: connections ?? 4 },
    engines: engine === 'both' ? ['lexicon', 'model'] : [engine],
  };
}

async function prime(scenario: Scenario, run: RunOptions): Promise<void> {
  const request = typeof scenario.next === 'string' ? { path: scenario.next } : scenario.next();
  const response = await fetch(run.url + request.path, { method: scenario.method, headers: run.headers, body: request.body ?? null, signal: AbortSignal.timeout(120_000) });
  if (!response.ok) throw new Error(`${scenario.name}: ${response.status} ${await response.text()}`);
}

async function runEngine(root: string, engine: AnalysisEngine, options: Options): Promise<EndpointResult[]> {
  const dataDir = mkdtempSync(join(tmpdir(), `jan-bench-analysis-${engine}-`));
  const apiKey = `bench-analysis-${process.pid}-0123456789`;
  let server: ServerChild | undefined;
  try {
    if (engine === 'model') {
      mkdirSync(join(dataDir, 'models'), { recursive: true });
      writeDesignedModel(join(dataDir, 'models', 'designed.gguf'));
    }
    server = await startServerChild({ root, dataDir, apiKey, env: { JAN_THREADS: '1', JAN_GPU: 'off' } });
    const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
    const run: RunOptions = { url: server.url, connections: options.connections[engine], durationSec: options.durationSec, headers };
    const scenarios = analysisScenarios(engine);
    // The first request loads the detector or the model (seconds): pay for it before any measured run.
    for (const scenario of scenarios) await prime(scenario, run);
    const results: EndpointResult[] = [];
    for (const scenario of scenarios) {
      const result = await measureEndpoint(scenario, run, server, { seconds: options.warmupSec });
      process.stderr.write(`bench: ${scenario.name}: ${Math.round(result.measurement.rps)} RPS, p50 ${result.measurement.latencyMs.p50.toFixed(1)} ms\n`);
      results.push(result);
    }
    return results;
  } finally {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const options = parseOptions();
  await ensureBuild(root);
  const startedAt = new Date();
  const results: EndpointResult[] = [];
  for (const engine of options.engines) results.push(...(await runEngine(root, engine, options)));
  process.stdout.write(`\n${formatTable(results)}\n`);
  for (const r of results.filter((x) => x.measurement.errorSamples.length > 0)) process.stdout.write(`  ${r.name} failed, e.g.: ${r.measurement.errorSamples[0]}\n`);
  const file = join(root, 'test/load/results', `analysis-${startedAt.toISOString().replace(/:/g, '-')}.json`);
  writeJson(file, { suite: 'analysis', startedAt: startedAt.toISOString(), options, machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, load: loadavg() }, results });
  process.stdout.write(
    `\nconnections: lexicon ${options.connections.lexicon}, model ${options.connections.model}; ${options.durationSec} s per scenario after ${options.warmupSec} s warm-up. Saved ${file}\n`,
  );
  return results.some((r) => r.measurement.non2xx + r.measurement.errors > 0) ? 1 : 0;
}

runMain(main);

/**
 * Response-cache benchmark: `npm run bench -- cache [--quick] [--conversations N] [--hot N] [--connections N]`.
 *
 * Seeds one data folder (conversations with 10 items each), then for each scenario of suites/cache.ts runs
 * the built server twice on copies of it — cache off (JAN_RESPONSE_CACHE_BYTES=0) and on (the default) —
 * and prints RPS, p50/p99 and the server's CPU time per request (which, unlike RPS, hardly moves when other
 * processes share the cores), plus the hit ratio the server reports. Results go to test/load/results/.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseSuiteArgs } from './lib/args.js';
import { ensureBuild } from './lib/ensure-build.js';
import { runScenario, type Measurement, type RunOptions } from './lib/load-driver.js';
import { writeJson } from './lib/report.js';
import { seedDataDir } from './lib/seed.js';
import { startServerChild, type ServerChild } from './lib/server-child.js';
import { cacheScenarios, type CacheScenario } from './suites/cache.js';
import { runMain } from './lib/run-main.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const apiKey = `bench-cache-${process.pid}-0123456789`;
const USAGE = 'Usage: npm run bench -- cache [--quick] [--conversations 10000] [--hot 1000] [--connections 50]';
const values = parseSuiteArgs(USAGE, (args) => parseArgs({
  args, strict: true,
  options: { quick: { type: 'boolean', default: false }, conversations: { type: 'string', default: '10000' }, hot: { type: 'string', default: '1000' }, connections: { type: 'string', default: '50' } },
}).values);
const durationSec = values.quick ? 4 : 10;
const warmupSec = values.quick ? 1 : 3;
const connections = Number(values.connections);

interface Row {
  scenario: string;
  cache: 'off' | 'on';
  measurement: Measurement;
  cpuUsPerRequest: number | null;
  hitRatio: number | null;
}

async function hitRatio(url: string): Promise<number | null> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const match = /^jan_cache_hit_ratio\{cache="http"\} (\S+)$/m.exec(text);
  return match ? Number(match[1]) : null;
}

async function measure(server: ServerChild, scenario: CacheScenario, run: RunOptions): Promise<{ measurement: Measurement; cpuUsPerRequest: number | null }> {
  const writers = scenario.writes ? Math.max(1, Math.round(run.connections / 10)) : 0;
  const warm = { ...run, durationSec: warmupSec, connections: run.connections - writers };
  await Promise.all([runScenario(scenario.reads, warm), scenario.writes && runScenario(scenario.writes, { ...warm, connections: writers })]);
  const before = server.cpuSeconds();
  const [measurement, written] = await Promise.all([
    runScenario(scenario.reads, { ...run, connections: run.connections - writers }),
    scenario.writes ? runScenario(scenario.writes, { ...run, connections: writers }) : undefined,
  ]);
  const after = server.cpuSeconds();
  const responses = measurement.responses + (written?.responses ?? 0);
  const cpuUsPerRequest = before === undefined || after === undefined ? null : ((after - before) * 1e6) / responses;
  return { measurement, cpuUsPerRequest };
}

const ms = (value: number) => value.toFixed(value < 10 ? 2 : 1);

function table(rows: Row[]): string {
  const lines = ['| Scenario | Cache | RPS | p50 ms | p99 ms | server CPU µs/req | hit ratio | errors |', '|---|---|---:|---:|---:|---:|---:|---:|'];
  for (const r of rows) {
    const m = r.measurement;
    lines.push(`| ${r.scenario} | ${r.cache} | ${Math.round(m.rps)} | ${ms(m.latencyMs.p50)} | ${ms(m.latencyMs.p99)} | ${r.cpuUsPerRequest === null ? '?' : Math.round(r.cpuUsPerRequest)} | ${r.hitRatio === null ? '-' : r.hitRatio.toFixed(3)} | ${m.non2xx + m.errors} |`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  await ensureBuild(root);
  const seedDir = mkdtempSync(join(tmpdir(), 'jan-bench-cache-'));
  const started = new Date();
  const rows: Row[] = [];
  try {
    const seed = await seedDataDir(seedDir, { conversations: Number(values.conversations), itemsPerConversation: 10, projects: 20 });
    process.stderr.write(`bench: seeded ${seed.conversationIds.length} conversations in ${seed.seconds.toFixed(1)} s\n`);
    for (const scenario of cacheScenarios(seed, Number(values.hot))) {
      for (const cache of ['off', 'on'] as const) {
        const dataDir = mkdtempSync(join(tmpdir(), 'jan-bench-cache-run-'));
        cpSync(seedDir, dataDir, { recursive: true });
        mkdirSync(join(dataDir, 'models'), { recursive: true });
        for (const name of ['alpha', 'beta', 'gamma']) writeFileSync(join(dataDir, 'models', `${name}.gguf`), 'GGUF-placeholder');
        const env = { JAN_RESPONSE_CACHE_BYTES: cache === 'off' ? '0' : String(64 * 1024 * 1024), JAN_RATE_HARD_LIMIT: '1000000', JAN_CLIENT_RATE_LIMIT: '1000000' };
        const server = await startServerChild({ root, dataDir, apiKey, env });
        try {
          const run = { url: server.url, connections, durationSec, headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' } };
          const { measurement, cpuUsPerRequest } = await measure(server, scenario, run);
          rows.push({ scenario: scenario.name, cache, measurement, cpuUsPerRequest, hitRatio: cache === 'on' ? await hitRatio(server.url) : null });
          process.stderr.write(`bench: ${scenario.name} cache ${cache}: ${Math.round(measurement.rps)} RPS, p99 ${ms(measurement.latencyMs.p99)} ms\n`);
        } finally {
          await server.stop();
          rmSync(dataDir, { recursive: true, force: true });
        }
      }
    }
  } finally {
    rmSync(seedDir, { recursive: true, force: true });
  }
  process.stdout.write(`\n${table(rows)}\n\n${connections} connections, ${durationSec} s per run after ${warmupSec} s warm-up; ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
  const file = join(root, 'test/load/results', `cache-${started.toISOString().replace(/:/g, '-')}.json`);
  writeJson(file, { suite: 'cache', startedAt: started.toISOString(), options: values, loadAverageAtEnd: loadavg(), rows });
  process.stdout.write(`Saved ${file}\n`);
}

runMain(main);

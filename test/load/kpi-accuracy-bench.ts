/**
 * Are the dashboard's percentiles right? For each endpoint and connection count, a fresh server (so that
 * the route's window holds only this run) is driven by a load generator, then the server's KPI snapshot
 * (`/v1/admin/metrics/snapshot?window=1m`, what the dashboard shows) is read and set beside the generator's
 * own count and percentiles. The check is p95 within 10 %.
 *
 *   npm run bench -- kpi-accuracy [--duration 10] [--connections 1,10,50] [--generator autocannon|hey]
 *
 * `autocannon` runs in this process (lib/load-driver.ts, HDR percentiles); `hey` (Go; `apt-get install hey`)
 * is a second, independent client: its percentiles have 0.1 ms steps. The server times each request from its
 * arrival (server/http/arrival-clock.ts) to its last byte; the client adds the loopback and its own work on
 * both ends, a roughly constant 0.1-0.5 ms that matters only when one connection meets a sub-millisecond
 * endpoint. Results also go to test/load/results/.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { parseSuiteArgs } from './lib/args.js';
import { ensureBuild } from './lib/ensure-build.js';
import { runScenario, type Scenario } from './lib/load-driver.js';
import { writeJson } from './lib/report.js';
import { startServerChild, type ServerChild } from './lib/server-child.js';
import { runMain } from './lib/run-main.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const apiKey = `bench-kpi-accuracy-${process.pid}-0123456789`;
const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
const USAGE = 'Usage: npm run bench -- kpi-accuracy [--duration 10] [--connections 1,10,50] [--generator autocannon|hey]';

interface Percentiles {
  count: number;
  p50: number;
  p95: number;
  p99: number;
}

interface Target {
  scenario: Scenario;
  /** JSON body for writes (sent as is by both generators). */
  body?: string;
}

/** The endpoints checked, given a seeded conversation: a list (bigger, compressed answer), a get by id, a write. */
const TARGETS: ((conversationId: string) => Target)[] = [
  () => ({ scenario: { name: 'GET /v1/conversations', method: 'GET', route: '/v1/conversations', next: '/v1/conversations?limit=20' } }),
  (id) => ({ scenario: { name: 'GET /v1/conversations/{id}', method: 'GET', route: '/v1/conversations/:id', next: `/v1/conversations/${id}` } }),
  () => ({
    scenario: { name: 'POST /v1/conversations', method: 'POST', route: '/v1/conversations', next: () => ({ path: '/v1/conversations', body: '{"title":"load"}' }) },
    body: '{"title":"load"}',
  }),
];

async function withAutocannon(server: ServerChild, target: Target, connections: number, durationSec: number): Promise<Percentiles> {
  const m = await runScenario(target.scenario, { url: server.url, connections, durationSec, headers });
  return { count: m.responses, ...m.latencyMs };
}

async function withHey(server: ServerChild, target: Target, connections: number, durationSec: number): Promise<Percentiles> {
  const { scenario } = target;
  const path = typeof scenario.next === 'string' ? scenario.next : scenario.next().path;
  const args = ['-z', `${durationSec}s`, '-c', String(connections), '-m', scenario.method, '-H', `Authorization: Bearer ${apiKey}`];
  if (target.body) args.push('-T', 'application/json', '-d', target.body);
  const { stdout } = await promisify(execFile)('hey', [...args, `${server.url}${path}`], { maxBuffer: 16 * 1024 * 1024 });
  const seconds = (q: number) => Number(new RegExp(`${q}% in ([0-9.]+) secs`).exec(stdout)?.[1]) * 1000;
  const count = [...stdout.matchAll(/\[\d{3}\]\s+(\d+) responses/g)].reduce((sum, match) => sum + Number(match[1]), 0);
  return { count, p50: seconds(50), p95: seconds(95), p99: seconds(99) };
}

async function dashboardFigures(server: ServerChild, scenario: Scenario): Promise<Percentiles> {
  const snapshot = (await (await fetch(`${server.url}/v1/admin/metrics/snapshot?window=1m`, { headers })).json()) as {
    routes: { method: string; route: string; count: number; p50_ms: number; p95_ms: number; p99_ms: number }[];
  };
  const row = snapshot.routes.find((r) => r.method === scenario.method && r.route === scenario.route);
  if (!row) throw new Error(`the snapshot has no row for ${scenario.method} ${scenario.route}`);
  return { count: row.count, p50: row.p50_ms, p95: row.p95_ms, p99: row.p99_ms };
}

async function main(): Promise<void> {
  const options = parseSuiteArgs(USAGE, (args) => {
    const { values } = parseArgs({
      args, strict: true,
      options: { duration: { type: 'string', default: '10' }, connections: { type: 'string', default: '1,10,50' }, generator: { type: 'string', default: 'autocannon' } },
    });
    if (values.generator !== 'autocannon' && values.generator !== 'hey') throw new Error('--generator is autocannon or hey');
    return { durationSec: Number(values.duration), connections: values.connections.split(',').map(Number), generator: values.generator };
  });
  const drive = options.generator === 'hey' ? withHey : withAutocannon;
  await ensureBuild(root);
  const startedAt = new Date();
  const rows = [];
  const pct = (a: number, b: number) => `${a >= b ? '+' : ''}${(((a - b) / b) * 100).toFixed(1)} %`;
  process.stdout.write(`${options.generator} vs the dashboard (1 min window), ms\n`);
  process.stdout.write(`${'endpoint'.padEnd(28)} ${'conn'.padStart(4)} ${'client n'.padStart(9)} ${'dash n'.padStart(9)}  client p50/p95/p99     dashboard p50/p95/p99   p95 diff\n`);
  for (const connections of options.connections) {
    for (const makeTarget of TARGETS) {
      // A fresh server per row: the snapshot's window then holds only this row's requests.
      const dataDir = mkdtempSync(join(tmpdir(), 'jan-kpi-accuracy-'));
      const server = await startServerChild({ root, dataDir, apiKey });
      try {
        let conversationId = '';
        for (let n = 0; n < 30; n++) {
          const created = await fetch(`${server.url}/v1/conversations`, { method: 'POST', headers, body: '{"title":"seed"}' });
          conversationId = ((await created.json()) as { id: string }).id;
        }
        const target = makeTarget(conversationId);
        const client = await drive(server, target, connections, options.durationSec);
        const dashboard = await dashboardFigures(server, target.scenario);
        // The dashboard also counts the 30 seeding POSTs on the POST route.
        const seeded = target.scenario.method === 'POST' ? 30 : 0;
        const triple = (p: Percentiles) => `${p.p50.toFixed(2)}/${p.p95.toFixed(2)}/${p.p99.toFixed(2)}`.padEnd(22);
        process.stdout.write(
          `${target.scenario.name.padEnd(28)} ${String(connections).padStart(4)} ${String(client.count).padStart(9)} ${String(dashboard.count - seeded).padStart(9)}  ` +
            `${triple(client)} ${triple(dashboard)}  ${pct(dashboard.p95, client.p95)}\n`,
        );
        rows.push({ endpoint: target.scenario.name, connections, client, dashboard: { ...dashboard, count: dashboard.count - seeded }, load: loadavg()[0] });
      } finally {
        await server.stop();
        rmSync(dataDir, { recursive: true, force: true });
      }
    }
  }
  const file = join(root, 'test/load/results', `kpi-accuracy-${startedAt.toISOString().replace(/:/g, '-')}.json`);
  writeJson(file, { suite: 'kpi-accuracy', startedAt: startedAt.toISOString(), command: ['npm run bench -- kpi-accuracy', ...process.argv.slice(2)].join(' '), options, rows });
  process.stdout.write(`Saved ${file}\n`);
}

runMain(main);

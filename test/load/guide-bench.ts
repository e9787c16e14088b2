/**
 * `npm run bench -- guide`: the Performance & SLA Guide's own load-test commands, run as the guide writes them,
 * and its "Load test results indicate" figures beside ours.
 *
 * 1. `ab -n 10000 -c 100 <url>/v1/health` (Debian apache2-utils), with the API key's Authorization header;
 * 2. `wrk -t12 -c100 -d30s <url>/v1/conversations` (Debian wrk), the same header from a small Lua script;
 * 3. in place of the guide's k6 script (k6 is not installable here) the same shape with autocannon: virtual users
 *    ramping over stages, a list/get/create conversation mix, thresholds p95 < 50 ms and errors < 0.1 %
 *    (test/load/lib/guide-k6.ts).
 *
 * Without `--url` it builds the server if needed, seeds a temp data dir (conversations with items, as the data
 * API bench does) and starts `node dist/server/main.js` as a child; with `--url` it aims at a running server (e.g.
 * the haproxy of `npm run cluster`, key from `--key` or JAN_API_KEY). Prints the table with the machine's cores
 * and load, writes test/load/results/guide-<time>.json. Exit: 0 when every tool ran and no request failed, 1
 * otherwise, 2 for bad flags, 130 when interrupted.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseSuiteArgs } from './lib/args.js';
import { ensureBuild } from './lib/ensure-build.js';
import { QUICK_STAGES, runK6Like, STAGES, type K6Result } from './lib/guide-k6.js';
import { abRow, formatGuideTable, GUIDE, k6Row, wrkRow, type Row } from './lib/guide-report.js';
import { runAb, runWrk } from './lib/guide-tools.js';
import { writeJson } from './lib/report.js';
import { abortOnSignals, runMain } from './lib/run-main.js';
import { seedDataDir } from './lib/seed.js';
import { startServerChild, type ServerChild } from './lib/server-child.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const resultsDir = join(root, 'test/load/results');
const TOOLS = ['ab', 'wrk', 'k6'] as const;

const USAGE = `Usage: npm run bench -- guide [options]
  --quick              shorter runs: ab -n 2000, wrk -d5s, a 7 s ramp (default: the guide's ab -n 10000, wrk -d30s, 35 s ramp)
  --url <url>          aim at a running server (e.g. npm run cluster's haproxy) instead of starting one
  --key <key>          its API key (default: JAN_API_KEY)
  --only <tools>       some of ab,wrk,k6 (comma-separated)
  --conversations <n>  conversations to seed (10 items each; default 2000) when the bench starts the server`;

interface GuideOptions {
  quick: boolean;
  url: string | undefined;
  key: string | undefined;
  only: (typeof TOOLS)[number][];
  conversations: number;
}

function parse(argv: string[]): GuideOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: { quick: { type: 'boolean', default: false }, url: { type: 'string' }, key: { type: 'string' }, only: { type: 'string' }, conversations: { type: 'string' } },
  });
  const only = (values.only ?? TOOLS.join(',')).split(',').map((t) => t.trim()).filter(Boolean);
  for (const tool of only) if (!(TOOLS as readonly string[]).includes(tool)) throw new Error(`--only takes ab, wrk, k6 (got '${tool}')`);
  const conversations = Number(values.conversations ?? 2000);
  if (!Number.isInteger(conversations) || conversations <= 0) throw new Error(`--conversations must be a positive integer (got '${values.conversations}')`);
  const url = values.url?.replace(/\/+$/, '');
  const key = values.key ?? process.env.JAN_API_KEY;
  if (url && !key) throw new Error('--url needs the server\'s API key: --key <key> or JAN_API_KEY');
  return { quick: values.quick, url, key, only: only as GuideOptions['only'], conversations };
}

/**
 * A server given by `--url` may be empty (a fresh `npm run cluster`): wrk would then measure lists of nothing.
 * Gives it at least `min` conversations through the API (a few at a time) before any tool runs.
 */
async function ensureConversations(url: string, key: string, min: number): Promise<number> {
  const have = (await conversationIds(url, key)).length;
  if (have >= Math.min(min, 100)) return 0;
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const create = async (n: number) => {
    const response = await fetch(`${url}/v1/conversations`, {
      method: 'POST', headers,
      body: JSON.stringify({ title: `Guide bench ${n}`, items: [{ type: 'message', role: 'user', content: 'How fast is this server under load?' }] }),
    });
    if (!response.ok) throw new Error(`POST ${url}/v1/conversations answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
  };
  for (let n = have; n < min; n += 4) await Promise.all([0, 1, 2, 3].map((i) => create(n + i)));
  return min - have;
}

/** Ids for the mix's GETs, from the API itself (so it works against any server, seeded or not). */
async function conversationIds(url: string, key: string): Promise<string[]> {
  const response = await fetch(`${url}/v1/conversations?limit=100`, { headers: { authorization: `Bearer ${key}` } });
  if (!response.ok) throw new Error(`GET ${url}/v1/conversations answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
  return ((await response.json()) as { data: { id: string }[] }).data.map((c) => c.id);
}

async function measure(options: GuideOptions, url: string, key: string, signal: AbortSignal): Promise<{ rows: Row[]; raw: Record<string, unknown> }> {
  const loadNow = () => loadavg()[0]!;
  const rows: Row[] = [];
  const raw: Record<string, unknown> = {};
  const say = (text: string) => process.stderr.write(`bench: ${text}\n`);
  if (options.only.includes('ab') && !signal.aborted) {
    const run = await runAb({ url, key, requests: options.quick ? 2000 : 10_000, concurrency: 100, loadNow, signal });
    say(`${run.command}: ${run.parsed.ok ? `${run.parsed.result.rps} RPS` : run.parsed.error}`);
    rows.push(abRow(run));
    raw.ab = run;
  }
  if (options.only.includes('wrk') && !signal.aborted) {
    const run = await runWrk({ url, key, threads: 12, connections: 100, durationSec: options.quick ? 5 : 30, loadNow, signal });
    say(`${run.command}: ${run.parsed.ok ? `${run.parsed.result.rps} RPS` : run.parsed.error}`);
    rows.push(wrkRow(run));
    raw.wrk = run;
  }
  if (options.only.includes('k6') && !signal.aborted) {
    const ids = await conversationIds(url, key);
    const result: K6Result = await runK6Like({ url, key, conversationIds: ids, stages: options.quick ? QUICK_STAGES : STAGES, loadNow, signal });
    say(`k6-like mix: ${Math.round(result.rps)} RPS, p95 ${result.latencyMs.p95.toFixed(2)} ms`);
    rows.push(k6Row(result));
    raw.k6 = result;
  }
  return { rows, raw };
}

async function main(): Promise<number> {
  const options = parseSuiteArgs(USAGE, parse);
  const startedAt = new Date();
  const loadAtStart = loadavg();
  const signal = abortOnSignals();
  let server: ServerChild | undefined;
  let dataDir: string | undefined;
  const emergency = () => {
    server?.kill();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  process.once('exit', emergency);
  let seeded: { conversations: number; items: number; seconds: number } | null = null;
  try {
    let url = options.url;
    let key = options.key;
    if (!url) {
      await ensureBuild(root);
      dataDir = mkdtempSync(join(tmpdir(), 'jan-guide-bench-'));
      process.stderr.write(`bench: seeding ${options.conversations} conversations x 10 items\n`);
      const seed = await seedDataDir(dataDir, { conversations: options.conversations, itemsPerConversation: 10, projects: 20 });
      seeded = { conversations: seed.conversationIds.length, items: seed.items.length, seconds: seed.seconds };
      key = `bench-${randomBytes(16).toString('hex')}`;
      server = await startServerChild({ root, dataDir, apiKey: key });
      url = server.url;
      process.stderr.write(`bench: server ${url} (pid ${server.pid})\n`);
    }
    if (options.url) {
      const created = await ensureConversations(url, key!, 200);
      if (created > 0) process.stderr.write(`bench: the server had few conversations: created ${created} through the API\n`);
    }
    const { rows, raw } = await measure(options, url, key!, signal);
    const cores = cpus().length;
    process.stdout.write(`\n${formatGuideTable(rows, { cores, loadAtStart })}\n`);
    const file = join(resultsDir, `guide-${startedAt.toISOString().replace(/:/g, '-')}.json`);
    writeJson(file, {
      suite: 'guide',
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      aborted: signal.aborted,
      command: ['npm run bench -- guide', ...process.argv.slice(2).map((a) => (a === options.key ? '$KEY' : a))].join(' '),
      target: options.url ? { url: options.url } : { startedServer: true, seeded },
      machine: { cores, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version, loadAverageAtStart: loadAtStart, loadAverageAtEnd: loadavg() },
      guide: GUIDE,
      rows,
      raw,
    });
    process.stdout.write(`\nSaved ${file}\n`);
    if (signal.aborted) return 130;
    const failed = rows.some((r) => r.errorRate === null || r.errorRate > 0);
    return failed ? 1 : 0;
  } finally {
    await server?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    process.off('exit', emergency);
  }
}

runMain(main);

/**
 * `npm run bench -- hotpath`: the fixed cost every request pays, against references in the same run.
 *
 * Starts, each as its own process: a bare `node:http` server, a bare Koa app (one middleware), this server
 * run from its sources, and this server with the response cache off (for the uncached list); with
 * `--baseline <git ref>` also the server as it was at that ref (exported to a temp folder, same node_modules).
 * Then drives them in alternating rounds (the order rotates each round, so a burst of load from other
 * processes on this machine hits every target alike) with wrk (`apt-get install wrk`) or, without it,
 * autocannon, and reports per target and scenario: requests/s, the ratio to bare node:http, and the server's
 * CPU per request (its /proc utime+stime over the run / responses), medians over the rounds.
 *
 * Scenarios: GET /v1/health, GET /healthz, GET /v1/conversations with an API key (answered from the response
 * cache, and with the cache off: from SQLite), POST to an unknown route (404). The bare servers answer every
 * GET with a small JSON body and every POST with a 404, so they are the floor for each scenario.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, copyFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { parseSuiteArgs } from './lib/args.js';
import { runScenario } from './lib/load-driver.js';
import { writeJson } from './lib/report.js';
import { runMain } from './lib/run-main.js';
import { startServerChild, type ServerChild } from './lib/server-child.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const apiKey = `bench-${randomBytes(16).toString('hex')}`;
const USAGE = `Usage: npm run bench -- hotpath [options]
  --duration <s>     seconds per measured run (default 3)
  --rounds <n>       alternating rounds (default 3)
  --connections <n>  concurrent connections (default 32)
  --only <text>      scenarios whose name contains <text> (comma-separated)
  --baseline <ref>   also run the server as it was at this git ref (e.g. HEAD~3)
  --ours <tree-ish>  run 'ours' from this commit or tree instead of the working tree (which other work in
                     progress may break); e.g. a tree made with a temporary GIT_INDEX_FILE
  --driver <name>    wrk or autocannon (default: wrk when installed)
  --profile          run our server under node --cpu-prof (profile in test/load/results/)`;

const values = parseSuiteArgs(USAGE, (args) =>
  parseArgs({
    args, strict: true,
    options: {
      duration: { type: 'string', default: '3' }, rounds: { type: 'string', default: '3' }, connections: { type: 'string', default: '32' },
      only: { type: 'string' }, baseline: { type: 'string' }, ours: { type: 'string' }, driver: { type: 'string' }, profile: { type: 'boolean', default: false },
    },
  }).values,
);

interface Target {
  name: string;
  url: string;
  pid: number;
  /** Our server's paths; the bare servers answer any path. */
  ours: boolean;
  /** Only these scenarios run against it (all when undefined). */
  scenarios?: string[];
  stop(): Promise<void>;
}

interface Scenario {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  auth: boolean;
}

const SCENARIOS: Scenario[] = [
  { name: 'GET /v1/health', method: 'GET', path: '/v1/health', auth: false },
  { name: 'GET /healthz', method: 'GET', path: '/healthz', auth: false },
  { name: 'GET /v1/conversations (cached)', method: 'GET', path: '/v1/conversations?limit=20', auth: true },
  { name: 'GET /v1/conversations (no cache)', method: 'GET', path: '/v1/conversations?limit=20', auth: true },
  { name: 'POST /v1/unknown (404)', method: 'POST', path: '/v1/unknown', auth: true },
];

/** utime + stime in seconds (USER_HZ = 100). */
function cpuSeconds(pid: number): number {
  const stat = execFileSync('cat', [`/proc/${pid}/stat`], { encoding: 'utf8' });
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const BARE_HTTP = `
const http = require('node:http');
const ok = JSON.stringify({ status: 'ok' });
const missing = JSON.stringify({ error: { message: 'Unknown route', type: 'not_found_error', param: null, code: 'unknown_route' } });
http.createServer((req, res) => {
  const body = req.method === 'GET' ? ok : missing;
  res.writeHead(req.method === 'GET' ? 200 : 404, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  req.resume();
  res.end(body);
}).listen(0, '127.0.0.1', function () { process.stdout.write('Server: http://127.0.0.1:' + this.address().port + '\\n'); });
`;

const BARE_KOA = `
const Koa = require('koa');
const app = new Koa();
app.use((ctx) => {
  if (ctx.method === 'GET') ctx.body = { status: 'ok' };
  else { ctx.status = 404; ctx.body = { error: { message: 'Unknown route', type: 'not_found_error', param: null, code: 'unknown_route' } }; }
});
const server = app.listen(0, '127.0.0.1', () => process.stdout.write('Server: http://127.0.0.1:' + server.address().port + '\\n'));
`;

function waitForServerLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /Server: (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`reference server exited with ${code}`)));
  });
}

async function startBare(name: string, script: string): Promise<Target> {
  // CommonJS from the repository root, so that `require('koa')` finds node_modules.
  const child = spawn(process.execPath, ['-e', script], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await waitForServerLine(child);
  return {
    name, url, pid: child.pid!, ours: false,
    stop: async () => {
      child.kill('SIGTERM');
    },
  };
}

/**
 * Our server from TypeScript sources under tsx (the same loader `npm run bench` itself uses), so a baseline
 * checkout needs no build. `sourceRoot/server/main.ts` is imported by a shim in `<shimRoot>/dist/server/main.js`
 * because the shared server-child runs `<root>/dist/server/main.js`.
 */
async function startOurs(name: string, sourceRoot: string, env: Record<string, string>, scenarios?: string[]): Promise<Target & { child: ServerChild }> {
  const shimRoot = mkdtempSync(join(tmpdir(), 'jan-hotpath-shim-'));
  mkdirSync(join(shimRoot, 'dist/server'), { recursive: true });
  writeFileSync(join(shimRoot, 'dist/server/main.js'), `import(${JSON.stringify(pathToFileURL(join(sourceRoot, 'server/main.ts')).href)});\n`);
  const dataDir = mkdtempSync(join(tmpdir(), 'jan-hotpath-data-'));
  const tsx = createRequire(import.meta.url).resolve('tsx');
  const nodeArgs = ['--import', pathToFileURL(tsx).href];
  if (values.profile && name === 'ours') nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${join(root, 'test/load/results', `profiles-hotpath-${Date.now()}`)}`);
  const child = await startServerChild({ root: shimRoot, dataDir, apiKey, nodeArgs, env, startTimeoutMs: 60_000 });
  await seed(child.url);
  return {
    name, url: child.url, pid: child.pid, ours: true, child, ...(scenarios && { scenarios }),
    stop: async () => {
      await child.stop();
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(shimRoot, { recursive: true, force: true });
    },
  };
}

/** 50 conversations through the API (not through the store: a baseline checkout may have another schema). */
async function seed(url: string): Promise<void> {
  for (let i = 0; i < 50; i++) {
    const response = await fetch(`${url}/v1/conversations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ metadata: { title: `Bench conversation ${i}` } }),
    });
    if (!response.ok) throw new Error(`seeding answered ${response.status}: ${await response.text()}`);
  }
}

/** The server folder (and what it reads at start) as of `ref`, with this checkout's node_modules. */
function exportBaseline(ref: string, into: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'jan-hotpath-baseline-'));
  into.push(dir);
  execFileSync('sh', ['-c', `git archive ${JSON.stringify(ref)} server package.json tsconfig.json | tar -x -C ${JSON.stringify(dir)}`], { cwd: root });
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  for (const file of ['build/version.json']) if (existsSync(join(root, file))) copyFileSync(join(root, file), join(dir, file));
  return dir;
}

function hasWrk(): boolean {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (error) {
    // wrk --version exits 1 after printing its version.
    return (error as { status?: number }).status === 1;
  }
}

async function drive(driver: string, target: Target, scenario: Scenario, seconds: number, connections: number): Promise<{ responses: number; seconds: number; non2xx: number }> {
  const headers: Record<string, string> = scenario.auth ? { authorization: `Bearer ${apiKey}` } : {};
  const path = target.ours ? scenario.path : '/';
  if (driver === 'wrk') {
    const script = join(tmpdir(), `jan-hotpath-${process.pid}.lua`);
    writeFileSync(script, `wrk.method = "${scenario.method}"\n${Object.entries(headers).map(([k, v]) => `wrk.headers["${k}"] = "${v}"`).join('\n')}\n`);
    const out = execFileSync('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '-s', script, `${target.url}${path}`], { encoding: 'utf8' });
    const total = /(\d+) requests in ([\d.]+)(m?s)/.exec(out);
    if (!total) throw new Error(`cannot read wrk's output:\n${out}`);
    const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
    return { responses: Number(total[1]), seconds: Number(total[2]) / (total[3] === 'ms' ? 1000 : 1), non2xx: scenario.method === 'POST' ? 0 : non2xx };
  }
  const m = await runScenario({ name: scenario.name, method: scenario.method, route: scenario.path, next: path }, { url: target.url, connections, durationSec: seconds, headers });
  return { responses: m.responses, seconds: m.elapsedSec, non2xx: scenario.method === 'POST' ? 0 : m.non2xx };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function main(): Promise<number> {
  const seconds = Number(values.duration);
  const rounds = Number(values.rounds);
  const connections = Number(values.connections);
  const driver = values.driver ?? (hasWrk() ? 'wrk' : 'autocannon');
  const only = (values.only ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  const scenarios = SCENARIOS.filter((s) => only.length === 0 || only.some((o) => s.name.toLowerCase().includes(o)));
  const cacheOff = { JAN_RESPONSE_CACHE_BYTES: '0' };
  const targets: Target[] = [];
  const exported: string[] = [];
  const stopAll = async () => {
    for (const t of targets) await t.stop().catch(() => undefined);
    for (const dir of exported) rmSync(dir, { recursive: true, force: true });
  };
  try {
    targets.push(await startBare('node:http', BARE_HTTP));
    targets.push(await startBare('koa', BARE_KOA));
    const uncached = ['GET /v1/conversations (no cache)'];
    const cachedOnes = SCENARIOS.map((s) => s.name).filter((n) => !uncached.includes(n));
    // A server is started only when a chosen scenario runs against it.
    const wanted = (names: string[]) => scenarios.some((s) => names.includes(s.name));
    const oursDir = values.ours ? exportBaseline(values.ours, exported) : root;
    const sources: [string, string][] = [['ours', oursDir]];
    if (values.baseline) sources.push([`baseline ${values.baseline}`, exportBaseline(values.baseline, exported)]);
    for (const [name, dir] of sources) {
      if (wanted(cachedOnes)) targets.push(await startOurs(name, dir, {}, cachedOnes));
      if (wanted(uncached)) targets.push(await startOurs(`${name}, cache off`, dir, cacheOff, uncached));
    }
    process.stderr.write(`bench: ${driver}, ${connections} connections, ${seconds} s x ${rounds} rounds; targets ${targets.map((t) => t.name).join(', ')}\n`);
    // Warm-up: JIT and caches of every target on every scenario.
    for (const scenario of scenarios) for (const target of targets) if (applies(target, scenario)) await drive(driver, target, scenario, 1, connections);
    const samples = new Map<string, { rps: number[]; cpuUs: number[]; non2xx: number; load: number[] }>();
    for (let round = 0; round < rounds; round++) {
      for (const scenario of scenarios) {
        const eligible = targets.filter((t) => applies(t, scenario));
        const order = eligible.map((_, i) => eligible[(i + round) % eligible.length]!);
        for (const target of order) {
          const cpuBefore = cpuSeconds(target.pid);
          const result = await drive(driver, target, scenario, seconds, connections);
          const cpu = cpuSeconds(target.pid) - cpuBefore;
          const key = `${scenario.name}\u0000${target.name}`;
          const entry = samples.get(key) ?? { rps: [], cpuUs: [], non2xx: 0, load: [] };
          entry.rps.push(result.responses / result.seconds);
          entry.cpuUs.push((cpu * 1e6) / result.responses);
          entry.non2xx += result.non2xx;
          entry.load.push(loadavg()[0]!);
          samples.set(key, entry);
        }
      }
      process.stderr.write(`bench: round ${round + 1}/${rounds} done, load ${loadavg()[0]!.toFixed(2)}\n`);
    }
    const rows: string[][] = [['scenario', 'target', 'RPS', 'x node:http', 'CPU µs/req', 'load 1m']];
    const json: unknown[] = [];
    for (const scenario of scenarios) {
      const bare = median(samples.get(`${scenario.name}\u0000node:http`)?.rps ?? []);
      for (const target of targets.filter((t) => applies(t, scenario))) {
        const s = samples.get(`${scenario.name}\u0000${target.name}`)!;
        const rps = median(s.rps);
        const cpuUs = median(s.cpuUs);
        rows.push([scenario.name, target.name, rps.toFixed(0), (rps / bare).toFixed(2), cpuUs.toFixed(1), median(s.load).toFixed(2)]);
        json.push({ scenario: scenario.name, target: target.name, rps, ratioToBareHttp: rps / bare, cpuUsPerRequest: cpuUs, samples: s });
        if (s.non2xx > 0) process.stderr.write(`bench: ${target.name} answered ${s.non2xx} non-2xx on ${scenario.name}\n`);
      }
    }
    const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
    process.stdout.write(`\n${rows.map((r) => r.map((cell, c) => (c >= 2 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ')).join('\n')}\n`);
    process.stdout.write(`\n${cpus().length} cores (${cpus()[0]?.model}), ${driver}, ${connections} connections, ${seconds} s x ${rounds} rounds (medians); ` +
      `load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
    const file = join(root, 'test/load/results', `hotpath-${new Date().toISOString().replace(/:/g, '-')}.json`);
    writeJson(file, { suite: 'hotpath', driver, connections, seconds, rounds, baseline: values.baseline ?? null, load: loadavg(), results: json });
    process.stdout.write(`Saved ${file}\n`);
    return 0;
  } finally {
    await stopAll();
  }
}

function applies(target: Target, scenario: Scenario): boolean {
  return !target.scenarios || target.scenarios.includes(scenario.name);
}

runMain(main);

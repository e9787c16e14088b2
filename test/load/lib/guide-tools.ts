/**
 * Runs the guide's own load-test commands with the Debian tools: `ab -n 10000 -c 100 <url>/v1/health` and
 * `wrk -t12 -c100 -d30s <url>/v1/conversations`, each with the API key's Authorization header. wrk gets
 * `--latency` and a small Lua script (the header, and a `done()` that prints p50/p95/p99, which wrk's own
 * distribution lacks). A missing tool is reported, not fatal (`apt-get install apache2-utils wrk`).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAb, parseWrk, WRK_LATENCY_MARKER, type AbResult, type Parsed, type WrkResult } from './guide-parsers.js';

export const AB_BIN = '/usr/bin/ab';
export const WRK_BIN = '/usr/bin/wrk';

export interface ToolRun<T> {
  /** The command as run, with the key shown as `$KEY`. */
  command: string;
  parsed: Parsed<T> | { ok: false; error: string };
  /** 1-minute load average before and after the run. */
  load: [number, number];
}

/** Runs a command and returns stdout + stderr whatever its exit code (ab exits non-zero on refused connections). */
function run(bin: string, args: string[], signal: AbortSignal | undefined): Promise<string> {
  return new Promise((resolve) => {
    execFile(bin, args, { maxBuffer: 16 * 2 ** 20, signal }, (error, stdout, stderr) => {
      resolve(`${stdout}${stderr}${error && !stdout && !stderr ? String(error) : ''}`);
    });
  });
}

function redact(args: string[], key: string): string {
  return args.map((a) => (a.includes(key) ? `'${a.replace(key, '$KEY')}'` : a)).join(' ');
}

export interface AbOptions {
  url: string;
  key: string;
  requests: number;
  concurrency: number;
  loadNow: () => number;
  signal?: AbortSignal;
}

export async function runAb(options: AbOptions): Promise<ToolRun<AbResult>> {
  const args = ['-n', String(options.requests), '-c', String(options.concurrency), '-H', `Authorization: Bearer ${options.key}`, `${options.url}/v1/health`];
  const command = `ab ${redact(args, options.key)}`;
  const before = options.loadNow();
  if (!existsSync(AB_BIN)) return { command, parsed: { ok: false, error: `${AB_BIN} is missing (apt-get install apache2-utils)` }, load: [before, before] };
  const output = await run(AB_BIN, args, options.signal);
  return { command, parsed: parseAb(output), load: [before, options.loadNow()] };
}

export interface WrkOptions {
  url: string;
  key: string;
  threads: number;
  connections: number;
  durationSec: number;
  loadNow: () => number;
  signal?: AbortSignal;
}

/** The Lua script: the header on every request, and the percentiles in microseconds at the end. */
export function wrkScript(key: string): string {
  return [
    `wrk.headers["Authorization"] = "Bearer ${key.replace(/["\\]/g, '')}"`,
    'done = function(summary, latency, requests)',
    `  io.write(string.format("${WRK_LATENCY_MARKER} p50=%d p95=%d p99=%d max=%d\\n",`,
    '    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))',
    'end',
    '',
  ].join('\n');
}

export async function runWrk(options: WrkOptions): Promise<ToolRun<WrkResult>> {
  const folder = await mkdtemp(join(tmpdir(), 'jan-wrk-'));
  const script = join(folder, 'guide.lua');
  const args = ['-t', String(options.threads), '-c', String(options.connections), '-d', `${options.durationSec}s`, '--latency', '-s', script, `${options.url}/v1/conversations`];
  const command = `wrk ${args.join(' ').replace(script, 'guide.lua')}`;
  const before = options.loadNow();
  try {
    if (!existsSync(WRK_BIN)) return { command, parsed: { ok: false, error: `${WRK_BIN} is missing (apt-get install wrk)` }, load: [before, before] };
    await writeFile(script, wrkScript(options.key), { mode: 0o600 });
    const output = await run(WRK_BIN, args, options.signal);
    return { command, parsed: parseWrk(output), load: [before, options.loadNow()] };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

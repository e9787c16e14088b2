/**
 * OCR memory and abandoned work (issue 13, item 6): `npx tsx test/load/ocr-memory-bench.ts [--settle 30]`.
 *
 * Runs the built server as a child process (default config: 2 OCR workers) and reads its RSS and CPU time
 * from /proc (Linux only; worker threads count, they are one process). Four scenarios, each on new content
 * so the OCR cache never answers:
 *  1. `huge`: 4 tiny PDFs whose one page is 14,400 × 14,400 pt (the largest page PDF allows), in parallel;
 *  2. `poster`: 4 A1 posters (1,684 × 2,384 pt, a scanned image) in parallel — pages OCR'd at the per-page
 *     pixel cap, so the memory of real recognition at the cap shows;
 *  3. `abort`: 4 more posters whose clients disconnect after `--abort-after` seconds;
 *  4. `timeout`: one scanned PDF of 16 dense A4 pages at 150 dpi (35 Mpx, within the request budget), which
 *     2 workers cannot read within the route's 60 s timeout: it answers 503.
 * For each: the CPU seconds the server burns after the last answer until it goes idle (work nobody waits
 * for any more) and how long that takes; RSS before, peak, and `--settle` seconds after it went idle.
 * Results also go to test/load/results/.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { renderText, scannedPdf } from '../support/media-fixtures.js';
import { parseSuiteArgs } from './lib/args.js';
import { ensureBuild } from './lib/ensure-build.js';
import { writeJson } from './lib/report.js';
import { runMain } from './lib/run-main.js';
import { startServerChild, type ServerChild } from './lib/server-child.js';
import { extract, receiptPng, upload, type Client } from './suites/media-ocr.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const apiKey = `bench-ocr-memory-${process.pid}-0123456789`;
const USAGE = 'Usage: npx tsx test/load/ocr-memory-bench.ts [--settle 30] [--abort-after 3] [--parallel 4]';
const values = parseSuiteArgs(USAGE, (args) =>
  parseArgs({ args, strict: true, options: { settle: { type: 'string', default: '30' }, 'abort-after': { type: 'string', default: '3' }, parallel: { type: 'string', default: '4' } } }).values,
);
const settleSec = Number(values.settle);
const abortAfterSec = Number(values['abort-after']);
const parallel = Number(values.parallel);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

/** VmRSS from /proc/<pid>/status; 0 once the process is gone. */
function rssBytes(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return Number(match?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/** Samples the server's RSS every 100 ms until stopped; `peak` is the highest seen. */
function rssSampler(pid: number) {
  let peak = rssBytes(pid);
  const timer = setInterval(() => {
    peak = Math.max(peak, rssBytes(pid));
  }, 100);
  return { stop: () => (clearInterval(timer), Math.max(peak, rssBytes(pid))) };
}

/** A page of `widthPt` × `heightPt` holding one scanned image with a few lines of text unique to `n`. */
function pagePdf(n: number, widthPt: number, heightPt: number, pixelsWide: number): Buffer {
  const pixelsHigh = Math.round((pixelsWide * heightPt) / widthPt);
  const lines = [`Huge page number ${n}`, 'scanned at a size nobody prints', `reference ${1000 + n}`];
  const image = renderText(lines, { width: pixelsWide, height: pixelsHigh, fontSize: Math.round(pixelsWide / 30), margin: Math.round(pixelsWide / 20) });
  return scannedPdf([image], (pixelsWide * 72) / widthPt);
}

/** `pages` scanned A4 pages at 150 dpi, each full of text (~10 s of OCR per page on one core). */
function denseScan(n: number, pages: number): Buffer {
  const words = 'the quarterly revenue report shows steady growth across all regions with strong demand'.split(' ');
  const canvases = Array.from({ length: pages }, (_, p) => {
    const lines = Array.from({ length: 48 }, (_, i) => Array.from({ length: 10 }, (_, w) => words[(n + p * 7 + i * 3 + w) % words.length]).join(' '));
    return renderText(lines, { width: 1240, height: 1754, fontSize: 22, margin: 90 });
  });
  return scannedPdf(canvases, 150);
}

async function extractStatus(client: Client, id: string, signal?: AbortSignal): Promise<string> {
  try {
    const response = await fetch(`${client.url}/v1/media/files/${id}/extract-text`, {
      method: 'POST', headers: { authorization: `Bearer ${client.apiKey}`, 'content-type': 'application/json' }, body: '{}', ...(signal && { signal }),
    });
    const body = (await response.json()) as { error?: { code?: string } };
    return response.ok ? '200' : `${response.status} ${body.error?.code ?? ''}`.trim();
  } catch (error) {
    return signal?.aborted ? 'aborted by client' : `failed: ${(error as Error).message}`;
  }
}

async function queueDepth(client: Client): Promise<number> {
  const text = await (await fetch(`${client.url}/metrics`, { headers: { authorization: `Bearer ${client.apiKey}` } })).text();
  return Number(/^jan_ocr_queue_depth (\S+)/m.exec(text)?.[1] ?? NaN);
}

/** Seconds until the server uses under 0.1 CPU-s in 2 s (0 when it already does), at most 300. */
async function untilIdle(server: ServerChild): Promise<number> {
  const started = Date.now();
  let last = server.cpuSeconds() ?? 0;
  while (Date.now() - started < 300_000) {
    await sleep(2000);
    const now = server.cpuSeconds() ?? 0;
    if (now - last < 0.1) return Math.max(0, Math.round((Date.now() - started - 2000) / 1000));
    last = now;
  }
  return 300;
}

interface ScenarioResult {
  name: string;
  statuses: Record<string, number>;
  rssBeforeMb: number;
  rssPeakMb: number;
  rssAfterMb: number;
  /** CPU seconds the server used from the last answer (or the clients' abort) until it went idle. */
  cpuAfterSec: number;
  /** Seconds from the last answer until the server went idle (under 0.1 CPU-s per 2 s), at most 300. */
  idleAfterSec: number;
  /** Seconds from the first request to the last answer. */
  answeredAfterSec: number;
  queueDepthAfter: number;
}

async function scenario(name: string, server: ServerChild, client: Client, run: () => Promise<string[]>): Promise<ScenarioResult> {
  const rssBefore = rssBytes(server.pid);
  const sampler = rssSampler(server.pid);
  const started = Date.now();
  const statuses = await run();
  const answeredAfterSec = (Date.now() - started) / 1000;
  const cpuAtAnswer = server.cpuSeconds() ?? NaN;
  const idleAfterSec = await untilIdle(server);
  const cpuAfterSec = (server.cpuSeconds() ?? NaN) - cpuAtAnswer;
  await sleep(settleSec * 1000);
  const rssPeak = sampler.stop();
  const counts: Record<string, number> = {};
  for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1;
  const result = {
    name, statuses: counts, rssBeforeMb: mb(rssBefore), rssPeakMb: mb(rssPeak), rssAfterMb: mb(rssBytes(server.pid)),
    cpuAfterSec: Math.round(cpuAfterSec * 10) / 10, idleAfterSec, answeredAfterSec: Math.round(answeredAfterSec * 10) / 10, queueDepthAfter: await queueDepth(client),
  };
  process.stderr.write(`bench: ${JSON.stringify(result)}\n`);
  return result;
}

async function main(): Promise<void> {
  await ensureBuild(root);
  // Made before anything talks to the server: making a poster blocks this process for a second or more, and a
  // keep-alive socket the server closes meanwhile would be reused unnoticed (EPIPE on the next upload).
  const seed = Date.now() % 100_000;
  const files = {
    huge: Array.from({ length: parallel }, (_, i) => pagePdf(seed + i, 14_400, 14_400, 1200)),
    posters: Array.from({ length: parallel }, (_, i) => pagePdf(seed + 50 + i, 1684, 2384, 3508)),
    aborted: Array.from({ length: parallel }, (_, i) => pagePdf(seed + 90 + i, 1684, 2384, 3508)),
    long: denseScan(seed, 16),
  };
  const dataDir = mkdtempSync(join(tmpdir(), 'jan-bench-ocr-memory-'));
  let server: ServerChild | undefined;
  try {
    server = await startServerChild({ root, dataDir, apiKey });
    const client: Client = { url: server.url, apiKey };
    const rssIdle = rssBytes(server.pid);
    process.stderr.write(`bench: server ${server.url} (pid ${server.pid}); warming up both OCR workers\n`);
    await Promise.all([0, 1].map(async (i) => extract(client, await upload(client, receiptPng(700_000 + i), 'warm.png'))));
    await sleep(2000);
    const rssWarm = rssBytes(server.pid);

    const burst = async (pdfs: Buffer[]) => {
      const ids = await Promise.all(pdfs.map((pdf, i) => upload(client, pdf, `page-${i}.pdf`)));
      return Promise.all(ids.map((id) => extractStatus(client, id)));
    };
    const huge = await scenario('huge: 14,400 x 14,400 pt pages', server, client, () => burst(files.huge));
    const poster = await scenario('poster: A1 pages scanned at 150 dpi', server, client, () => burst(files.posters));
    const aborted = await scenario(`abort: A1 pages, clients gone after ${abortAfterSec} s`, server, client, async () => {
      const ids = await Promise.all(files.aborted.map((pdf, i) => upload(client, pdf, `abort-${i}.pdf`)));
      const signal = AbortSignal.timeout(abortAfterSec * 1000);
      return Promise.all(ids.map((id) => extractStatus(client, id, signal)));
    });
    const timedOut = await scenario('timeout: 16 dense A4 pages at 150 dpi', server, client, async () => [await extractStatus(client, await upload(client, files.long, 'long.pdf'))]);
    const after = await extractStatus(client, await upload(client, receiptPng(seed + 5), 'after.png'));

    const result = { rssIdleMb: mb(rssIdle), rssWarmMb: mb(rssWarm), scenarios: [huge, poster, aborted, timedOut], extractionAfterwards: after, settleSec };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    writeJson(join(root, 'test/load/results', `ocr-memory-${new Date().toISOString().replace(/[:.]/g, '-')}.json`), result);
  } finally {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

runMain(main);

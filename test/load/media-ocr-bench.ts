/**
 * Media and OCR benchmark (issue 4, item 7): `npm run bench -- media [--quick] [--large-mb N]`.
 *
 * Builds the server if needed and runs it as a child process (default config: 2 OCR workers) on a temp data
 * folder, then measures, beside the guide's targets (server/metrics/sla-targets.ts):
 *  1. extract-text on a receipt-sized image and on a full A4 page at 150 dpi, one request at a time (p50/p95);
 *  2. extract-text throughput (RPS) with 4 requests in flight, on receipts (the pool runs 2 at once);
 *  3. extract-text answered from the OCR cache;
 *  4. upload latency and MB/s for small multipart files (100 KB, 5 MB) and one large tus upload (200 MB).
 * Every OCR request is on new content, so only (3) touches the cache. Results also go to test/load/results/.
 *
 * `--reference` adds plain tesseract.js in the same run: one worker in this process (the engine mode and
 * language data the server uses, tesseract.js's defaults otherwise) reads the same PNGs, rotating with
 * the server's extract-text calls, so the server's overhead over the engine is one ratio measured under the
 * same load; each side's character accuracy against the drawn text is reported too. `--ocr-only` skips the
 * upload measurements.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import Tesseract from 'tesseract.js';
import { parseSuiteArgs } from './lib/args.js';
import { slaTargetFor } from '../../server/metrics/sla-targets.js';
import { ensureBuild } from './lib/ensure-build.js';
import { writeJson } from './lib/report.js';
import { startServerChild } from './lib/server-child.js';
import {
  a4Lines, a4Png, extract, measureMultipart, measureOcr, measureTus, receiptLines, receiptPng, stats, upload, type Client,
} from './suites/media-ocr.js';
import { compareContenders, plainContender, serverContender } from './suites/ocr-reference.js';
import { runMain } from './lib/run-main.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const apiKey = `bench-media-${process.pid}-0123456789`;
const USAGE = `Usage: npm run bench -- media [--quick] [--large-mb 200] [--reference] [--ocr-only] [--pages N] [--split-pages on|off] [--source <dir>]
  --split-pages   the server's JAN_OCR_SPLIT_PAGES (default: the server's default, on); 'both' runs a second
                  server with it off, and --reference then rotates between the two servers and plain tesseract.js
  --source <dir>  run the server from the TypeScript sources of a checkout under tsx (no build), e.g. an
                  export of another commit with a node_modules link`;
const values = parseSuiteArgs(USAGE, (args) =>
  parseArgs({
    args, strict: true,
    options: {
      quick: { type: 'boolean', default: false }, 'large-mb': { type: 'string', default: '200' }, reference: { type: 'boolean', default: false },
      'ocr-only': { type: 'boolean', default: false }, pages: { type: 'string' }, source: { type: 'string' }, 'split-pages': { type: 'string' },
    },
  }).values,
);
const quick = values.quick;
const n = (full: number, small: number) => (quick ? small : full);

const fmt = (value: number) => (Number.isFinite(value) ? value.toFixed(value >= 100 ? 0 : 1) : '-');

/** Plain tesseract.js: its default engine mode and the language data the server reads (installed, not the CDN). */
function plainWorker(): Promise<Tesseract.Worker> {
  const langPath = join(dirname(createRequire(import.meta.url).resolve('@tesseract.js-data/eng/package.json')), '4.0.0_best_int');
  return Tesseract.createWorker('eng', Tesseract.OEM.LSTM_ONLY, { langPath, cacheMethod: 'none', gzip: true });
}

/** `servers`: the server under test first; a second (`--split-pages both`) is the same server with splitting off. */
async function referenceRun(servers: { label: string; client: Client; cpuSeconds: () => number | undefined }[]): Promise<void> {
  const worker = await plainWorker();
  try {
    await worker.recognize(receiptPng(800_000)); // warm-up
    const pages = Number(values.pages ?? n(6, 3));
    process.stderr.write('bench: server vs plain tesseract.js, one page at a time, rotating\n');
    const contenders = [...servers.map(({ label, client, cpuSeconds }) => serverContender(label, client, cpuSeconds)), plainContender('plain tesseract.js', worker)];
    const a4 = await compareContenders(contenders, Array.from({ length: pages }, (_, i) => ({ png: a4Png(7000 + i), lines: a4Lines(7000 + i) })));
    const receipt = await compareContenders(contenders, Array.from({ length: pages * 2 }, (_, i) => ({ png: receiptPng(8000 + i), lines: receiptLines(8000 + i) })));
    const rows = [['image', 'side', 'n', 'p50 ms', 'p95 ms', 'CPU ms p50', 'char accuracy']];
    for (const [name, figures] of [['A4 150 dpi', a4], ['receipt', receipt]] as const) {
      const plain = figures.at(-1)!;
      for (const side of figures) rows.push([name, side.label, String(side.count), fmt(side.p50), fmt(side.p95), fmt(side.cpuP50 ?? NaN), side.accuracy.toFixed(4)]);
      for (const side of figures.slice(0, -1)) {
        rows.push([name, `${side.label}, its own duration_ms`, '', fmt(side.insideP50 ?? NaN), '', '', '']);
        const cpuRatio = side.cpuP50 !== undefined && plain.cpuP50 ? `${(side.cpuP50 / plain.cpuP50).toFixed(3)}x` : '';
        rows.push([name, `${side.label} / plain (p50)`, '', `${(side.p50 / plain.p50).toFixed(3)}x`, '', cpuRatio, '']);
      }
    }
    const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
    process.stdout.write(`\n${rows.map((row) => row.map((cell, c) => cell.padEnd(widths[c]!)).join('  ')).join('\n')}\n`);
    process.stdout.write(`load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} cores\n`);
    const file = join(root, 'test/load/results', `media-ocr-reference-${new Date().toISOString().replace(/:/g, '-')}.json`);
    writeJson(file, { suite: 'media-ocr', mode: 'reference', a4, receipt, machine: { cpus: cpus().length, load: loadavg() } });
  } finally {
    await worker.terminate();
  }
}

/** A root whose dist/server/main.js imports `<source>/server/main.ts` (run under tsx), for server-child. */
function sourceShim(source: string): { root: string; nodeArgs: string[] } {
  const shim = mkdtempSync(join(tmpdir(), 'jan-bench-media-shim-'));
  mkdirSync(join(shim, 'dist/server'), { recursive: true });
  writeFileSync(join(shim, 'dist/server/main.js'), `import(${JSON.stringify(pathToFileURL(join(resolve(source), 'server/main.ts')).href)});\n`);
  return { root: shim, nodeArgs: ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href] };
}

/** A server child on its own temp data folder, its OCR workers started (the first page on each pays ~1-2 s of loading). */
async function startBenchServer(fromSource: { root: string; nodeArgs: string[] } | undefined, splitPages: string | undefined) {
  const dataDir = mkdtempSync(join(tmpdir(), 'jan-bench-media-'));
  const server = await startServerChild({
    root: fromSource?.root ?? root, dataDir, apiKey, nodeArgs: fromSource?.nodeArgs ?? [], startTimeoutMs: 120_000,
    ...(splitPages && { env: { JAN_OCR_SPLIT_PAGES: splitPages } }),
  }).catch((error: unknown) => {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  });
  const client: Client = { url: server.url, apiKey };
  process.stderr.write(`bench: server ${server.url}${splitPages ? ` (split pages ${splitPages})` : ''}; warming up the OCR workers\n`);
  await Promise.all([0, 1].map(async (i) => extract(client, await upload(client, receiptPng(900_000 + i), 'warm.png'))));
  return { server, client, dataDir };
}

async function main(): Promise<void> {
  const fromSource = values.source ? sourceShim(values.source) : undefined;
  if (!fromSource) await ensureBuild(root);
  const split = values['split-pages'];
  const started: Awaited<ReturnType<typeof startBenchServer>>[] = [];
  try {
    started.push(await startBenchServer(fromSource, split === 'both' ? 'on' : split));
    if (split === 'both') started.push(await startBenchServer(fromSource, 'off'));
    const client = started[0]!.client;
    const labels = split === 'both' ? ['server, split on', 'server, split off'] : ['server extract-text'];
    if (values.reference) await referenceRun(started.map((s, i) => ({ label: labels[i]!, client: s.client, cpuSeconds: () => s.server.cpuSeconds() })));
    if (values['ocr-only'] && values.reference) return;

    process.stderr.write('bench: OCR, one request at a time\n');
    const receipt = await measureOcr(client, Array.from({ length: n(20, 5) }, (_, i) => receiptPng(i)), 1);
    const a4 = await measureOcr(client, Array.from({ length: n(8, 3) }, (_, i) => a4Png(i)), 1);
    process.stderr.write('bench: OCR throughput, 4 in flight\n');
    const pooled = await measureOcr(client, Array.from({ length: n(24, 8) }, (_, i) => receiptPng(1000 + i)), 4);
    const cachedId = await upload(client, receiptPng(5000), 'cached.png');
    await extract(client, cachedId);
    const cachedSamples: number[] = [];
    for (let i = 0; i < n(50, 10); i++) {
      const start = process.hrtime.bigint();
      await extract(client, cachedId);
      cachedSamples.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    const cached = stats(cachedSamples);

    process.stderr.write('bench: uploads\n');
    const small = await measureMultipart(client, 100 * 1024, n(50, 10));
    const medium = await measureMultipart(client, 5 * 1024 * 1024, n(10, 3));
    const large = await measureTus(client, Number(values['large-mb']) * 1024 * 1024, 32 * 1024 * 1024);

    const ocrTarget = slaTargetFor('POST', '/v1/media/files/:id/extract-text')!;
    const uploadTarget = slaTargetFor('POST', '/v1/media/upload')!;
    const rows = [
      ['extract-text, receipt 576 px (1 at a time)', receipt.count, receipt.p50, receipt.p95, `${fmt(receipt.rps)} RPS`, `p50 ${ocrTarget.latencyMs!.p50} / p95 ${ocrTarget.latencyMs!.p95} ms`],
      ['extract-text, A4 page 150 dpi (1 at a time)', a4.count, a4.p50, a4.p95, `${fmt(a4.rps)} RPS`, `p50 ${ocrTarget.latencyMs!.p50} / p95 ${ocrTarget.latencyMs!.p95} ms`],
      ['extract-text, receipt (4 in flight, pool of 2)', pooled.count, pooled.p50, pooled.p95, `${fmt(pooled.rps)} RPS`, `${ocrTarget.throughputRps.min} RPS`],
      ['extract-text, cache hit', cached.count, cached.p50, cached.p95, '', ''],
      ['upload 100 KB multipart', small.count, small.p50, small.p95, `${fmt(small.mbPerSec)} MB/s`, `p50 ${uploadTarget.latencyMs!.p50} ms`],
      ['upload 5 MB multipart', medium.count, medium.p50, medium.p95, `${fmt(medium.mbPerSec)} MB/s`, `p50 ${uploadTarget.latencyMs!.p50} ms`],
      [`upload ${values['large-mb']} MB tus (32 MB chunks)`, 1, large.seconds * 1000, large.seconds * 1000, `${fmt(large.mbPerSec)} MB/s`, '5 min per request'],
    ] as const;
    const header = ['scenario', 'n', 'p50 ms', 'p95 ms', 'throughput', 'guide target'];
    const table = [header, ...rows.map((r) => [r[0], String(r[1]), fmt(r[2]), fmt(r[3]), r[4], r[5]])];
    const widths = header.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
    process.stdout.write(`\n${table.map((row) => row.map((cell, c) => cell.padEnd(widths[c]!)).join('  ')).join('\n')}\n`);
    process.stdout.write(`\n${cpus().length} cores (${cpus()[0]?.model}), load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
    const file = join(root, 'test/load/results', `media-ocr-${new Date().toISOString().replace(/:/g, '-')}.json`);
    writeJson(file, { suite: 'media-ocr', quick, receipt, a4, pooled, cached, small, medium, large, machine: { cpus: cpus().length, load: loadavg() } });
    process.stdout.write(`Saved ${file}\n`);
  } finally {
    for (const { server, dataDir } of started) {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
    if (fromSource) rmSync(fromSource.root, { recursive: true, force: true });
  }
}

runMain(main);

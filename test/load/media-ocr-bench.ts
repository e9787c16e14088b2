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
 * language data the server uses, tesseract.js's defaults otherwise) reads the same PNGs, alternating with
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
import { startServerChild, type ServerChild } from './lib/server-child.js';
import {
  a4Lines, a4Png, characterAccuracy, extract, measureMultipart, measureOcr, measureTus, receiptLines, receiptPng, stats, upload, type Client,
} from './suites/media-ocr.js';
import { runMain } from './lib/run-main.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const apiKey = `bench-media-${process.pid}-0123456789`;
const USAGE = `Usage: npm run bench -- media [--quick] [--large-mb 200] [--reference] [--ocr-only] [--pages N] [--split-pages on|off] [--source <dir>]
  --split-pages   the server's JAN_OCR_SPLIT_PAGES (default: the server's default, on)
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

interface Side {
  samplesMs: number[];
  accuracy: number[];
}

/**
 * Server (extract-text, upload untimed) and plain tesseract.js on the same images, one at a time, the
 * order alternating per image so that neither side always runs right after the other.
 */
async function compareWithReference(client: Client, worker: Tesseract.Worker, images: { png: Buffer; lines: string[] }[]) {
  const server: Side = { samplesMs: [], accuracy: [] };
  const reference: Side = { samplesMs: [], accuracy: [] };
  /** The server's own duration_ms (file read to text, queue included): the rest of a call is HTTP. */
  const serverInside: number[] = [];
  for (const [i, { png, lines }] of images.entries()) {
    const id = await upload(client, png, `ref-${i}.png`);
    const runServer = async () => {
      const start = performance.now();
      const { text, duration_ms: inside } = (await extract(client, id)) as unknown as { text: string; duration_ms: number };
      server.samplesMs.push(performance.now() - start);
      server.accuracy.push(characterAccuracy(text, lines));
      serverInside.push(inside);
    };
    const runReference = async () => {
      const start = performance.now();
      const { data } = await worker.recognize(png);
      reference.samplesMs.push(performance.now() - start);
      reference.accuracy.push(characterAccuracy(data.text, lines));
    };
    for (const run of i % 2 === 0 ? [runServer, runReference] : [runReference, runServer]) await run();
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    server: { ...stats(server.samplesMs), accuracy: mean(server.accuracy), insideP50: stats(serverInside).p50 },
    reference: { ...stats(reference.samplesMs), accuracy: mean(reference.accuracy) },
  };
}

/** Plain tesseract.js: its default engine mode and the language data the server reads (installed, not the CDN). */
function plainWorker(): Promise<Tesseract.Worker> {
  const langPath = join(dirname(createRequire(import.meta.url).resolve('@tesseract.js-data/eng/package.json')), '4.0.0_best_int');
  return Tesseract.createWorker('eng', Tesseract.OEM.LSTM_ONLY, { langPath, cacheMethod: 'none', gzip: true });
}

async function referenceRun(client: Client): Promise<void> {
  const worker = await plainWorker();
  try {
    await worker.recognize(receiptPng(800_000)); // warm-up
    const pages = Number(values.pages ?? n(6, 3));
    process.stderr.write('bench: server vs plain tesseract.js, one page at a time, alternating\n');
    const a4 = await compareWithReference(client, worker, Array.from({ length: pages }, (_, i) => ({ png: a4Png(7000 + i), lines: a4Lines(7000 + i) })));
    const receipt = await compareWithReference(client, worker, Array.from({ length: pages * 2 }, (_, i) => ({ png: receiptPng(8000 + i), lines: receiptLines(8000 + i) })));
    const rows = [['image', 'side', 'n', 'p50 ms', 'p95 ms', 'char accuracy']];
    for (const [name, r] of [['A4 150 dpi', a4], ['receipt', receipt]] as const) {
      for (const side of ['server', 'reference'] as const) {
        rows.push([name, side === 'server' ? 'server extract-text' : 'plain tesseract.js', String(r[side].count), fmt(r[side].p50), fmt(r[side].p95), r[side].accuracy.toFixed(4)]);
      }
      rows.push([name, 'server, its own duration_ms', '', fmt(r.server.insideP50), '', '']);
      rows.push([name, 'server / plain (p50)', '', `${(r.server.p50 / r.reference.p50).toFixed(3)}x`, '', '']);
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

async function main(): Promise<void> {
  const fromSource = values.source ? sourceShim(values.source) : undefined;
  if (!fromSource) await ensureBuild(root);
  const dataDir = mkdtempSync(join(tmpdir(), 'jan-bench-media-'));
  let server: ServerChild | undefined;
  try {
    server = await startServerChild({
      root: fromSource?.root ?? root, dataDir, apiKey, nodeArgs: fromSource?.nodeArgs ?? [], startTimeoutMs: 120_000,
      ...(values['split-pages'] && { env: { JAN_OCR_SPLIT_PAGES: values['split-pages'] } }),
    });
    const client: Client = { url: server.url, apiKey };
    process.stderr.write(`bench: server ${server.url}; warming up the OCR workers\n`);
    // Start both workers (the first request on each pays ~1-2 s of loading) before measuring.
    await Promise.all([0, 1].map(async (i) => extract(client, await upload(client, receiptPng(900_000 + i), 'warm.png'))));
    if (values.reference) await referenceRun(client);
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
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    if (fromSource) rmSync(fromSource.root, { recursive: true, force: true });
  }
}

runMain(main);

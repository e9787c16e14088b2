/**
 * Media and OCR measurements against a running server: the test images (a receipt, an A4 page at 150 dpi),
 * timed extract-text calls (each on new content, so the OCR cache never answers — except where the cache
 * itself is measured), throughput with several requests in flight, and upload throughput (multipart and tus).
 */
import * as tus from 'tus-js-client';
import { renderText } from '../../support/media-fixtures.js';

export interface Client {
  url: string;
  apiKey: string;
}

export interface LatencyStats {
  count: number;
  p50: number;
  p95: number;
  max: number;
}

const WORDS = 'the quarterly revenue report shows steady growth across all regions with strong demand for new products and services'.split(' ');

function line(n: number, words: number): string {
  return Array.from({ length: words }, (_, i) => WORDS[(n * 7 + i * 3) % WORDS.length]).join(' ');
}

/** The text of receipt `n` (what receiptPng draws), for accuracy figures. */
export function receiptLines(n: number): string[] {
  const lines = ['CORNER SHOP LTD', `Receipt no. ${100000 + n}`, '2025-03-14 12:41', ''];
  for (let i = 0; i < 14; i++) lines.push(`${WORDS[(n + i) % WORDS.length]!.toUpperCase()} x${1 + (i % 3)}   ${(1.25 * (i + 1)).toFixed(2)}`);
  lines.push('', `TOTAL   ${(n % 97) + 42.5}`, 'THANK YOU');
  return lines;
}

/** A till receipt: 576 px wide (80 mm paper at ~180 dpi), ~22 lines; `n` makes each one different. */
export function receiptPng(n: number): Buffer {
  return renderText(receiptLines(n), { width: 576, fontSize: 22, margin: 24 }).toBuffer('image/png');
}

/** The text of A4 page `n` (what a4Png draws). */
export function a4Lines(n: number): string[] {
  const lines = [`Report ${n}: regional summary`, ''];
  for (let i = 0; i < 44; i++) lines.push(line(n + i, 11));
  return lines;
}

/** A full A4 page of body text at 150 dpi (1240 × 1754 px, 11-pt-like text, ~45 lines). */
export function a4Png(n: number): Buffer {
  return renderText(a4Lines(n), { width: 1240, height: 1754, fontSize: 23, margin: 110 }).toBuffer('image/png');
}

/** Character accuracy: 1 − edit distance / length of the expected text, whitespace runs counted as one space. */
export function characterAccuracy(actual: string, expected: readonly string[]): number {
  const a = actual.replace(/\s+/g, ' ').trim();
  const b = expected.join(' ').replace(/\s+/g, ' ').trim();
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    previous = current;
  }
  return b.length === 0 ? 1 : Math.max(0, 1 - previous[b.length]! / b.length);
}

export function stats(samplesMs: readonly number[]): LatencyStats {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
  return { count: sorted.length, p50: at(50), p95: at(95), max: sorted.at(-1) ?? NaN };
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = process.hrtime.bigint();
  const value = await work();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, value };
}

async function expectOk(response: Response, what: string): Promise<unknown> {
  const body = await response.text();
  if (!response.ok) throw new Error(`${what} answered ${response.status}: ${body.slice(0, 300)}`);
  return JSON.parse(body);
}

export async function upload(client: Client, data: Uint8Array, name: string): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([data]), name);
  const response = await fetch(`${client.url}/v1/media/upload`, { method: 'POST', headers: { authorization: `Bearer ${client.apiKey}` }, body: form });
  return ((await expectOk(response, 'upload')) as { id: string }).id;
}

export async function extract(client: Client, id: string): Promise<{ text: string; cached: boolean }> {
  const response = await fetch(`${client.url}/v1/media/files/${id}/extract-text`, {
    method: 'POST', headers: { authorization: `Bearer ${client.apiKey}`, 'content-type': 'application/json' }, body: '{}',
  });
  return (await expectOk(response, 'extract-text')) as { text: string; cached: boolean };
}

/** Runs `jobs` with at most `concurrency` in flight; returns each one's latency and the wall time. */
export async function runConcurrent(jobs: (() => Promise<unknown>)[], concurrency: number): Promise<{ samplesMs: number[]; wallSec: number }> {
  const samplesMs: number[] = [];
  let next = 0;
  const start = process.hrtime.bigint();
  const lane = async () => {
    while (next < jobs.length) {
      const job = jobs[next++]!;
      samplesMs.push((await timed(job)).ms);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return { samplesMs, wallSec: Number(process.hrtime.bigint() - start) / 1e9 };
}

/** Extract-text latency for `images` (uploaded first, untimed), `concurrency` at a time. */
export async function measureOcr(client: Client, images: Buffer[], concurrency: number) {
  const ids: string[] = [];
  for (const [i, image] of images.entries()) ids.push(await upload(client, image, `bench-${i}.png`));
  const { samplesMs, wallSec } = await runConcurrent(ids.map((id) => () => extract(client, id)), concurrency);
  return { ...stats(samplesMs), rps: ids.length / wallSec };
}

/** Multipart upload latency and MB/s for `count` distinct files of `bytes` each, one at a time. */
export async function measureMultipart(client: Client, bytes: number, count: number) {
  const files = Array.from({ length: count }, () => printable(bytes));
  const { samplesMs, wallSec } = await runConcurrent(files.map((data, i) => () => upload(client, data, `up-${i}.txt`)), 1);
  return { ...stats(samplesMs), mbPerSec: (bytes * count) / 1e6 / wallSec };
}

/** One resumable upload of `bytes` through tus-js-client in `chunkBytes` PATCHes; MB/s end to end. */
export async function measureTus(client: Client, bytes: number, chunkBytes: number) {
  const data = printable(bytes);
  const { ms, value: fileId } = await timed(
    () =>
      new Promise<string>((resolve, reject) => {
        const u = new tus.Upload(data, {
          endpoint: `${client.url}/v1/media/uploads`,
          headers: { authorization: `Bearer ${client.apiKey}` },
          chunkSize: chunkBytes,
          retryDelays: null,
          metadata: { filename: 'large.txt' },
          onSuccess: ({ lastResponse }) => resolve(lastResponse.getHeader('Media-File-Id') ?? ''),
          onError: reject,
        });
        u.start();
      }),
  );
  if (!fileId.startsWith('jan_')) throw new Error('the tus upload did not return a media file id');
  return { bytes, seconds: ms / 1000, mbPerSec: bytes / 1e6 / (ms / 1000) };
}

/** Random printable bytes (stored as text/plain), different every call so nothing is deduplicated. */
export function printable(bytes: number): Buffer {
  const seed = Buffer.from(crypto.getRandomValues(new Uint8Array(4096)).map((b) => 33 + (b % 94)));
  return Buffer.alloc(bytes, seed);
}

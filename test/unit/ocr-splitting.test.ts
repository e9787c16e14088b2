/**
 * Page splitting in front of the real tesseract.js pool (two workers): an idle pool reads one page in bands,
 * with the same words in the same order; a busy pool reads pages whole; cancelling a split page stops its
 * bands. Functional only: how much faster bands are is measured by `npm run bench -- media --reference`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PageSplitter } from '../../server/ocr/page-splitter.js';
import { SplittingOcr } from '../../server/ocr/splitting-ocr.js';
import { findInstalledLanguages, prepareLangPath } from '../../server/ocr/tesseract-languages.js';
import { TesseractPool } from '../../server/ocr/tesseract-pool.js';
import { encodeImage, renderText } from '../support/media-fixtures.js';

const words = (text: string) => text.toLowerCase().split(/\W+/).filter(Boolean);
const WORDS = ['invoice', 'apples', 'pears', 'total', 'shipping', 'thank', 'you', 'order', 'number', 'paid'];
const pageLines = (n: number) => Array.from({ length: 14 }, (_, i) => `${WORDS[(n + i) % 10]} ${WORDS[(n + i * 3) % 10]} ${WORDS[(n + i * 7) % 10]} ${i + 1}`);
const page = (n: number) => encodeImage(renderText(pageLines(n), { width: 640, fontSize: 26, margin: 24 }), 'png');

describe('SplittingOcr', () => {
  let dir: string;
  let pool: TesseractPool;
  let ocr: SplittingOcr;
  let freeCores = 2;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'jan-ocr-split-'));
    const languages = findInstalledLanguages();
    pool = new TesseractPool({ size: 2, langPath: prepareLangPath(dir, languages), installedLanguages: ['eng'], queueLimit: 10 });
    // Two free cores whatever the machine is doing (the measured headroom is tested in ocr-cpu-headroom.test.ts).
    const headroom = { mark: () => ({ idleMs: 0, totalMs: 0, processMs: 0 }), freeCoresSince: () => freeCores };
    ocr = new SplittingOcr(pool, new PageSplitter(), { minPixels: 100_000, headroom });
  });
  afterAll(async () => {
    await ocr.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts the whole pool on the first page, then reads an idle pool\'s page in bands, words in order', async () => {
    const first = await ocr.recognize(page(1), ['eng']);
    expect(words(first.text)).toEqual(words(pageLines(1).join(' ')));
    await vi.waitFor(() => expect(pool.idleWorkers(['eng'])).toBe(2), { timeout: 30_000 });
    const before = ocr.pagesSplit;
    const result = await ocr.recognize(page(2), ['eng']);
    expect(ocr.pagesSplit).toBe(before + 1);
    expect(words(result.text)).toEqual(words(pageLines(2).join(' ')));
    expect(result.confidence).toBeGreaterThan(0.8);
    expect(result.confidence).toBeLessThanOrEqual(1);
  }, 60_000);

  it('reads pages whole while others wait for a worker, and small or non-PNG pages always whole', async () => {
    await vi.waitFor(() => expect(pool.idleWorkers(['eng'])).toBe(2), { timeout: 30_000 });
    const before = ocr.pagesSplit;
    const results = await Promise.all([3, 4, 5].map((n) => ocr.recognize(page(n), ['eng'])));
    expect(results.map((r) => words(r.text))).toEqual([3, 4, 5].map((n) => words(pageLines(n).join(' '))));
    // the first may be split (the pool was idle); the others found it busy or a page waiting
    expect(ocr.pagesSplit - before).toBeLessThanOrEqual(1);

    const splitBefore = ocr.pagesSplit;
    const jpeg = encodeImage(renderText(pageLines(6), { width: 640, fontSize: 26, margin: 24 }), 'jpeg');
    expect(words((await ocr.recognize(jpeg, ['eng'])).text)).toEqual(words(pageLines(6).join(' ')));
    const small = encodeImage(renderText(['small', 'label'], { width: 200, fontSize: 26 }), 'png');
    expect(words((await ocr.recognize(small, ['eng'])).text)).toEqual(['small', 'label']);
    expect(ocr.pagesSplit).toBe(splitBefore);
  }, 60_000);

  it('reads a page whole when the machine has fewer than two free cores, idle workers or not', async () => {
    await vi.waitFor(() => expect(pool.idleWorkers(['eng'])).toBe(2), { timeout: 30_000 });
    const before = ocr.pagesSplit;
    freeCores = 1.2;
    try {
      expect(words((await ocr.recognize(page(9), ['eng'])).text)).toEqual(words(pageLines(9).join(' ')));
    } finally {
      freeCores = 2;
    }
    expect(ocr.pagesSplit).toBe(before);
  }, 60_000);

  it('stops every band of a page whose caller gives up', async () => {
    await vi.waitFor(() => expect(pool.idleWorkers(['eng'])).toBe(2), { timeout: 30_000 });
    const controller = new AbortController();
    const before = ocr.pagesSplit;
    const reading = ocr.recognize(page(7), ['eng'], { signal: controller.signal });
    await vi.waitFor(() => expect(pool.busyWorkers).toBe(2));
    expect(ocr.pagesSplit).toBe(before + 1);
    controller.abort(new Error('client left'));
    await expect(reading).rejects.toThrow('client left');
    await vi.waitFor(() => expect(pool.busyWorkers).toBe(0));
    expect(pool.workerCount).toBe(0); // both bands' workers were stopped mid-page
    expect(words((await ocr.recognize(page(8), ['eng'])).text)).toEqual(words(pageLines(8).join(' ')));
  }, 60_000);
});

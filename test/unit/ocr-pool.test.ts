/** The tesseract.js pool with real workers on real images (one worker; a few seconds): reading, failures, cancellation, recycling. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker as ThreadWorker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { OcrBusyError, OcrEngineError, OcrInputError } from '../../server/ocr/ocr-engine.js';
import { findInstalledLanguages, prepareLangPath } from '../../server/ocr/tesseract-languages.js';
import { TesseractPool } from '../../server/ocr/tesseract-pool.js';
import { encodeImage, renderText, type ImageFormat } from '../support/media-fixtures.js';

const words = (text: string) => text.toLowerCase().split(/\W+/).filter(Boolean);

describe('TesseractPool', () => {
  let dir: string;
  let pool: TesseractPool;
  const canvas = renderText(['Invoice total 42 apples', 'Thank you for shopping'], { width: 560, height: 130, fontSize: 30, margin: 16 });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'jan-ocr-'));
    const languages = findInstalledLanguages();
    pool = new TesseractPool({ size: 1, langPath: prepareLangPath(dir, languages), installedLanguages: languages.map((l) => l.code), queueLimit: 3 });
  });
  afterAll(async () => {
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds the English data installed from @tesseract.js-data/eng', () => {
    expect(pool.installedLanguages).toEqual(['eng']);
  });

  it('reads the same words from every supported image format', async () => {
    for (const format of ['png', 'jpeg', 'webp', 'bmp', 'tiff', 'gif'] as ImageFormat[]) {
      const result = await pool.recognize(encodeImage(canvas, format), ['eng']);
      expect({ format, words: words(result.text) }).toEqual({ format, words: ['invoice', 'total', '42', 'apples', 'thank', 'you', 'for', 'shopping'] });
      expect(result.confidence).toBeGreaterThan(0.8);
      expect(result.confidence).toBeLessThanOrEqual(1);
    }
  }, 60_000); // six pages: far more than the default 20 s allows on a loaded 2-core machine

  it('rejects a corrupt image as bad input and keeps the worker', async () => {
    const png = encodeImage(canvas, 'png');
    await expect(pool.recognize(Buffer.concat([png.subarray(0, 40), Buffer.alloc(200, 7)]), ['eng'])).rejects.toThrow(OcrInputError);
    expect(words((await pool.recognize(png, ['eng'])).text)).toContain('apples');
    expect(pool.workerCount).toBe(1);
  });

  it('replaces a worker whose thread dies under a page', async () => {
    const png = encodeImage(canvas, 'png');
    const running = pool.recognize(png, ['eng']);
    await new Promise((resolve) => setTimeout(resolve, 20));
    // Kill the worker thread the way a crash would, without telling the pool.
    const slots = (pool as unknown as { slots: { worker?: { worker: ThreadWorker } }[] }).slots;
    await slots[0]!.worker!.worker.terminate();
    await expect(running).rejects.toThrow(OcrEngineError);
    expect(words((await pool.recognize(png, ['eng'])).text)).toContain('shopping');
  });

  it('drops a waiting page whose signal aborts, and stops a running one by terminating its worker', async () => {
    const png = encodeImage(canvas, 'png');
    const lines = Array.from({ length: 40 }, (_, i) => `line ${i} of a long page that keeps the worker busy for a while`);
    const page = encodeImage(renderText(lines, { width: 1240, height: 1754, fontSize: 24 }), 'png');
    expect(pool.workerCount).toBe(1);
    const running = new AbortController();
    const waiting = new AbortController();
    const first = pool.recognize(page, ['eng'], { signal: running.signal });
    const second = pool.recognize(png, ['eng'], { signal: waiting.signal });
    expect([pool.busyWorkers, pool.queueDepth]).toEqual([1, 1]);
    waiting.abort(new Error('left the queue'));
    await expect(second).rejects.toThrow('left the queue');
    expect(pool.queueDepth).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 50)); // the first page is being read now
    running.abort(new Error('stopped mid-page'));
    await expect(first).rejects.toThrow('stopped mid-page');
    expect(pool.workerCount).toBe(0); // tesseract.js cannot stop a recognize: its worker is gone
    await vi.waitFor(() => expect(pool.busyWorkers).toBe(0));
    expect(words((await pool.recognize(png, ['eng'])).text)).toContain('apples'); // on a fresh worker
    expect(pool.workerCount).toBe(1);
    await expect(pool.recognize(png, ['eng'], { signal: AbortSignal.abort(new Error('too late')) })).rejects.toThrow('too late');
  });

  it('says busy past the queue limit, and refuses languages without data', async () => {
    const png = encodeImage(canvas, 'png');
    const accepted = [pool.recognize(png, ['eng']), pool.recognize(png, ['eng']), pool.recognize(png, ['eng']), pool.recognize(png, ['eng'])];
    await expect(pool.recognize(png, ['eng'])).rejects.toThrow(OcrBusyError);
    await Promise.all(accepted);
    await expect(pool.recognize(png, ['fra'])).rejects.toThrow(/No language data for 'fra'/);
  });
});

describe('TesseractPool recycling', () => {
  let dir: string;
  let pool: TesseractPool;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'jan-ocr-'));
    const languages = findInstalledLanguages();
    const langPath = prepareLangPath(dir, languages);
    pool = new TesseractPool({ size: 1, langPath, installedLanguages: languages.map((l) => l.code), queueLimit: 3, recycleAbovePixels: 50_000, recycleIdleMs: 200 });
  });
  afterAll(async () => {
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps a worker after small images, and replaces it once idle for recycleIdleMs after one over recycleAbovePixels', async () => {
    const small = encodeImage(renderText(['small receipt'], { width: 300, height: 80, fontSize: 30, margin: 10 }), 'png'); // 24,000 px
    expect(words((await pool.recognize(small, ['eng'])).text)).toEqual(['small', 'receipt']);
    expect(pool.workerCount).toBe(1);
    const large = encodeImage(renderText(['a larger page of text'], { width: 600, height: 120, fontSize: 36, margin: 20 }), 'png'); // 72,000 px
    const both = await Promise.all([pool.recognize(large, ['eng']), pool.recognize(small, ['eng'])]);
    expect(both.map((result) => words(result.text))).toEqual([['a', 'larger', 'page', 'of', 'text'], ['small', 'receipt']]);
    expect(pool.workerCount).toBe(1); // idle only since this very turn
    await vi.waitFor(() => expect(pool.workerCount).toBe(0));
    expect(words((await pool.recognize(small, ['eng'])).text)).toEqual(['small', 'receipt']);
    expect(pool.workerCount).toBe(1);
  });
});

/** The tesseract.js pool with real workers on real images (one worker; a few seconds). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker as ThreadWorker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  });

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

  it('says busy past the queue limit, and refuses languages without data', async () => {
    const png = encodeImage(canvas, 'png');
    const accepted = [pool.recognize(png, ['eng']), pool.recognize(png, ['eng']), pool.recognize(png, ['eng']), pool.recognize(png, ['eng'])];
    await expect(pool.recognize(png, ['eng'])).rejects.toThrow(OcrBusyError);
    await Promise.all(accepted);
    await expect(pool.recognize(png, ['fra'])).rejects.toThrow(/No language data for 'fra'/);
  });
});

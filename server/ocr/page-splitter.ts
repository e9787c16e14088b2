/**
 * Client of the page-split worker thread (page-split-worker.ts): `split(image, parts)` resolves with the
 * page's bands as PNM images, or with none when the page stays whole — because it has no gap to cut in,
 * it is not a PNG the worker decodes, the worker failed or took too long. Splitting is an optimisation, so every
 * failure means "read the page whole", never an error. The worker starts on first use and is kept.
 */
import type { Worker } from 'node:worker_threads';
import type { SplitAnswer, SplitRequest } from './page-split-worker.js';
import { spawnSiblingWorker } from '../threads/spawn-worker.js';

export type SplitBand = SplitAnswer['bands'][number];

export interface PageSplitterOptions {
  /** Longest one split may take, worker start included, in ms (default 10,000). */
  timeoutMs?: number;
  /** Heap limit of the worker thread in MiB (default 512). */
  heapLimitMb?: number;
}

/** White rows around each band: tesseract reads text that touches the image's edge less well. */
const BAND_PAD_ROWS = 16;

export class PageSplitter {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, (bands: SplitBand[]) => void>();
  private nextId = 1;

  constructor(private readonly options: PageSplitterOptions = {}) {}

  /** Bands for at most `parts` workers; none when the page stays whole (also for images over `maxPixels`). */
  split(image: Uint8Array, parts: number, maxPixels = 16_000_000): Promise<SplitBand[]> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => void this.kill(), this.options.timeoutMs ?? 10_000);
      timer.unref();
      this.pending.set(id, (bands) => {
        clearTimeout(timer);
        this.pending.delete(id);
        resolve(bands);
      });
      this.ensureWorker().postMessage({ id, image, parts, pad: BAND_PAD_ROWS, maxPixels } satisfies SplitRequest);
    });
  }

  async close(): Promise<void> {
    await this.kill();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = spawnSiblingWorker(import.meta.url, 'page-split-worker', {
      resourceLimits: { maxOldGenerationSizeMb: this.options.heapLimitMb ?? 512 },
    });
    worker.on('message', (answer: SplitAnswer) => this.pending.get(answer.id)?.(answer.bands));
    const died = () => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      for (const done of [...this.pending.values()]) done([]);
    };
    worker.on('error', died);
    worker.on('exit', died);
    worker.unref();
    this.worker = worker;
    return worker;
  }

  /** Stops the worker; the splits waiting on it resolve with no bands (their pages are read whole). */
  private async kill(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    for (const done of [...this.pending.values()]) done([]);
    await worker?.terminate();
  }
}

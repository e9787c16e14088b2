/**
 * Reads one large page on several OCR workers at once. tesseract.js runs tesseract's single-threaded WASM
 * build, so one page on one worker uses one core however many are idle. When the pool has idle workers
 * and no page waiting, a page is cut into horizontal bands at blank rows (page-splitter.ts, in a worker
 * thread), the bands are read in parallel, and their texts joined in order. When pages are waiting, each
 * page goes whole to one worker (throughput: bands would only add work), and so does a page that arrives
 * while other work keeps the cores busy (cpu-headroom.ts): a page gets at most one band per free core.
 *
 * Only PNG pages are split (scanned PDF pages are rendered as PNG): they are decoded in JavaScript, since
 * the canvas crashes the process on corrupt files, and other formats are read whole as before. Only pages
 * of at least `minPixels` are split: below that the split costs more than it saves. The first split-worthy page
 * starts the rest of the pool in the background, so that the next pages find idle workers.
 */
import { cpus } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { CpuHeadroom, type Headroom } from './cpu-headroom.js';
import type { OcrEngine, OcrPageResult, RecognizeOptions } from './ocr-engine.js';
import { pixelsOf } from './image-pixels.js';
import type { PageSplitter, SplitBand } from './page-splitter.js';
import type { TesseractPool } from './tesseract-pool.js';

export interface SplittingOcrOptions {
  /** Smallest page (width × height) worth splitting (default 250,000: a till receipt, not a label). */
  minPixels?: number;
  /** Largest page split (default 16,000,000); larger ones are read whole, as the pool's budget allows. */
  maxPixels?: number;
  /** Free cores (default: measured on this machine, see cpu-headroom.ts); a page gets at most one band per free core. */
  headroom?: Headroom;
}

/** Shortest window the free cores are measured over, in ms (os.cpus() counts in 10 ms ticks). */
const MIN_WINDOW_MS = 40;
/** Fewer free cores than this: the bands would wait for each other's cores, so the page is read whole. */
const MIN_FREE_CORES = 1.5;

export class SplittingOcr implements OcrEngine {
  /** Pages read in bands since start (for tests and metrics). */
  pagesSplit = 0;
  /** Idle workers promised to pages being cut now (so that pages arriving together do not all split). */
  private claimed = 0;
  private readonly headroom: Headroom;

  constructor(
    private readonly pool: TesseractPool,
    private readonly splitter: PageSplitter,
    private readonly options: SplittingOcrOptions = {},
  ) {
    this.headroom = options.headroom ?? new CpuHeadroom(cpus().length);
  }

  get installedLanguages(): readonly string[] {
    return this.pool.installedLanguages;
  }

  get queueDepth(): number {
    return this.pool.queueDepth;
  }

  get busyWorkers(): number {
    return this.pool.busyWorkers;
  }

  async recognize(image: Uint8Array, languages: readonly string[], options: RecognizeOptions = {}): Promise<OcrPageResult> {
    const parts = this.partsFor(image, languages);
    let bands: SplitBand[] = [];
    let freeCores = 0;
    if (parts >= 2) {
      this.claimed += parts;
      try {
        const mark = this.headroom.mark();
        const started = performance.now();
        bands = await this.splitter.split(image, parts, this.options.maxPixels ?? 16_000_000);
        // The cut is the window the free cores are measured over; a few clock ticks at least.
        if (bands.length >= 2) await sleep(MIN_WINDOW_MS - (performance.now() - started));
        freeCores = this.headroom.freeCoresSince(mark);
      } finally {
        this.claimed -= parts;
      }
    }
    if (options.signal?.aborted) throw options.signal.reason;
    // Cores kept busy by other work, or pages that came in meanwhile and wait for a worker: read it whole.
    if (bands.length < 2 || freeCores < MIN_FREE_CORES || this.pool.queueDepth > 0 || this.pool.idleWorkers(languages) < 2) {
      return this.pool.recognize(image, languages, options);
    }
    this.pagesSplit++;
    // A band that fails fails the page; the others are left to finish (stopping them would cost their workers).
    const results = await Promise.all(bands.map((band) => this.pool.recognize(band.image, languages, options)));
    return joinBands(bands, results);
  }

  close(): Promise<void> {
    return Promise.all([this.splitter.close(), this.pool.close()]).then(() => undefined);
  }

  /** How many bands to cut `image` into now: one (read it whole) unless workers are idle and nothing waits. */
  private partsFor(image: Uint8Array, languages: readonly string[]): number {
    if (!splittable(image)) return 1;
    const pixels = pixelsOf(image);
    if (pixels < (this.options.minPixels ?? 250_000) || pixels > (this.options.maxPixels ?? 16_000_000)) return 1;
    this.pool.warmUp(languages);
    if (this.pool.queueDepth > 0) return 1;
    return this.pool.idleWorkers(languages) - this.claimed;
  }
}

/** The bands' texts in order (a blank line where the cut was a paragraph break); confidence weighted by text. */
function joinBands(bands: readonly SplitBand[], results: readonly OcrPageResult[]): OcrPageResult {
  let text = '';
  let weighted = 0;
  let weights = 0;
  results.forEach((result, i) => {
    const part = result.text.trim();
    const weight = part.replace(/\s/g, '').length;
    weighted += result.confidence * weight;
    weights += weight;
    if (part === '') return;
    text += text === '' ? part : `${bands[i]!.paragraphBefore ? '\n\n' : '\n'}${part}`;
  });
  const confidence = weights > 0 ? weighted / weights : results.reduce((sum, result) => sum + result.confidence, 0) / results.length;
  return { text: `${text}\n`, confidence };
}

/** A PNG, by its signature. */
function splittable(image: Uint8Array): boolean {
  return [0x89, 0x50, 0x4e, 0x47].every((byte, i) => image[i] === byte);
}

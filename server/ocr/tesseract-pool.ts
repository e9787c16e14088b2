/**
 * A pool of long-lived tesseract.js workers (each a worker thread running tesseract's WASM build) behind
 * `OcrEngine`. Pages queue FIFO (bounded: past `queueLimit` callers get `OcrBusyError`) and run one per
 * worker, so `size` pages are recognised in parallel.
 *
 * Workers start on first use (each takes ~1–2 s to load its language data) and are kept. Offline by
 * construction: language data comes from `langPath` (installed packages, see tesseract-languages.ts) with
 * `cacheMethod: 'none'`, and every language is checked against that folder before a worker is asked for
 * it — a wrong path would otherwise leave worker creation pending forever, and tesseract.js's CDN fallback
 * throws from a message handler (crashing the process) unless an `errorHandler` is given, which it always is.
 *
 * A worker that dies (its thread exits) or takes longer than `jobTimeoutMs` is terminated; its page fails
 * and the slot starts a fresh worker for the next page. A page whose `signal` aborts leaves the queue, or,
 * when it is running, has its worker terminated the same way (tesseract.js cannot stop a recognize), so no
 * CPU is spent on it afterwards. `close()` terminates every worker and fails the queued pages.
 *
 * Memory: tesseract's WASM heap grows to fit the largest image a worker has read and never shrinks (~14 MB
 * per megapixel). A worker that has read an image over `recycleAbovePixels` is terminated once it has been
 * idle for `recycleIdleMs` (so a run of large pages keeps it), and any worker after `recycleAfterPages`
 * pages; the next page starts a fresh one.
 *
 * `idleWorkers` and `warmUp` serve page splitting (splitting-ocr.ts): it reads one page in bands on the
 * workers that are idle, and starts the rest of the pool early so that they are.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Worker as ThreadWorker } from 'node:worker_threads';
import Tesseract from 'tesseract.js';
import { OcrBusyError, OcrEngineError, OcrInputError, type OcrEngine, type OcrPageResult, type RecognizeOptions } from './ocr-engine.js';
import { pixelsOf } from './image-pixels.js';

export interface TesseractPoolOptions {
  /** Most workers (and so pages recognised at once). */
  size: number;
  /** Folder with `<code>.traineddata.gz` for every installed language. */
  langPath: string;
  installedLanguages: readonly string[];
  /** Most pages waiting for a worker; more get `OcrBusyError`. */
  queueLimit: number;
  /** Longest one page may take, in ms (default 60,000). */
  jobTimeoutMs?: number;
  /** Longest a worker may take to start, in ms (default 30,000). */
  startTimeoutMs?: number;
  /** Called with the number of waiting pages whenever it changes (for a queue-depth gauge). */
  onQueueDepth?: (depth: number) => void;
  /** Called with what tesseract reports as errors (they are also rejected to the caller). */
  onWorkerError?: (message: string) => void;
  /** A worker that has read an image of more pixels than this is replaced once idle (default 4,000,000). */
  recycleAbovePixels?: number;
  /** How long such a worker may stay idle before it is replaced, in ms (default 5,000). */
  recycleIdleMs?: number;
  /** A worker is replaced after this many pages (default 500). */
  recycleAfterPages?: number;
}

interface Job {
  image: Uint8Array;
  langs: string;
  /** width × height of the image (0 when its header cannot be read). */
  pixels: number;
  settle(outcome: { result: OcrPageResult } | { error: unknown }): void;
  settled: boolean;
}

interface Slot {
  worker: Tesseract.Worker | undefined;
  langs: string;
  busy: boolean;
  /** Fails the running page when the worker thread dies under it, or when its caller gives up. */
  abort: ((error: unknown) => void) | undefined;
  /** The page being recognised (not set while the worker starts). */
  job: Job | undefined;
  /** Pages read and the largest image's pixels, since this worker started. */
  pages: number;
  largestPixels: number;
  /** Replaces a worker grown by a large image once it has been idle a while. */
  recycleTimer: NodeJS.Timeout | undefined;
}

const READ_IMAGE_FAILED = /attempting to read image|pix not read|Unknown format/i;

export class TesseractPool implements OcrEngine {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private closed = false;

  constructor(private readonly options: TesseractPoolOptions) {}

  get installedLanguages(): readonly string[] {
    return this.options.installedLanguages;
  }

  get queueDepth(): number {
    return this.queue.length;
  }

  /** Live workers, for tests and metrics. */
  get workerCount(): number {
    return this.slots.filter((slot) => slot.worker).length;
  }

  get busyWorkers(): number {
    return this.slots.filter((slot) => slot.busy).length;
  }

  /** Started workers waiting for a page, already set up for `languages`. */
  idleWorkers(languages: readonly string[]): number {
    const langs = languages.join('+');
    return this.slots.filter((slot) => slot.worker && !slot.busy && slot.langs === langs).length;
  }

  /** Starts workers for `languages` up to the pool's size, in the background, so that later pages find them ready. */
  warmUp(languages: readonly string[]): void {
    const langs = languages.join('+');
    while (!this.closed && this.slots.length < this.options.size) {
      const slot: Slot = { worker: undefined, langs, busy: true, abort: undefined, job: undefined, pages: 0, largestPixels: 0, recycleTimer: undefined };
      this.slots.push(slot);
      void this.ready(slot, langs)
        .catch(() => undefined) // a page will try again, and report the failure
        .finally(() => {
          slot.busy = false;
          if (this.closed) void this.discardWorker(slot);
          else this.pump();
        });
    }
  }

  recognize(image: Uint8Array, languages: readonly string[], options: RecognizeOptions = {}): Promise<OcrPageResult> {
    const { signal } = options;
    if (this.closed) return Promise.reject(new OcrEngineError('The OCR engine is shut down.'));
    if (signal?.aborted) return Promise.reject(signal.reason);
    for (const code of languages) {
      if (!existsSync(join(this.options.langPath, `${code}.traineddata.gz`))) {
        return Promise.reject(new OcrEngineError(`No language data for '${code}' in ${this.options.langPath}.`));
      }
    }
    if (this.queue.length >= this.options.queueLimit) return Promise.reject(new OcrBusyError('Too many pages are waiting for OCR.'));
    return new Promise((resolve, reject) => {
      const onAbort = () => this.cancel(job, signal!.reason);
      const job: Job = {
        image, langs: languages.join('+'), pixels: pixelsOf(image), settled: false,
        settle(outcome) {
          if (job.settled) return;
          job.settled = true;
          signal?.removeEventListener('abort', onAbort);
          if ('result' in outcome) resolve(outcome.result);
          else reject(outcome.error);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(job);
      this.pump();
      this.options.onQueueDepth?.(this.queue.length);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.settle({ error: new OcrEngineError('The OCR engine is shutting down.') });
    await Promise.all(this.slots.map((slot) => this.discardWorker(slot)));
  }

  /** A waiting page leaves the queue; a running one loses its worker (the slot starts a fresh one on demand). */
  private cancel(job: Job, reason: unknown): void {
    job.settle({ error: reason });
    const queued = this.queue.indexOf(job);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      this.options.onQueueDepth?.(this.queue.length);
      return;
    }
    const slot = this.slots.find((s) => s.job === job);
    if (!slot) return; // its worker is still starting: the page is skipped once it has
    const abort = slot.abort;
    void this.discardWorker(slot);
    abort?.(reason);
  }

  private pump(): void {
    while (this.queue.length > 0 && !this.closed) {
      const langs = this.queue[0]!.langs;
      const idle = this.slots.filter((slot) => !slot.busy);
      let slot = idle.find((s) => s.worker && s.langs === langs) ?? idle.find((s) => s.worker) ?? idle[0];
      if (!slot && this.slots.length < this.options.size) {
        slot = { worker: undefined, langs, busy: false, abort: undefined, job: undefined, pages: 0, largestPixels: 0, recycleTimer: undefined };
        this.slots.push(slot);
      }
      if (!slot) return;
      slot.busy = true;
      clearTimeout(slot.recycleTimer);
      void this.run(slot, this.queue.shift()!);
      this.options.onQueueDepth?.(this.queue.length);
    }
  }

  private async run(slot: Slot, job: Job): Promise<void> {
    try {
      const worker = await this.ready(slot, job.langs);
      if (job.settled) return; // cancelled while the worker started
      slot.job = job;
      slot.pages++;
      slot.largestPixels = Math.max(slot.largestPixels, job.pixels);
      const result = await this.guard(slot, worker.recognize(job.image));
      job.settle({ result: { text: result.data.text, confidence: Math.max(0, Math.min(1, result.data.confidence / 100)) } });
    } catch (error) {
      job.settle({ error: toOcrError(error) });
    } finally {
      slot.busy = false;
      slot.abort = undefined;
      slot.job = undefined;
      this.afterPage(slot);
    }
  }

  /** Gives the slot its next page, replacing its worker first when it is due (see the header). */
  private afterPage(slot: Slot): void {
    if (slot.worker && slot.pages >= (this.options.recycleAfterPages ?? 500)) void this.discardWorker(slot);
    this.pump();
    // A big image grew this worker's memory for good: keep it while pages keep coming, not after.
    if (slot.busy || !slot.worker || slot.largestPixels <= (this.options.recycleAbovePixels ?? 4_000_000)) return;
    clearTimeout(slot.recycleTimer);
    slot.recycleTimer = setTimeout(() => {
      if (!slot.busy) void this.discardWorker(slot);
    }, this.options.recycleIdleMs ?? 5_000);
    slot.recycleTimer.unref();
  }

  /** The slot's worker, started or switched to `langs` as needed. */
  private async ready(slot: Slot, langs: string): Promise<Tesseract.Worker> {
    if (!slot.worker) {
      slot.worker = await this.startWorker(slot, langs);
      slot.langs = langs;
    } else if (slot.langs !== langs) {
      await this.guard(slot, slot.worker.reinitialize(langs));
      slot.langs = langs;
    }
    return slot.worker;
  }

  private async startWorker(slot: Slot, langs: string): Promise<Tesseract.Worker> {
    const starting = Tesseract.createWorker(langs, Tesseract.OEM.LSTM_ONLY, {
      langPath: this.options.langPath,
      cacheMethod: 'none',
      gzip: true,
      logger: () => undefined,
      errorHandler: (error: unknown) => this.options.onWorkerError?.(String(error)),
    });
    const worker = await withTimeout(starting, this.options.startTimeoutMs ?? 30_000, () => {
      // If it ever starts after all, stop it.
      starting.then((late) => late.terminate()).catch(() => undefined);
      return new OcrEngineError('An OCR worker did not start in time.');
    });
    const thread = (worker as unknown as { worker: ThreadWorker }).worker;
    const died = () => {
      if (slot.worker !== worker) return;
      slot.worker = undefined;
      slot.abort?.(new OcrEngineError('The OCR worker stopped unexpectedly.'));
    };
    thread.on('exit', died);
    thread.on('error', died); // without a listener, a thread error would be an uncaught exception
    return worker;
  }

  /** Rejects when the worker dies or the time runs out (then the worker is replaced). */
  private guard<T>(slot: Slot, work: Promise<T>): Promise<T> {
    const died = new Promise<never>((_, reject) => {
      slot.abort = reject;
    });
    const timeoutMs = this.options.jobTimeoutMs ?? 60_000;
    return withTimeout(Promise.race([work, died]), timeoutMs, () => {
      void this.discardWorker(slot);
      return new OcrEngineError(`OCR of one page took longer than ${timeoutMs} ms.`);
    });
  }

  private async discardWorker(slot: Slot): Promise<void> {
    const worker = slot.worker;
    slot.worker = undefined;
    clearTimeout(slot.recycleTimer);
    slot.pages = 0;
    slot.largestPixels = 0;
    await worker?.terminate().catch(() => undefined);
  }
}

function withTimeout<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** tesseract.js rejects with strings or Errors; a read failure means the input is bad, not the engine. */
function toOcrError(error: unknown): Error {
  if (error instanceof OcrEngineError || error instanceof OcrBusyError || error instanceof OcrInputError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (READ_IMAGE_FAILED.test(message)) return new OcrInputError('The image could not be read: it is corrupt or not an image.');
  return new OcrEngineError(`OCR failed: ${message}`);
}

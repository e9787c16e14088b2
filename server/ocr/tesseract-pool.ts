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
 * and the slot starts a fresh worker for the next page. `close()` terminates every worker and fails the
 * queued pages.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Worker as ThreadWorker } from 'node:worker_threads';
import Tesseract from 'tesseract.js';
import { OcrBusyError, OcrEngineError, OcrInputError, type OcrEngine, type OcrPageResult } from './ocr-engine.js';

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
}

interface Job {
  image: Uint8Array;
  langs: string;
  resolve(result: OcrPageResult): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Tesseract.Worker | undefined;
  langs: string;
  busy: boolean;
  /** Fails the running page when the worker thread dies under it. */
  abort: ((error: Error) => void) | undefined;
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

  recognize(image: Uint8Array, languages: readonly string[]): Promise<OcrPageResult> {
    if (this.closed) return Promise.reject(new OcrEngineError('The OCR engine is shut down.'));
    for (const code of languages) {
      if (!existsSync(join(this.options.langPath, `${code}.traineddata.gz`))) {
        return Promise.reject(new OcrEngineError(`No language data for '${code}' in ${this.options.langPath}.`));
      }
    }
    if (this.queue.length >= this.options.queueLimit) return Promise.reject(new OcrBusyError('Too many pages are waiting for OCR.'));
    return new Promise((resolve, reject) => {
      this.queue.push({ image, langs: languages.join('+'), resolve, reject });
      this.pump();
      this.options.onQueueDepth?.(this.queue.length);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new OcrEngineError('The OCR engine is shutting down.'));
    await Promise.all(this.slots.map((slot) => this.discardWorker(slot)));
  }

  private pump(): void {
    while (this.queue.length > 0 && !this.closed) {
      const langs = this.queue[0]!.langs;
      const idle = this.slots.filter((slot) => !slot.busy);
      let slot = idle.find((s) => s.worker && s.langs === langs) ?? idle.find((s) => s.worker) ?? idle[0];
      if (!slot && this.slots.length < this.options.size) {
        slot = { worker: undefined, langs, busy: false, abort: undefined };
        this.slots.push(slot);
      }
      if (!slot) return;
      slot.busy = true;
      void this.run(slot, this.queue.shift()!);
      this.options.onQueueDepth?.(this.queue.length);
    }
  }

  private async run(slot: Slot, job: Job): Promise<void> {
    try {
      const worker = await this.ready(slot, job.langs);
      const result = await this.guard(slot, worker.recognize(job.image));
      job.resolve({ text: result.data.text, confidence: Math.max(0, Math.min(1, result.data.confidence / 100)) });
    } catch (error) {
      job.reject(toOcrError(error));
    } finally {
      slot.busy = false;
      slot.abort = undefined;
      this.pump();
    }
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

/**
 * Reads PDFs in a worker thread (pdf-worker.ts): the text layer of each page, and a rendered PNG of each page
 * that has none. Documents are read one at a time, in order of arrival, by one long-lived worker started on
 * first use.
 *
 * Hostile PDFs: the worker has a heap limit, and a watchdog kills it when it goes `idleTimeoutMs` without
 * reporting progress. Either way that document fails with `PdfInputError('pdf_too_complex')`, the next one
 * gets a fresh worker, and the server itself is untouched. `close()` terminates the worker.
 */
import type { Worker } from 'node:worker_threads';
import type { PdfErrorCode, PdfMessage, PdfRequest } from './pdf-worker.js';
import { spawnSiblingWorker } from './spawn-worker.js';

export interface PdfPage {
  page: number;
  text: string;
  /** A PNG of the page when its text layer is (nearly) empty. */
  image?: Uint8Array;
}

export type PdfReadOptions = Omit<PdfRequest, 'id' | 'path'>;

export interface PdfReaderOptions {
  /** Longest the worker may go without reporting progress, in ms (default 30,000). */
  idleTimeoutMs?: number;
  /** Longest a new worker may take to load pdf.js and the canvas, in ms (default 60,000). */
  startTimeoutMs?: number;
  /** Heap limit of the worker thread in MiB (default 1024). */
  heapLimitMb?: number;
}

export class PdfInputError extends Error {
  override name = 'PdfInputError';
  constructor(readonly code: PdfErrorCode, message: string) {
    super(message);
  }
}

interface Task {
  id: number;
  path: string;
  options: PdfReadOptions;
  onPage(page: PdfPage): void;
  resolve(pages: number): void;
  reject(error: Error): void;
  pages: number;
}

export class PdfReader {
  private worker: Worker | undefined;
  private workerReady = false;
  private readonly queue: Task[] = [];
  private current: Task | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: PdfReaderOptions = {}) {}

  /** Reads `path`, calling `onPage` for each page in order; resolves with the page count. */
  read(path: string, options: PdfReadOptions, onPage: (page: PdfPage) => void): Promise<number> {
    if (this.closed) return Promise.reject(new Error('The PDF reader is shut down.'));
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, path, options, onPage, resolve, reject, pages: 0 });
      this.next();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0)) task.reject(new Error('The PDF reader is shutting down.'));
    this.finish(undefined, new Error('The PDF reader is shutting down.'));
    await this.kill();
  }

  private next(): void {
    if (this.current || this.closed) return;
    const task = this.queue.shift();
    if (!task) return;
    this.current = task;
    const request: PdfRequest = { id: task.id, path: task.path, ...task.options };
    this.ensureWorker().postMessage(request);
    this.armWatchdog();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = spawnSiblingWorker(import.meta.url, 'pdf-worker', {
      resourceLimits: { maxOldGenerationSizeMb: this.options.heapLimitMb ?? 1024 },
      stdout: true, // pdf.js prints warnings about broken files; they are not ours to show
      stderr: true,
      preload: ['pdfjs-dist/legacy/build/pdf.mjs', 'pdfjs-dist/legacy/build/pdf.worker.mjs', '@napi-rs/canvas'],
    });
    worker.stdout.resume();
    worker.stderr.resume();
    worker.on('message', (message: PdfMessage) => this.onMessage(message));
    const died = (reason: string) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.finish(undefined, new PdfInputError('pdf_too_complex', `The PDF needs more memory or time than allowed (${reason}).`));
    };
    worker.on('error', (error) => died(error.message));
    worker.on('exit', (code) => died(`worker exited with code ${code}`));
    worker.unref();
    this.worker = worker;
    this.workerReady = false;
    return worker;
  }

  private onMessage(message: PdfMessage): void {
    if (message.type === 'ready') {
      this.workerReady = true;
      if (this.current) this.armWatchdog();
      return;
    }
    const task = this.current;
    if (!task || message.id !== task.id) return;
    this.armWatchdog();
    if (message.type === 'info') task.pages = message.pages;
    else if (message.type === 'page') task.onPage({ page: message.page, text: message.text, ...(message.image && { image: message.image }) });
    else if (message.type === 'done') this.finish(task.pages);
    else this.finish(undefined, new PdfInputError(message.code, message.message));
  }

  private armWatchdog(): void {
    clearTimeout(this.watchdog);
    const ms = this.workerReady ? (this.options.idleTimeoutMs ?? 30_000) : (this.options.startTimeoutMs ?? 60_000);
    this.watchdog = setTimeout(() => {
      const reason = `no progress for ${ms} ms`;
      void this.kill().then(() => this.finish(undefined, new PdfInputError('pdf_too_complex', `The PDF takes too long to read (${reason}).`)));
    }, ms);
    this.watchdog.unref();
  }

  private finish(pages: number | undefined, error?: Error): void {
    clearTimeout(this.watchdog);
    const task = this.current;
    this.current = undefined;
    if (task) {
      if (error) task.reject(error);
      else task.resolve(pages ?? task.pages);
    }
    this.next();
  }

  private async kill(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }
}

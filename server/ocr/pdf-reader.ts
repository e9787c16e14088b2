/**
 * Reads PDFs in a worker thread (pdf-worker.ts): the text layer of each page, and a rendered PNG of each page
 * that has none, within a pixel budget per page and per document. The same worker scales images too large
 * for OCR. Jobs run one at a time, in order of arrival, in one long-lived worker started on first use.
 *
 * Cancellation: a job whose `signal` aborts is rejected at once with the signal's reason. A queued job is
 * dropped; the running one is told to stop, which it does between pages (or mid-render), and the next job
 * starts only when the worker has confirmed — so at most one job ever runs in the worker.
 *
 * Hostile PDFs: the worker has a heap limit, and a watchdog kills it when it goes `idleTimeoutMs` without
 * reporting progress. Either way that job fails with `PdfInputError('pdf_too_complex')`, the next one gets a
 * fresh worker, and the server itself is untouched. `close()` terminates the worker.
 */
import type { Worker } from 'node:worker_threads';
import type { PdfErrorCode, PdfMessage, PdfRequest, RenderedImage, ScaleImageRequest, WorkerRequest } from './pdf-worker.js';
import { spawnSiblingWorker } from '../threads/spawn-worker.js';

export type { RenderedImage } from './pdf-worker.js';

export interface PdfPage {
  page: number;
  text: string;
  /** The page rendered as a PNG when its text layer is (nearly) empty. */
  image?: RenderedImage;
}

export type PdfReadOptions = Omit<PdfRequest, 'type' | 'id' | 'path'>;

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

type JobRequest = Omit<PdfRequest, 'id'> | Omit<ScaleImageRequest, 'id'>;

interface Task {
  id: number;
  request: JobRequest;
  /** Takes the job's messages; returns `{ value }` for the one that completes it. */
  onMessage(message: PdfMessage): { value: unknown } | undefined;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  settled: boolean;
  /** Sent `cancel`; waiting for the worker to confirm. */
  cancelling: boolean;
  detach(): void;
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
  read(path: string, options: PdfReadOptions, onPage: (page: PdfPage) => void, signal?: AbortSignal): Promise<number> {
    let pages = 0;
    return this.enqueue<number>({ type: 'read', path, ...options }, signal, (message) => {
      if (message.type === 'info') pages = message.pages;
      else if (message.type === 'page') onPage({ page: message.page, text: message.text, ...(message.image && { image: message.image }) });
      else if (message.type === 'done') return { value: pages };
      return undefined;
    });
  }

  /** `image` (PNG, JPEG, WebP, BMP or GIF) as a PNG of at most `maxPixels`, scaled down if needed (EXIF orientation applied). */
  scaleImage(image: Uint8Array, maxPixels: number, signal?: AbortSignal): Promise<RenderedImage> {
    return this.enqueue<RenderedImage>({ type: 'scale-image', image, maxPixels }, signal, (message) =>
      message.type === 'image' ? { value: message.image } : undefined,
    );
  }

  /** Jobs waiting or running (a cancelled job counts until the worker has stopped it). */
  get pending(): number {
    return this.queue.length + (this.current ? 1 : 0);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0)) this.settle(task, { error: new Error('The PDF reader is shutting down.') });
    this.finish({ error: new Error('The PDF reader is shutting down.') });
    await this.kill();
  }

  private enqueue<T>(request: JobRequest, signal: AbortSignal | undefined, onMessage: Task['onMessage']): Promise<T> {
    if (this.closed) return Promise.reject(new Error('The PDF reader is shut down.'));
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<T>((resolve, reject) => {
      const task: Task = {
        id: this.nextId++, request, onMessage, resolve: resolve as (value: unknown) => void, reject, settled: false, cancelling: false, detach: () => undefined,
      };
      if (signal) {
        const onAbort = () => this.cancel(task, signal.reason);
        signal.addEventListener('abort', onAbort, { once: true });
        task.detach = () => signal.removeEventListener('abort', onAbort);
      }
      this.queue.push(task);
      this.next();
    });
  }

  private cancel(task: Task, reason: unknown): void {
    const queued = this.queue.indexOf(task);
    if (queued >= 0) this.queue.splice(queued, 1);
    else if (this.current === task && !task.cancelling) {
      task.cancelling = true;
      this.worker?.postMessage({ type: 'cancel', id: task.id } satisfies WorkerRequest);
    }
    this.settle(task, { error: reason });
  }

  private settle(task: Task, outcome: { value: unknown } | { error: unknown }): void {
    if (task.settled) return;
    task.settled = true;
    task.detach();
    if ('error' in outcome) task.reject(outcome.error);
    else task.resolve(outcome.value);
  }

  private next(): void {
    if (this.current || this.closed) return;
    const task = this.queue.shift();
    if (!task) return;
    this.current = task;
    this.ensureWorker().postMessage({ ...task.request, id: task.id } as WorkerRequest);
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
      this.finish({ error: new PdfInputError('pdf_too_complex', `The PDF needs more memory or time than allowed (${reason}).`) });
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
    if (message.type === 'error') return this.finish({ error: new PdfInputError(message.code, message.message) });
    if (message.type === 'cancelled') return this.finish({ error: new Error('The job was cancelled.') });
    const completed = task.settled ? undefined : task.onMessage(message);
    if (completed) this.finish(completed);
    else if (message.type === 'done' || message.type === 'image') this.finish({ error: new Error('The job ended without a result.') });
  }

  private armWatchdog(): void {
    clearTimeout(this.watchdog);
    const ms = this.workerReady ? (this.options.idleTimeoutMs ?? 30_000) : (this.options.startTimeoutMs ?? 60_000);
    this.watchdog = setTimeout(() => {
      const reason = `no progress for ${ms} ms`;
      void this.kill().then(() => this.finish({ error: new PdfInputError('pdf_too_complex', `The PDF takes too long to read (${reason}).`) }));
    }, ms);
    this.watchdog.unref();
  }

  /** Ends the running job (settling it unless a cancel already did) and starts the next. */
  private finish(outcome: { value: unknown } | { error: unknown }): void {
    clearTimeout(this.watchdog);
    const task = this.current;
    this.current = undefined;
    if (task) this.settle(task, outcome);
    this.next();
  }

  private async kill(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }
}

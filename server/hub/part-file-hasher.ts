/**
 * SHA-256 of a download's part file, computed on a worker thread (part-hash-worker.ts) that follows the file
 * as the download writes it. On the download's own thread SHA-256 was a quarter of a pull's CPU (about 120 of
 * 450 ms for 182 MB, `bench -- hub`), in series with receiving and writing; on its own thread it runs beside
 * them, reads the bytes back from the page cache, and a resumed download's earlier bytes are hashed while the
 * rest arrives.
 *
 * Lifecycle: one worker serves every job; it starts with the first job and stops when no job has been open
 * for `idleMs`, or on `close()`. A job is told when its file grew (`grew`, cheap: it posts at most once per
 * `GROW_STEP_BYTES`) and ends with `digest()`, or `drop()` when the download stops. While a job is open the
 * worker keeps the process alive; idle, it does not. If the worker dies, its open jobs fail and the next job
 * starts a new one.
 */
import type { Worker } from 'node:worker_threads';
import { spawnSiblingWorker } from '../threads/spawn-worker.js';
import type { HashAnswer, HashRequest } from './part-hash-worker.js';

export interface PartHash {
  /** Call after bytes were handed to the file's writer; the worker reads them once they are written. */
  grew(bytes: number): void;
  /** The SHA-256 (hex) and length of the whole file once its writer has closed it. */
  digest(): Promise<{ digest: string; bytes: number }>;
  /** Forgets the job (the download stopped or starts over). */
  drop(): void;
}

/** The worker is nudged at most once per this many bytes; what is left is read at the end. */
const GROW_STEP_BYTES = 4 << 20;

export class PartFileHasher {
  private worker: Worker | undefined;
  private readonly waiting = new Map<number, { resolve(answer: { digest: string; bytes: number }): void; reject(error: Error): void }>();
  private readonly open = new Set<number>();
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(private readonly idleMs = 30_000) {}

  /** Starts hashing `path` from its first byte. */
  follow(path: string): PartHash {
    const id = this.nextId++;
    this.send({ type: 'open', id, path });
    this.open.add(id);
    this.worker?.ref(); // an open job keeps the process alive until its digest; an idle worker does not
    let sinceNudge = 0;
    return {
      grew: (bytes) => {
        sinceNudge += bytes;
        if (sinceNudge < GROW_STEP_BYTES || !this.open.has(id)) return;
        sinceNudge = 0;
        this.send({ type: 'grow', id });
      },
      digest: () => {
        if (!this.open.has(id)) return Promise.reject(new Error('The hashing thread stopped before the download ended.'));
        const answer = new Promise<{ digest: string; bytes: number }>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
        this.send({ type: 'end', id });
        return answer;
      },
      drop: () => {
        if (!this.open.has(id)) return;
        this.send({ type: 'drop', id });
        this.finished(id);
      },
    };
  }

  async close(): Promise<void> {
    await this.stop(new Error('The server is closing.'));
  }

  private send(request: HashRequest): void {
    clearTimeout(this.idleTimer);
    this.ensureWorker().postMessage(request);
  }

  private finished(id: number): void {
    this.open.delete(id);
    this.waiting.delete(id);
    if (this.open.size > 0) return;
    this.worker?.unref();
    this.idleTimer = setTimeout(() => void this.stop(), this.idleMs);
    this.idleTimer.unref();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = spawnSiblingWorker(import.meta.url, 'part-hash-worker');
    worker.on('message', (answer: HashAnswer) => {
      const waiter = this.waiting.get(answer.id);
      this.finished(answer.id);
      if ('error' in answer) waiter?.reject(new Error(`Hashing the download failed: ${answer.error}`));
      else waiter?.resolve({ digest: answer.digest, bytes: answer.bytes });
    });
    const died = (error?: Error) => {
      if (this.worker === worker) void this.stop(error ?? new Error('The hashing thread stopped.'));
    };
    worker.on('error', died);
    worker.on('exit', () => died());
    worker.unref();
    this.worker = worker;
    return worker;
  }

  /** Stops the worker; open jobs fail with `error` (none when it stops for being idle). */
  private async stop(error?: Error): Promise<void> {
    clearTimeout(this.idleTimer);
    const worker = this.worker;
    this.worker = undefined;
    const waiting = [...this.waiting.values()];
    this.waiting.clear();
    this.open.clear();
    for (const waiter of waiting) waiter.reject(error ?? new Error('The hashing thread stopped.'));
    await worker?.terminate();
  }
}

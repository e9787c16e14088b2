/**
 * Model downloads from the hub (`POST /v1/models/pull`). A pull names a repository's quantization (all its
 * files: a split model is pulled as a set); its files stream into `<models>/<name>.part` (invisible to the
 * model list), are SHA-256 checked, and only when every file of the set is in are they renamed into place,
 * at which point `/v1/models` lists the model. State lives in SQLite (model_pulls): a server restart resumes
 * every pull that was downloading, with Range requests from where the part files end.
 *
 * Lifecycle: `start()` resumes stored pulls and runs queued ones, at most `maxConcurrent` at once; pause,
 * cancel and `close()` abort a running download through its AbortController with the reason as the
 * controller's reason, which decides what happens to the row (`paused`; `cancelled` + part files removed;
 * on close the row stays `downloading` so the next start resumes it).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, unlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { AppError } from '../errors/app-error.js';
import { FetchError } from '../net/index.js';
import { asStorageFull, isStorageFull } from '../errors/storage-errors.js';
import type { ModelPullRow, ModelPullsRepo } from '../store/model-pulls-repo.js';
import { hubError } from './hub-errors.js';
import type { HubService } from './hub-service.js';
import { parseModelRef, pickQuantization, type PullRequestInput } from './model-ref.js';
import { downloadFile, type PullFile } from './pull-download.js';
import { PullEvents } from './pull-events.js';
import { FINISHED, pullFiles, RateMeter, toPull, type Pull } from './pull-object.js';
import { groupQuantizations } from './quantizations.js';
import { newPull } from './pull-rules.js';

export interface PullServiceOptions {
  pulls: ModelPullsRepo;
  hub: HubService;
  modelsDir: string;
  maxConcurrent: number;
  logger?: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
  /** First wait before a dropped download is retried (doubled each time); default 500 ms. */
  retryDelayMs?: number;
  now?: () => number;
}

type StopReason = 'paused' | 'cancelled' | 'closing';

interface Running {
  controller: AbortController;
  done: Promise<void>;
  bytesDone: number;
  meter: RateMeter;
  lastSample: number;
  lastSaved: number;
}

/** Finished pulls are listed for a week (and the newest 50 always). */
const KEEP_FINISHED_SECONDS = 7 * 24 * 3600;
const SAVE_EVERY_MS = 1000;
const SAMPLE_EVERY_MS = 100;

export class PullService {
  private readonly running = new Map<string, Running>();
  private readonly events = new PullEvents();
  private closed = false;
  private readonly now: () => number;

  constructor(private readonly options: PullServiceOptions) {
    this.now = options.now ?? Date.now;
  }

  private get pulls(): ModelPullsRepo { return this.options.pulls; }

  /** Resumes pulls a stopped server left running, then runs the queue. */
  start(): void {
    this.pulls.prune(this.seconds() - KEEP_FINISHED_SECONDS, 50);
    for (const row of this.pulls.list()) if (row.status === 'downloading' || row.status === 'verifying') this.save(row, { status: 'queued' });
    this.schedule();
  }

  async create(input: PullRequestInput, signal?: AbortSignal): Promise<Pull> {
    const { hub } = this.options;
    hub.assertEnabled();
    const ref = parseModelRef(input);
    const [repo, files] = await Promise.all([hub.repo(ref.repo, signal), hub.files(ref.repo, signal)]);
    if (repo.gated && !hub.client.hasToken) throw hubError(gatedRefusal(), hub.client.endpoint, ref.repo, false);
    const groups = groupQuantizations(files);
    const group = pickQuantization(ref, groups);
    if (!group) {
      const asked = ref.file ?? ref.tag ?? 'GGUF model';
      const have = groups.map((g) => g.quantization).join(', ') || 'no GGUF files';
      throw new AppError(404, 'not_found_error', `${ref.repo} has no ${asked}; it has: ${have}.`, { code: 'quantization_not_found', param: ref.file ? 'file' : 'model' });
    }
    const active = this.pulls.list().filter((row) => !FINISHED.has(row.status));
    const model = `hf.co/${repo.id}:${group.quantization}`;
    const same = active.find((row) => row.model === model);
    if (same) return this.view(same); // asking again for a running pull answers that pull
    const pullFilesList: PullFile[] = group.files.map((f) => ({ name: f.name, size: f.size_bytes, sha256: f.sha256 }));
    await newPull({
      files: pullFilesList, active: active.map(pullFiles),
      freeDiskBytes: () => hub.machine.freeDiskBytes(this.options.modelsDir), partPath: (f) => this.partPath(f), targetPath: (f) => this.targetPath(f),
    });
    const now = this.seconds();
    const row: ModelPullRow = {
      id: `pull_${randomBytes(12).toString('hex')}`, model, repo: repo.id, quantization: group.quantization, files: JSON.stringify(pullFilesList),
      status: 'queued', bytes_total: group.size_bytes, bytes_done: 0, error: null, model_id: null, created_at: now, updated_at: now,
    };
    this.pulls.insert(row);
    this.emit(row);
    this.schedule();
    return this.view(this.pulls.get(row.id) ?? row);
  }

  digests(id: string): Array<string | null> {
    return pullFiles(this.row(id)).map((file) => file.sha256);
  }

  list(): { object: 'list'; data: Pull[] } {
    return { object: 'list', data: this.pulls.list().map((row) => this.view(row)) };
  }

  get(id: string): Pull {
    return this.view(this.row(id));
  }

  async pause(id: string): Promise<Pull> {
    const row = this.row(id);
    if (row.status === 'paused') return this.view(row);
    if (FINISHED.has(row.status)) throw conflict(`Pull ${id} has ${row.status}; only a running or queued pull can be paused.`);
    await this.stop(id, 'paused');
    const current = this.row(id);
    if (current.status === 'queued') this.save(current, { status: 'paused' });
    return this.get(id);
  }

  /** Resumes a paused or failed pull (from where its part files end). */
  resume(id: string): Pull {
    const row = this.row(id);
    if (row.status === 'paused' || row.status === 'failed') {
      this.options.hub.assertEnabled();
      this.save(row, { status: 'queued', error: null });
      this.schedule();
    } else if (row.status === 'completed' || row.status === 'cancelled') {
      throw conflict(`Pull ${id} has ${row.status}; start a new pull instead.`);
    }
    return this.get(id);
  }

  /** Cancels a pull and removes its part files. */
  async cancel(id: string): Promise<Pull> {
    const row = this.row(id);
    if (row.status === 'cancelled') return this.view(row);
    if (row.status === 'completed') throw conflict(`Pull ${id} has completed; delete the model with DELETE /v1/models/${row.model_id ?? '{id}'} instead.`);
    await this.stop(id, 'cancelled');
    const current = this.row(id);
    if (current.status !== 'cancelled') {
      await this.removeParts(current);
      this.save(current, { status: 'cancelled' });
    }
    return this.get(id);
  }

  /**
   * Sends the pull's object now and on every change, until it completes, fails or is cancelled, `signal`
   * aborts (the client left: the pull goes on) or the server stops.
   */
  follow(id: string, signal: AbortSignal, send: (pull: Pull) => void): Promise<void> {
    return this.events.follow(this.get(id), signal, send);
  }

  /** Stops running downloads; their rows stay `downloading` and the next start resumes them. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.running.keys()].map((id) => this.stop(id, 'closing')));
    this.events.close();
  }

  private async stop(id: string, reason: StopReason): Promise<void> {
    const running = this.running.get(id);
    if (!running) return;
    running.controller.abort(reason);
    await running.done;
  }

  private schedule(): void {
    if (this.closed) return;
    const queued = this.pulls.list().filter((row) => row.status === 'queued').reverse(); // oldest first
    for (const row of queued) {
      if (this.running.size >= this.options.maxConcurrent) return;
      if (this.running.has(row.id)) continue;
      const controller = new AbortController();
      const running: Running = { controller, done: Promise.resolve(), bytesDone: row.bytes_done, meter: new RateMeter(), lastSample: 0, lastSaved: 0 };
      this.running.set(row.id, running);
      running.done = this.run(row.id, running).finally(() => {
        this.running.delete(row.id);
        this.schedule();
      });
    }
  }

  private async run(id: string, running: Running): Promise<void> {
    const { signal } = running.controller;
    let row = this.save(this.row(id), { status: 'downloading' });
    const files = pullFiles(row);
    try {
      await mkdir(this.options.modelsDir, { recursive: true });
      let before = 0;
      for (const file of files) {
        await downloadFile({
          client: this.options.hub.client, repo: row.repo, file, partPath: this.partPath(file), signal,
          onBytes: (bytes) => this.progress(id, running, before + bytes),
          onVerifying: () => (row = this.save(this.row(id), { status: 'verifying', bytes_done: running.bytesDone })),
          ...(this.options.retryDelayMs !== undefined && { retryDelayMs: this.options.retryDelayMs }),
        });
        before += file.size;
        if (file !== files.at(-1)) row = this.save(this.row(id), { status: 'downloading', bytes_done: before });
      }
      // The whole set is in and checked: only now does the model folder see it.
      for (const file of files) await rename(this.partPath(file), this.targetPath(file));
      const modelId = basename(this.targetPath(files[0]!)).replace(/\.gguf$/i, '');
      this.save(this.row(id), { status: 'completed', bytes_done: row.bytes_total, model_id: modelId });
      this.options.logger?.info({ pull: id, model: row.model, modelId }, 'model pull completed');
    } catch (error) {
      const reason = signal.aborted ? (signal.reason as StopReason) : undefined;
      if (reason === 'closing') return;
      if (reason === 'paused') {
        this.save(this.row(id), { status: 'paused', bytes_done: running.bytesDone });
        return;
      }
      if (reason === 'cancelled') {
        await this.removeParts(row);
        this.save(this.row(id), { status: 'cancelled' });
        return;
      }
      const message = failureMessage(error, this.options.hub.client.endpoint, row.repo, this.options.hub.client.hasToken);
      this.options.logger?.warn({ pull: id, model: row.model, error: message }, 'model pull failed');
      this.save(this.row(id), { status: 'failed', bytes_done: running.bytesDone, error: message });
    }
  }

  private progress(id: string, running: Running, bytesDone: number): void {
    running.bytesDone = bytesDone;
    const now = this.now();
    if (now - running.lastSample < SAMPLE_EVERY_MS) return;
    running.lastSample = now;
    running.meter.add(now, bytesDone);
    const row = this.pulls.get(id);
    if (!row) return;
    if (now - running.lastSaved >= SAVE_EVERY_MS) {
      running.lastSaved = now;
      this.save(row, { bytes_done: bytesDone });
    } else {
      this.emit(row);
    }
  }

  private save(row: ModelPullRow, change: Partial<Pick<ModelPullRow, 'status' | 'bytes_done' | 'error' | 'model_id'>>): ModelPullRow {
    const next = { ...row, ...change, updated_at: this.seconds() };
    this.pulls.update(row.id, next);
    this.emit(next);
    return next;
  }

  private emit(row: ModelPullRow): void {
    this.events.announce(this.view(row));
  }

  private view(row: ModelPullRow): Pull {
    const running = this.running.get(row.id);
    return toPull(row, running && { bytesDone: running.bytesDone, rate: running.meter.rate });
  }

  private row(id: string): ModelPullRow {
    const row = this.pulls.get(id);
    if (!row) throw new AppError(404, 'not_found_error', `No model pull found with id '${id}'.`, { code: 'pull_not_found', param: 'id' });
    return row;
  }

  private async removeParts(row: ModelPullRow): Promise<void> {
    await Promise.all(pullFiles(row).map((file) => unlink(this.partPath(file)).catch(() => undefined)));
  }

  private partPath(file: PullFile): string {
    return `${this.targetPath(file)}.part`;
  }

  private targetPath(file: PullFile): string {
    return join(this.options.modelsDir, basename(file.name));
  }

  private seconds(): number {
    return Math.floor(this.now() / 1000);
  }
}

const conflict = (message: string) => new AppError(409, 'conflict_error', message, { code: 'pull_state' });

/** A 401 as the hub answers a gated repository's files to a client without a token. */
const gatedRefusal = () => new FetchError('failed', 'gated', { reason: 'status', status: 401 });

function failureMessage(error: unknown, endpoint: string, repo: string, hasToken: boolean): string {
  if (isStorageFull(error)) return asStorageFull(error)!.message;
  const mapped = hubError(error, endpoint, repo, hasToken);
  return mapped instanceof Error ? mapped.message : String(mapped);
}

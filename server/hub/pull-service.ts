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
 *
 * This file decides (create, pause, resume, cancel, scheduling, one decision at a time); a download's run
 * and outcome are in pull-run.ts, its live progress and ordered writes in running-pull.ts.
 */
import { randomBytes } from 'node:crypto';
import { basename, join } from 'node:path';
import { AppError } from '../errors/app-error.js';
import { FetchError } from '../net/index.js';
import type { ModelPullRow, ModelPullsRepo } from '../store/model-pulls-repo.js';
import type { RepoApi } from '../store/store.js';
import { hubError } from './hub-errors.js';
import { PartFileHasher } from './part-file-hasher.js';
import type { HubService } from './hub-service.js';
import { parseModelRef, pickQuantization, type PullRequestInput } from './model-ref.js';
import type { PullFile } from './pull-download.js';
import { PullEvents } from './pull-events.js';
import { FINISHED, pullFiles, toPull, type Pull } from './pull-object.js';
import { removeParts, runPull, type PullRunDeps } from './pull-run.js';
import { newPull } from './pull-rules.js';
import { groupQuantizations } from './quantizations.js';
import { RunningPull, type PullChange, type StopReason } from './running-pull.js';

export interface PullServiceOptions {
  pulls: RepoApi<ModelPullsRepo>;
  hub: HubService;
  modelsDir: string;
  maxConcurrent: number;
  logger?: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
  /** First wait before a dropped download is retried (doubled each time); default 500 ms. */
  retryDelayMs?: number;
  now?: () => number;
}

/** Finished pulls are listed for a week (and the newest 50 always). */
const KEEP_FINISHED_SECONDS = 7 * 24 * 3600;

export class PullService {
  private readonly running = new Map<string, RunningPull>();
  private readonly events = new PullEvents();
  /** The tail of the state decisions (read a row, decide, write), which run one at a time: see `exclusive`. */
  private decisions: Promise<unknown> = Promise.resolve();
  private closed = false;
  private readonly now: () => number;
  private readonly runDeps: PullRunDeps;
  private readonly hasher = new PartFileHasher();

  constructor(private readonly options: PullServiceOptions) {
    this.now = options.now ?? Date.now;
    this.runDeps = {
      client: options.hub.client, hasher: this.hasher, modelsDir: options.modelsDir, retryDelayMs: options.retryDelayMs, logger: options.logger,
      partPath: (file) => this.partPath(file), targetPath: (file) => this.targetPath(file),
    };
  }

  private get pulls(): RepoApi<ModelPullsRepo> { return this.options.pulls; }

  /** Resumes pulls a stopped server left running, then runs the queue. */
  start(): Promise<void> {
    return this.exclusive(async () => {
      await this.pulls.prune(this.seconds() - KEEP_FINISHED_SECONDS, 50);
      for (const row of await this.pulls.list()) {
        if (row.status === 'downloading' || row.status === 'verifying') await this.save(row, { status: 'queued' });
      }
      await this.scheduleNow();
    });
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
    const pullFilesList: PullFile[] = group.files.map((f) => ({ name: f.name, size: f.size_bytes, sha256: f.sha256 }));
    const model = `hf.co/${repo.id}:${group.quantization}`;
    return this.exclusive(async () => {
      const active = (await this.pulls.list()).filter((row) => !FINISHED.has(row.status));
      const same = active.find((row) => row.model === model);
      if (same) return this.view(same); // asking again for a running pull answers that pull
      await newPull({
        files: pullFilesList, active: active.map(pullFiles),
        freeDiskBytes: () => hub.machine.freeDiskBytes(this.options.modelsDir), partPath: (f) => this.partPath(f), targetPath: (f) => this.targetPath(f),
      });
      const now = this.seconds();
      const row: ModelPullRow = {
        id: `pull_${randomBytes(12).toString('hex')}`, model, repo: repo.id, quantization: group.quantization, files: JSON.stringify(pullFilesList),
        status: 'queued', bytes_total: group.size_bytes, bytes_done: 0, error: null, model_id: null, created_at: now, updated_at: now,
      };
      await this.pulls.insert(row);
      this.emit(row);
      await this.scheduleNow();
      return this.view((await this.pulls.get(row.id)) ?? row);
    });
  }

  async digests(id: string): Promise<Array<string | null>> {
    return pullFiles(await this.row(id)).map((file) => file.sha256);
  }

  async list(): Promise<{ object: 'list'; data: Pull[] }> {
    return { object: 'list', data: (await this.pulls.list()).map((row) => this.view(row)) };
  }

  async get(id: string): Promise<Pull> {
    return this.view(await this.row(id));
  }

  pause(id: string): Promise<Pull> {
    return this.exclusive(async () => {
      const row = await this.row(id);
      if (row.status === 'paused') return this.view(row);
      if (FINISHED.has(row.status)) throw conflict(`Pull ${id} has ${row.status}; only a running or queued pull can be paused.`);
      await this.stop(id, 'paused');
      const current = await this.row(id);
      if (current.status === 'queued') await this.save(current, { status: 'paused' });
      return this.get(id);
    });
  }

  /** Resumes a paused or failed pull (from where its part files end). */
  resume(id: string): Promise<Pull> {
    return this.exclusive(async () => {
      const row = await this.row(id);
      if (row.status === 'paused' || row.status === 'failed') {
        this.options.hub.assertEnabled();
        await this.save(row, { status: 'queued', error: null });
        await this.scheduleNow();
      } else if (row.status === 'completed' || row.status === 'cancelled') {
        throw conflict(`Pull ${id} has ${row.status}; start a new pull instead.`);
      }
      return this.get(id);
    });
  }

  /** Cancels a pull and removes its part files. */
  cancel(id: string): Promise<Pull> {
    return this.exclusive(async () => {
      const row = await this.row(id);
      if (row.status === 'cancelled') return this.view(row);
      if (row.status === 'completed') throw conflict(`Pull ${id} has completed; delete the model with DELETE /v1/models/${row.model_id ?? '{id}'} instead.`);
      await this.stop(id, 'cancelled');
      const current = await this.row(id);
      if (current.status !== 'cancelled') {
        await removeParts(this.runDeps, current);
        await this.save(current, { status: 'cancelled' });
      }
      return this.get(id);
    });
  }

  /**
   * Sends the pull's object now and on every change, until it completes, fails or is cancelled, `signal`
   * aborts (the client left: the pull goes on) or the server stops.
   */
  async follow(id: string, signal: AbortSignal, send: (pull: Pull) => void): Promise<void> {
    // Listen before reading the row: a pull that finished between the read and the subscription would
    // otherwise never end the stream.
    let latest: Pull | undefined;
    const early = this.events.subscribe(id, (pull) => (latest = pull));
    let current: Pull;
    try {
      current = await this.get(id);
    } finally {
      early();
    }
    return this.events.follow(latest ?? current, signal, send);
  }

  /** Stops running downloads; their rows stay `downloading` and the next start resumes them. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.running.keys()].map((id) => this.stop(id, 'closing')));
    await this.hasher.close();
    this.events.close();
  }

  private async stop(id: string, reason: StopReason): Promise<void> {
    const running = this.running.get(id);
    if (!running) return;
    running.controller.abort(reason);
    await running.done;
  }

  /**
   * Runs one state decision (read a row, decide, write) after the ones before it. The store is asynchronous,
   * so without this two requests (or a request and the scheduler) could act on the same state, e.g. start a
   * pull that a pause had just read as queued. A running download's own writes do not wait here (pause and
   * cancel wait for the download to stop while they hold the turn).
   */
  private exclusive<T>(decide: () => Promise<T>): Promise<T> {
    const result = this.decisions.then(decide);
    this.decisions = result.catch(() => undefined);
    return result;
  }

  /** Starts queued pulls up to the limit, in its own turn (a download that ended makes room). */
  private schedule(): void {
    this.exclusive(() => this.scheduleNow()).catch((error: unknown) => this.options.logger?.warn({ err: error }, 'model pulls could not be scheduled'));
  }

  private async scheduleNow(): Promise<void> {
    if (this.closed) return;
    const queued = (await this.pulls.list()).filter((row) => row.status === 'queued').reverse(); // oldest first
    for (const row of queued) {
      if (this.closed || this.running.size >= this.options.maxConcurrent) return;
      if (this.running.has(row.id)) continue;
      const running = new RunningPull(row, {
        save: (saved, change) => this.save(saved, change), emit: (saved) => this.emit(saved), now: this.now, logger: this.options.logger,
      });
      this.running.set(row.id, running);
      running.done = runPull(this.runDeps, running)
        // Only a write of the pull's state can fail here (download errors are the pull's `failed` state).
        .catch((error: unknown) => this.options.logger?.warn({ pull: row.id, err: error }, 'model pull state could not be saved'))
        .finally(() => {
          this.running.delete(row.id);
          this.schedule();
        });
    }
  }

  private async save(row: ModelPullRow, change: PullChange): Promise<ModelPullRow> {
    const next = { ...row, ...change, updated_at: this.seconds() };
    await this.pulls.update(row.id, next);
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

  private async row(id: string): Promise<ModelPullRow> {
    const row = await this.pulls.get(id);
    if (!row) throw new AppError(404, 'not_found_error', `No model pull found with id '${id}'.`, { code: 'pull_not_found', param: 'id' });
    return row;
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

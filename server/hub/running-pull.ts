/**
 * One download in progress, as the pull service tracks it: the controller that stops it (with the reason as
 * the abort reason), its live progress (bytes and rate, for events between saves), and its row's writes,
 * which run one after another so a progress write never lands after a later state.
 *
 * Progress comes in for every chunk written; it is sampled at most every 100 ms for the rate and events, and
 * saved to the store at most once a second.
 */
import type { ModelPullRow } from '../store/model-pulls-repo.js';
import { RateMeter } from './pull-object.js';

export type StopReason = 'paused' | 'cancelled' | 'closing';

export type PullChange = Partial<Pick<ModelPullRow, 'status' | 'bytes_done' | 'error' | 'model_id'>>;

export interface RunningPullDeps {
  /** Writes the change to the store (and announces it); resolves the saved row. */
  save(row: ModelPullRow, change: PullChange): Promise<ModelPullRow>;
  /** Announces the row with the live progress, without saving. */
  emit(row: ModelPullRow): void;
  now(): number;
  logger?: { warn(obj: object, msg: string): void } | undefined;
}

const SAVE_EVERY_MS = 1000;
const SAMPLE_EVERY_MS = 100;

export class RunningPull {
  readonly controller = new AbortController();
  readonly meter = new RateMeter();
  /** Settles when the download has stopped and its last state is saved. */
  done: Promise<void> = Promise.resolve();
  bytesDone: number;
  private lastSample = 0;
  private lastSaved = 0;
  /** This download's writes, one after another. */
  private writes: Promise<void> = Promise.resolve();

  /** `row`: the row as this download last saved it (events are sent from it without reading the store). */
  constructor(
    public row: ModelPullRow,
    private readonly deps: RunningPullDeps,
  ) {
    this.bytesDone = row.bytes_done;
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Why the download was stopped, if it was. */
  get stopReason(): StopReason | undefined {
    return this.signal.aborted ? (this.signal.reason as StopReason) : undefined;
  }

  /** Called synchronously for every chunk: events from memory, and the bytes saved at most once a second. */
  progress(bytesDone: number): void {
    this.bytesDone = bytesDone;
    const now = this.deps.now();
    if (now - this.lastSample < SAMPLE_EVERY_MS) return;
    this.lastSample = now;
    this.meter.add(now, bytesDone);
    if (now - this.lastSaved >= SAVE_EVERY_MS) {
      this.lastSaved = now;
      void this.save({ bytes_done: bytesDone }).catch(() => undefined); // a failure is logged by save
    } else {
      this.deps.emit(this.row);
    }
  }

  /** Saves a change after this download's earlier writes; a failed write is logged (and rejects the returned promise). */
  save(change: PullChange): Promise<ModelPullRow> {
    const saved = this.writes.then(async () => (this.row = await this.deps.save(this.row, change)));
    this.writes = saved.then(
      () => undefined,
      (error: unknown) => this.deps.logger?.warn({ pull: this.row.id, err: error }, 'model pull progress could not be saved'),
    );
    return saved;
  }
}

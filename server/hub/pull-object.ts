/** A pull as the API shows it (`model.pull`), from its stored row and its live progress. */
import type { ModelPullRow } from '../store/model-pulls-repo.js';
import type { PullFile } from './pull-download.js';

export type PullStatus = 'queued' | 'downloading' | 'paused' | 'verifying' | 'completed' | 'failed' | 'cancelled';

export const FINISHED: ReadonlySet<string> = new Set(['completed', 'failed', 'cancelled']);

export interface Pull {
  id: string;
  object: 'model.pull';
  model: string;
  repo: string;
  quantization: string | null;
  files: string[];
  status: PullStatus;
  bytes_total: number;
  bytes_done: number;
  rate_bytes_per_second: number;
  eta_seconds: number | null;
  error: { message: string } | null;
  model_id: string | null;
  created_at: number;
  updated_at: number;
}

export interface LiveProgress {
  bytesDone: number;
  rate: number;
}

export function pullFiles(row: ModelPullRow): PullFile[] {
  return JSON.parse(row.files) as PullFile[];
}

export function toPull(row: ModelPullRow, live?: LiveProgress): Pull {
  const status = row.status as PullStatus;
  const active = status === 'downloading' || status === 'verifying';
  const bytesDone = live && active ? live.bytesDone : row.bytes_done;
  const rate = live && active ? Math.round(live.rate) : 0;
  return {
    id: row.id,
    object: 'model.pull',
    model: row.model,
    repo: row.repo,
    quantization: row.quantization,
    files: pullFiles(row).map((f) => f.name),
    status,
    bytes_total: row.bytes_total,
    bytes_done: bytesDone,
    rate_bytes_per_second: rate,
    eta_seconds: rate > 0 ? Math.ceil((row.bytes_total - bytesDone) / rate) : null,
    error: row.error === null ? null : { message: row.error },
    model_id: row.model_id,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

/** Bytes per second over the last few seconds of samples. */
export class RateMeter {
  private samples: Array<{ at: number; bytes: number }> = [];

  constructor(private readonly windowMs = 5000) {}

  add(at: number, bytes: number): void {
    this.samples.push({ at, bytes });
    while (this.samples.length > 2 && at - this.samples[0]!.at > this.windowMs) this.samples.shift();
  }

  get rate(): number {
    const first = this.samples[0];
    const last = this.samples.at(-1);
    if (!first || !last || last.at - first.at < 200) return 0;
    return ((last.bytes - first.bytes) * 1000) / (last.at - first.at);
  }
}

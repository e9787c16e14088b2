/**
 * Runs one pull to its end: downloads its files in turn (each resumed from its part file), and only when
 * the whole set is in and checked renames them into the models folder, where `/v1/models` lists them. The
 * outcome is saved on the pull's row: `completed`, `failed` with a message that says what to do, or what the
 * stop asked for (`paused`; `cancelled` with the part files removed; on close nothing, so the next start
 * resumes it).
 */
import { mkdir, rename, unlink } from 'node:fs/promises';
import { basename } from 'node:path';
import { asStorageFull, isStorageFull } from '../errors/storage-errors.js';
import type { ModelPullRow } from '../store/model-pulls-repo.js';
import type { HubClient } from './hub-client.js';
import { hubError } from './hub-errors.js';
import type { PartFileHasher } from './part-file-hasher.js';
import { downloadFile, type PullFile } from './pull-download.js';
import { pullFiles } from './pull-object.js';
import type { RunningPull } from './running-pull.js';

export interface PullRunDeps {
  client: HubClient;
  hasher: PartFileHasher;
  modelsDir: string;
  partPath(file: PullFile): string;
  targetPath(file: PullFile): string;
  retryDelayMs?: number | undefined;
  logger?: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void } | undefined;
}

/** Runs the download; rejects only when the pull's state cannot be saved (a download error is the `failed` state). */
export async function runPull(deps: PullRunDeps, running: RunningPull): Promise<void> {
  const { row, signal } = running;
  const files = pullFiles(row);
  try {
    await running.save({ status: 'downloading' });
    await mkdir(deps.modelsDir, { recursive: true });
    let before = 0;
    for (const file of files) {
      await downloadFile({
        client: deps.client, hasher: deps.hasher, repo: row.repo, file, partPath: deps.partPath(file), signal,
        onBytes: (bytes) => running.progress(before + bytes),
        // Not awaited (the callback is synchronous); the next write of this pull waits for it, and a failure is logged there.
        onVerifying: () => void running.save({ status: 'verifying', bytes_done: running.bytesDone }).catch(() => undefined),
        ...(deps.retryDelayMs !== undefined && { retryDelayMs: deps.retryDelayMs }),
      });
      before += file.size;
      if (file !== files.at(-1)) await running.save({ status: 'downloading', bytes_done: before });
    }
    // The whole set is in and checked: only now does the model folder see it.
    for (const file of files) await rename(deps.partPath(file), deps.targetPath(file));
    const modelId = basename(deps.targetPath(files[0]!)).replace(/\.gguf$/i, '');
    await running.save({ status: 'completed', bytes_done: row.bytes_total, model_id: modelId });
    deps.logger?.info({ pull: row.id, model: row.model, modelId }, 'model pull completed');
  } catch (error) {
    const reason = running.stopReason;
    if (reason === 'closing') return;
    if (reason === 'paused') {
      await running.save({ status: 'paused', bytes_done: running.bytesDone });
      return;
    }
    if (reason === 'cancelled') {
      await removeParts(deps, row);
      await running.save({ status: 'cancelled' });
      return;
    }
    const message = failureMessage(error, deps.client.endpoint, row.repo, deps.client.hasToken);
    deps.logger?.warn({ pull: row.id, model: row.model, error: message }, 'model pull failed');
    await running.save({ status: 'failed', bytes_done: running.bytesDone, error: message });
  }
}

/** Deletes a pull's part files (those that exist). */
export async function removeParts(deps: Pick<PullRunDeps, 'partPath'>, row: ModelPullRow): Promise<void> {
  await Promise.all(pullFiles(row).map((file) => unlink(deps.partPath(file)).catch(() => undefined)));
}

function failureMessage(error: unknown, endpoint: string, repo: string, hasToken: boolean): string {
  if (isStorageFull(error)) return asStorageFull(error)!.message;
  const mapped = hubError(error, endpoint, repo, hasToken);
  return mapped instanceof Error ? mapped.message : String(mapped);
}

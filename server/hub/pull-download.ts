/**
 * Downloads one file of a pull into its `.part` file, resuming: bytes already in the part file are kept, and
 * the rest is asked for with `Range`. The SHA-256 of the whole part file is computed on a worker thread that
 * follows the file as it is written (part-file-hasher.ts: no second pass over a finished download, and not on
 * this thread) and checked against the hub's LFS object id; a mismatch deletes the part
 * file, since its bytes cannot be trusted for another resume. A dropped connection is retried a few times
 * (each retry resumes where the part file ends) before the pull fails.
 */
import { createWriteStream } from 'node:fs';
import { stat, truncate, unlink } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { FetchError } from '../net/index.js';
import type { HubClient } from './hub-client.js';
import type { PartFileHasher, PartHash } from './part-file-hasher.js';

export interface PullFile {
  name: string;
  size: number;
  sha256: string | null;
}

export class ChecksumError extends Error {
  override name = 'ChecksumError';
}

export interface DownloadOptions {
  client: HubClient;
  hasher: PartFileHasher;
  repo: string;
  file: PullFile;
  partPath: string;
  signal: AbortSignal;
  /** Bytes of this file on disk so far (the part file's bytes included). */
  onBytes: (bytesOfFile: number) => void;
  /** Called when the bytes are in and the hash is being compared. */
  onVerifying?: () => void;
  /** Attempts on a dropped connection before giving up; default 5. */
  attempts?: number;
  /** First wait before a retry, doubled each time; default 500 ms. */
  retryDelayMs?: number;
}

const BUFFER_BYTES = 1 << 20;
const RETRYABLE = new Set(['network', 'truncated', 'range']);

const retryable = (error: unknown) =>
  error instanceof FetchError && (error.code === 'timeout' || (error.code === 'failed' && RETRYABLE.has(error.reason ?? '')) || (error.code === 'failed' && (error.status ?? 0) >= 500));

export async function downloadFile(options: DownloadOptions): Promise<void> {
  const attempts = options.attempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    try {
      return await downloadOnce(options);
    } catch (error) {
      if (options.signal.aborted || attempt >= attempts || !retryable(error)) throw error;
      await sleep((options.retryDelayMs ?? 500) * 2 ** (attempt - 1), undefined, { signal: options.signal });
    }
  }
}

async function downloadOnce({ client, hasher, repo, file, partPath, signal, onBytes, onVerifying }: DownloadOptions): Promise<void> {
  let have = (await stat(partPath).catch(() => undefined))?.size ?? 0;
  if (have > file.size) {
    await truncate(partPath, 0);
    have = 0;
  }
  let hash: PartHash | undefined;
  try {
    hash = hasher.follow(partPath);
    onBytes(have);
    if (have < file.size || file.size === 0) {
      // Progress and the hasher's nudges come from the fetcher's own count of the body (no stage of ours in between).
      let reported = have;
      const onProgress = (bytesOfFile: number) => {
        hash!.grew(bytesOfFile - reported);
        reported = bytesOfFile;
        onBytes(bytesOfFile);
      };
      const response = await client.openFile(repo, file.name, { startAt: have, signal, onProgress });
      if (response.offset === 0 && have > 0) {
        // The server sent the whole file: the part file starts again, and so does its hash.
        hash.drop();
        await truncate(partPath, 0);
        hash = hasher.follow(partPath);
        have = 0;
        reported = 0;
      }
      // 1 MiB buffered toward the disk: with the 16 KiB default the download waited on each small write.
      await pipeline(response.body, createWriteStream(partPath, { flags: have > 0 ? 'a' : 'w', highWaterMark: BUFFER_BYTES }), { signal });
    }
    onVerifying?.();
    const { digest, bytes } = await hash.digest();
    hash = undefined;
    if (bytes !== file.size || (file.sha256 !== null && digest !== file.sha256)) {
      await unlink(partPath).catch(() => undefined);
      throw new ChecksumError(
        bytes !== file.size
          ? `${file.name} arrived with ${bytes} bytes, not the ${file.size} the hub lists; the download was deleted.`
          : `${file.name} failed its SHA-256 check (got ${digest}, the hub lists ${file.sha256}); the download was deleted.`,
      );
    }
  } finally {
    hash?.drop();
  }
}

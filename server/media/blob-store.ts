/**
 * Content-addressed files on disk: `<root>/blobs/ab/abcdef…` named by SHA-256, so identical content is stored
 * once. New content is first written to `<root>/tmp/` while it is hashed (never held in memory), then moved
 * into place with a rename.
 *
 * Concurrency rule: `adopt` and `remove` are synchronous and run inside the store transaction that adds or
 * drops the blob's row, as its last step. Transactions on the blob's row do not interleave (SQLite runs one at
 * a time; on PostgreSQL an insert of a row another transaction is deleting waits for its commit), so an upload
 * of the same content cannot slip between the row change and the file change.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { MediaTooLargeError } from './media-errors.js';

/** A file on disk whose hash and size are known, not yet part of the store. */
export interface StagedFile {
  path: string;
  sha256: string;
  bytes: number;
}

export interface ByteRange {
  /** First byte, inclusive. */
  start: number;
  /** Last byte, inclusive. */
  end: number;
}

const SNIFF_BYTES = 64 * 1024;
/**
 * A temp file unchanged this long belongs to no running upload (each is written within one request, at most a
 * minute): left by a crash. Younger ones may be another replica's, on a media folder that several share.
 */
const STALE_TMP_MS = 10 * 60 * 1000;
const DRAIN_SLACK = 16 * 1024 * 1024;

export class BlobStore {
  readonly blobsDir: string;
  readonly tmpDir: string;

  constructor(readonly root: string) {
    this.blobsDir = join(root, 'blobs');
    this.tmpDir = join(root, 'tmp');
    mkdirSync(this.blobsDir, { recursive: true });
    mkdirSync(this.tmpDir, { recursive: true });
    this.removeStaleTemps();
  }

  /** Leftovers of uploads cut off by a crash are useless (the cleanup job sweeps the folder too, daily). */
  private removeStaleTemps(): void {
    const now = Date.now();
    for (const name of readdirSync(this.tmpDir)) {
      const path = join(this.tmpDir, name);
      try {
        if (now - statSync(path).mtimeMs > STALE_TMP_MS) this.discard(path);
      } catch {
        // gone meanwhile (another replica's upload finished)
      }
    }
  }

  pathOf(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a SHA-256: ${sha256}`);
    return join(this.blobsDir, sha256.slice(0, 2), sha256);
  }

  /**
   * Writes `source` to a temp file while hashing it; rejects (and deletes the file) past `maxBytes`. Past the
   * limit it keeps reading (and dropping) up to DRAIN_SLACK more bytes before it gives up on the source, so
   * that a client still sending a slightly too large body can read our 413 instead of a reset connection.
   */
  async stageStream(source: Readable, maxBytes: number): Promise<StagedFile> {
    const path = join(this.tmpDir, randomUUID());
    const hash = createHash('sha256');
    let bytes = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        bytes += chunk.length;
        if (bytes > maxBytes + DRAIN_SLACK) return callback(new MediaTooLargeError(maxBytes));
        if (bytes > maxBytes) return callback();
        hash.update(chunk);
        callback(null, chunk);
      },
    });
    try {
      await pipeline(source, meter, createWriteStream(path, { flags: 'wx' }));
      if (bytes > maxBytes) throw new MediaTooLargeError(maxBytes);
    } catch (error) {
      this.discard(path);
      throw error;
    }
    return { path, sha256: hash.digest('hex'), bytes };
  }

  /** Hashes a file that is already on disk (a finished resumable upload) without copying it. */
  async stageFile(path: string): Promise<StagedFile> {
    const hash = createHash('sha256');
    let bytes = 0;
    for await (const chunk of createReadStream(path)) {
      bytes += (chunk as Buffer).length;
      hash.update(chunk as Buffer);
    }
    return { path, sha256: hash.digest('hex'), bytes };
  }

  /** The first bytes of a file, for type sniffing. */
  async head(path: string, bytes = SNIFF_BYTES): Promise<Buffer> {
    const handle = await open(path, 'r');
    try {
      const buffer = Buffer.alloc(bytes);
      const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  }

  /** Moves a staged file into place, or drops it when the content is stored already. Synchronous on purpose. */
  adopt(staged: StagedFile): void {
    const target = this.pathOf(staged.sha256);
    if (existsSync(target)) {
      this.discard(staged.path);
      return;
    }
    mkdirSync(join(this.blobsDir, staged.sha256.slice(0, 2)), { recursive: true });
    renameSync(staged.path, target);
  }

  discard(path: string): void {
    try {
      unlinkSync(path);
    } catch {
      // already gone
    }
  }

  /** Deletes a blob's file. Synchronous on purpose (see the header). */
  remove(sha256: string): void {
    this.discard(this.pathOf(sha256));
  }

  read(sha256: string, range?: ByteRange): Readable {
    return createReadStream(this.pathOf(sha256), range ? { start: range.start, end: range.end } : {});
  }

  /** Hashes of the blob files on disk (for sweeping files whose rows are gone). */
  listOnDisk(): string[] {
    const out: string[] = [];
    for (const shard of readdirSync(this.blobsDir)) {
      for (const name of readdirSync(join(this.blobsDir, shard))) if (/^[0-9a-f]{64}$/.test(name)) out.push(name);
    }
    return out;
  }
}

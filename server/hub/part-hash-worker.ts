/**
 * Worker thread of part-file-hasher.ts: SHA-256 of files that are still being written. Each job follows one
 * part file from byte 0; on every message for it the worker reads what the file holds beyond its position
 * (into one reused buffer, from the page cache the download just wrote) and hashes it. On `end` it reads to
 * the end of the file and answers with the digest.
 *
 * A reader only sees bytes a write has finished putting in the file, and each byte of a part file is written
 * once, so what is hashed is what the download wrote, in order.
 */
import { createHash, type Hash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';

export type HashRequest =
  | { type: 'open'; id: number; path: string }
  | { type: 'grow' | 'end' | 'drop'; id: number };

export type HashAnswer = { id: number; digest: string; bytes: number } | { id: number; error: string };

interface Job {
  path: string;
  fd: number | undefined;
  position: number;
  hash: Hash;
}

const READ_BYTES = 1 << 20;
const buffer = Buffer.allocUnsafe(READ_BYTES);
const jobs = new Map<number, Job>();

/** Hashes the bytes written since the last call; the file may not exist yet when the download has not opened it. */
function catchUp(job: Job): void {
  if (job.fd === undefined) {
    try {
      job.fd = openSync(job.path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
  }
  for (let read = readSync(job.fd, buffer, 0, READ_BYTES, job.position); read > 0; read = readSync(job.fd, buffer, 0, READ_BYTES, job.position)) {
    job.hash.update(buffer.subarray(0, read));
    job.position += read;
  }
}

function drop(id: number): void {
  const job = jobs.get(id);
  jobs.delete(id);
  if (job?.fd !== undefined) closeSync(job.fd);
}

parentPort!.on('message', (request: HashRequest) => {
  const { id } = request;
  try {
    if (request.type === 'open') {
      jobs.set(id, { path: request.path, fd: undefined, position: 0, hash: createHash('sha256') });
      return;
    }
    const job = jobs.get(id);
    if (!job) return;
    if (request.type === 'drop') return drop(id);
    catchUp(job);
    if (request.type === 'end') {
      const answer: HashAnswer = { id, digest: job.hash.digest('hex'), bytes: job.position };
      drop(id);
      parentPort!.postMessage(answer);
    }
  } catch (error) {
    drop(id);
    parentPort!.postMessage({ id, error: (error as Error).message } satisfies HashAnswer);
  }
});

/**
 * What must hold before a pull starts: its files do not collide with an installed model or another running
 * pull (both would write the same file), and the disk has room for what is still to download (the bytes in
 * part files of an earlier attempt count as had). A full disk is a 507 that gives the numbers.
 */
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { AppError } from '../errors/app-error.js';
import type { PullFile } from './pull-download.js';

export interface NewPullCheck {
  files: readonly PullFile[];
  /** The files of the pulls not finished yet. */
  active: ReadonlyArray<readonly PullFile[]>;
  freeDiskBytes: () => Promise<number>;
  partPath: (file: PullFile) => string;
  targetPath: (file: PullFile) => string;
}

const exists = (path: string) => stat(path).then(() => true, () => false);
const size = (path: string) => stat(path).then((s) => s.size, () => 0);

export async function newPull(check: NewPullCheck): Promise<void> {
  const busy = new Set(check.active.flat().map((f) => basename(f.name)));
  for (const file of check.files) {
    const name = basename(file.name);
    if (busy.has(name)) {
      throw new AppError(409, 'conflict_error', `Another pull is downloading a file named ${name}; wait for it or cancel it.`, { code: 'pull_in_progress', param: 'model' });
    }
    if (await exists(check.targetPath(file))) {
      throw new AppError(409, 'conflict_error', `A model file named ${name} is installed already; delete that model first to pull it again.`, { code: 'model_exists', param: 'model' });
    }
  }
  const total = check.files.reduce((sum, f) => sum + f.size, 0);
  const had = (await Promise.all(check.files.map((f) => size(check.partPath(f))))).reduce((sum, n) => sum + n, 0);
  const needed = Math.max(0, total - had);
  const free = await check.freeDiskBytes();
  if (needed > free) {
    throw new AppError(
      507, 'server_error',
      `Not enough free disk space for this model: it needs ${needed} bytes (${gib(needed)}) and the models folder's disk has ${free} bytes (${gib(free)}) free. Free some space and retry.`,
      { code: 'insufficient_storage', param: 'model' },
    );
  }
}

const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(2)} GiB`;

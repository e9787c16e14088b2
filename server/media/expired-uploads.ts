/**
 * Deletes resumable uploads whose resume window has passed. The folder is written by the HTTP layer's tus
 * server in @tus/file-store's layout: `<id>` holds the bytes received so far and `<id>.json` the upload's
 * info, whose `creation_date` starts the window. A finished upload leaves the folder as it becomes a media
 * file, so whatever is found past its window is unfinished. (The same rule as @tus/file-store's own sweep;
 * it lives here because the domain owns the folder's lifetime and imports nothing of tus.)
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

const INFO_SUFFIX = '.json';

/** When the upload described by this info file was created (ms), or NaN when it cannot be told. */
async function createdAt(infoPath: string): Promise<number> {
  try {
    const info = JSON.parse(await readFile(infoPath, 'utf8')) as { creation_date?: unknown };
    return typeof info.creation_date === 'string' ? Date.parse(info.creation_date) : NaN;
  } catch {
    return NaN; // gone meanwhile, or half written: not judged this time
  }
}

/** Deletes every upload in `directory` created more than `expirationMs` before `now`; returns how many. */
export async function deleteExpiredUploads(directory: string, expirationMs: number, now = Date.now()): Promise<number> {
  const names = await readdir(directory).catch(() => [] as string[]);
  let deleted = 0;
  for (const name of names) {
    if (!name.endsWith(INFO_SUFFIX)) continue;
    const infoPath = join(directory, name);
    if (!(now > (await createdAt(infoPath)) + expirationMs)) continue;
    await rm(join(directory, name.slice(0, -INFO_SUFFIX.length)), { force: true });
    await rm(infoPath, { force: true });
    deleted += 1;
  }
  return deleted;
}

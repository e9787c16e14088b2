// Decides whether the server's build output is missing or older than its sources.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const root = new URL('../..', import.meta.url).pathname;
export const entry = join(root, 'dist/server/main.js');
export const stamp = join(root, 'dist/.build-stamp');
const inputs = ['server', 'package.json', 'tsconfig.json', 'tsconfig.build.json'];

function newestMtime(path) {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

export function buildIsStale() {
  let built;
  try {
    statSync(entry);
    built = statSync(stamp).mtimeMs;
  } catch {
    return true;
  }
  return inputs.some((input) => newestMtime(join(root, input)) > built);
}

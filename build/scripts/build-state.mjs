// Decides whether a build output (the server's dist/, the dashboard's renderer/dist/) is missing or older
// than its sources. Walks only the source folders, so `npm start` on a built checkout stays fast.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathFromUrl } from './script-paths.mjs';

export const root = pathFromUrl('../..', import.meta.url);
export const entry = join(root, 'dist/server/main.js');
export const stamp = join(root, 'dist/.build-stamp');
const inputs = ['server', 'package.json', 'tsconfig.json', 'tsconfig.build.json'];

export const rendererDir = join(root, 'renderer');
export const rendererIndex = join(rendererDir, 'dist/index.html');
export const rendererStamp = join(rendererDir, 'dist/.build-stamp');
// server/api is imported for types only, which never change the bundle.
const rendererInputs = ['renderer/src', 'renderer/index.html', 'renderer/vite.config.ts', 'renderer/tsconfig.json', 'package.json'];

function newestMtime(path) {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

function isStale(outputs, stampFile, sources) {
  let built;
  try {
    for (const output of outputs) statSync(output);
    built = statSync(stampFile).mtimeMs;
  } catch {
    return true;
  }
  return sources.some((input) => existsSync(join(root, input)) && newestMtime(join(root, input)) > built);
}

export function buildIsStale() {
  return isStale([entry], stamp, inputs);
}

/** False when there are no renderer sources at all (an installed copy that ships only the built files). */
export function rendererIsStale() {
  if (!existsSync(join(rendererDir, 'src'))) return false;
  return isStale([rendererIndex], rendererStamp, rendererInputs);
}

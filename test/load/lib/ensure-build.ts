/**
 * Builds the server into dist/ when the build is missing or older than its sources, as `npm start` does
 * (only the server: the bench does not need the dashboard).
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

interface BuildState {
  buildIsStale(): boolean;
}

interface BuildScript {
  build(): void;
}

const load = async <T>(root: string, file: string) => (await import(pathToFileURL(join(root, 'build/scripts', file)).href)) as T;

export async function ensureBuild(root: string): Promise<void> {
  if (!(await load<BuildState>(root, 'build-state.mjs')).buildIsStale()) return;
  process.stderr.write('bench: building the server (dist/ is missing or older than server/)\n');
  try {
    (await load<BuildScript>(root, 'build.mjs')).build();
  } catch {
    throw new Error('the server does not build (tsc errors above); fix them or bench a clean checkout');
  }
}

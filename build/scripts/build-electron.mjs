// Compiles the desktop shell (electron/ → dist/electron/; preload.cts → preload.cjs) with electron/tsconfig.json.
// It imports the server, so the server's files are compiled to dist/server/ as well (as `npm run build` does).
// `--all` builds the server and the dashboard first (what `npm run dist` and the packaging check need).
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { build, buildRenderer } from './build.mjs';
import { root } from './build-state.mjs';
import { isMain } from './script-paths.mjs';

export function buildElectron() {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  rmSync(join(root, 'dist/electron'), { recursive: true, force: true });
  execFileSync(process.execPath, [tsc, '-p', join(root, 'electron/tsconfig.json')], { stdio: 'inherit', cwd: root });
}

export function buildAll() {
  build();
  buildRenderer();
  buildElectron();
}

if (isMain(import.meta.url)) {
  if (process.argv.includes('--all')) buildAll();
  else buildElectron();
}

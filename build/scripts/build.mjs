// `npm run build`: compiles the server into dist/ and the dashboard into renderer/dist/, and records when,
// so `npm start` can skip either next time.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { rendererDir, rendererStamp, root, stamp } from './build-state.mjs';
import { isMain } from './script-paths.mjs';

const require = createRequire(import.meta.url);

/** The server (TypeScript → dist/). */
export function build() {
  const tsc = require.resolve('typescript/bin/tsc');
  rmSync(join(root, 'dist/server'), { recursive: true, force: true });
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
  mkdirSync(dirname(stamp), { recursive: true });
  writeFileSync(stamp, new Date().toISOString());
}

/** The dashboard (Vite → renderer/dist/). Throws when Vite is not installed (`npm install` without dev deps). */
export function buildRenderer() {
  const vite = join(dirname(require.resolve('vite/package.json')), 'bin/vite.js');
  execFileSync(process.execPath, [vite, 'build', '--config', join(rendererDir, 'vite.config.ts'), '--logLevel', 'warn'], {
    stdio: 'inherit',
    cwd: root,
    // A caller's NODE_ENV (vitest sets `test`) would make Vite bundle React's development build.
    env: { ...process.env, NODE_ENV: 'production' },
  });
  writeFileSync(rendererStamp, new Date().toISOString());
}

if (isMain(import.meta.url)) {
  build();
  buildRenderer();
}

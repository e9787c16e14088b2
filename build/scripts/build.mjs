// `npm run build`: compiles the server into dist/ and records when, so `npm start` can skip it next time.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { root, stamp } from './build-state.mjs';

export function build() {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  rmSync(join(root, 'dist/server'), { recursive: true, force: true });
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
  mkdirSync(dirname(stamp), { recursive: true });
  writeFileSync(stamp, new Date().toISOString());
}

if (import.meta.url === `file://${process.argv[1]}`) build();

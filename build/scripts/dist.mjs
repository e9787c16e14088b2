// `npm run dist`: builds everything and makes the installers for this OS with electron-builder
// (build/electron-builder.yml: AppImage + deb on Linux, dmg on macOS, nsis on Windows) into release/.
// Needs the network: electron-builder downloads Electron and its headers, and rebuilds better-sqlite3 for
// Electron's ABI in node_modules; afterwards this puts back the Node build that `npm start`/`npm test` use.
// Extra arguments go to electron-builder (e.g. `npm run dist -- --linux deb`).
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { buildAll } from './build-electron.mjs';
import { root } from './build-state.mjs';

const require = createRequire(import.meta.url);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

buildAll();
try {
  const cli = require.resolve('electron-builder/cli.js');
  execFileSync(process.execPath, [cli, '--config', join(root, 'build/electron-builder.yml'), ...process.argv.slice(2)], { stdio: 'inherit', cwd: root });
} finally {
  process.stderr.write('jan-server: rebuilding better-sqlite3 for Node again (for npm start / npm test)…\n');
  execFileSync(npm, ['rebuild', 'better-sqlite3'], { stdio: 'inherit', cwd: root, shell: process.platform === 'win32' });
}

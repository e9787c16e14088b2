// `npm run desktop`: the desktop app in development. Builds what is stale (server, dashboard) and the
// Electron shell, then runs `electron .` (package.json "main" → dist/electron/main.js).
// Electron downloads its binary on first use; where that is impossible (no network) this says so and stops.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { buildElectron } from './build-electron.mjs';
import { buildIsStale, rendererIsStale, root } from './build-state.mjs';

const require = createRequire(import.meta.url);
const electronDir = dirname(require.resolve('electron/package.json'));
const electronVersion = require('electron/package.json').version;

/** The installed binary, found the way the `electron` package's index.js finds it, without downloading. */
function electronBinary() {
  const pathFile = join(electronDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : undefined;
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const binary = override ? join(override, relative ?? 'electron') : relative && join(electronDir, 'dist', relative);
  return binary && existsSync(binary) ? binary : undefined;
}

function missingBinary() {
  process.stderr.write(
    [
      `jan-server: the Electron ${electronVersion} binary is not installed, so the desktop app cannot start here.`,
      '  Electron downloads it from GitHub on first use; this machine could not (no network access, or',
      '  ELECTRON_SKIP_BINARY_DOWNLOAD is set). Where the network allows it: `npx install-electron`, then',
      '  `npm run desktop` again; or set ELECTRON_OVERRIDE_DIST_PATH to an unpacked Electron of that version.',
      '  The server and its dashboard work without Electron: `npm start`, then open the printed link.',
      '',
    ].join('\n'),
  );
  process.exit(1);
}

const { build, buildRenderer } = await import('./build.mjs');
if (buildIsStale()) build();
if (rendererIsStale()) buildRenderer();
buildElectron();

let binary = electronBinary();
if (!binary && !process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
  process.stderr.write(`jan-server: downloading Electron ${electronVersion} (first run)…\n`);
  spawnSync(process.execPath, [join(electronDir, 'install.js')], { stdio: 'inherit' });
  binary = electronBinary();
}
if (!binary) missingBinary();

// better-sqlite3 is a native addon for one ABI: `npm install` builds it for Node's; Electron needs its own.
const addon = join(dirname(require.resolve('better-sqlite3/package.json')), 'build/Release/better_sqlite3.node');
const builtFor = /node_register_module_v(\d+)/.exec(readFileSync(addon, 'latin1'))?.[1];
const electronAbi = readFileSync(join(electronDir, 'abi_version'), 'utf8').trim();
if (builtFor !== electronAbi) {
  process.stderr.write(
    `jan-server: better-sqlite3 is built for ABI ${builtFor}; Electron ${electronVersion} needs ${electronAbi}.\n` +
      '  Run `npx electron-builder install-app-deps` (downloads Electron\'s headers), then `npm run desktop` again.\n' +
      '  Afterwards `npm rebuild better-sqlite3` restores the build that `npm start` and `npm test` use.\n',
  );
  process.exit(1);
}
const child = spawn(binary, [root], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

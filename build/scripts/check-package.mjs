// `npm run check:package`: checks the desktop packaging (build/electron-builder.yml) where Electron's binary
// cannot be downloaded. Runs `electron-builder --dir` for Linux x64 against a stub Electron folder with the
// native rebuild off, then reads the packed app: app.asar must hold the built server, shell and dashboard
// (and no sources, dev dependencies or other platforms' llama.cpp binaries), and every native or data file
// must be unpacked next to it. Prints a summary; exits non-zero on the first failed check.
// Needs the build output (dist/server, dist/electron, renderer/dist): `--build` builds it first.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root } from './build-state.mjs';
import { isMain, slashPath, toSlashes } from './script-paths.mjs';

const require = createRequire(import.meta.url);

/** A folder shaped like an unpacked Electron for Linux: the `electron` executable, resources/, LICENSE. */
function stubElectron(dir) {
  mkdirSync(join(dir, 'resources'), { recursive: true });
  writeFileSync(join(dir, 'electron'), '#!/bin/sh\necho "stub Electron: the real binary is not installed" >&2\nexit 1\n');
  chmodSync(join(dir, 'electron'), 0o755);
  writeFileSync(join(dir, 'LICENSE'), 'stub\n');
  writeFileSync(join(dir, 'version'), require('electron/package.json').version);
}

function walk(dir, base = dir, out = []) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, base, out);
    else out.push(slashPath(base, path));
  }
  return out;
}

/** Packs into a temporary folder; returns what the packed app holds. The caller removes `out`. */
export async function packDir() {
  const out = mkdtempSync(join(tmpdir(), 'jan-pack-'));
  stubElectron(join(out, 'electron-stub'));
  const { build, Platform, Arch } = require('electron-builder');
  const started = Date.now();
  await build({
    projectDir: root,
    targets: Platform.LINUX.createTarget('dir', Arch.x64),
    publish: 'never',
    config: {
      extends: join(root, 'build/electron-builder.yml'),
      electronDist: join(out, 'electron-stub'),
      electronVersion: require('electron/package.json').version,
      npmRebuild: false,
      directories: { output: join(out, 'release') },
    },
  });
  const resources = join(out, 'release/linux-unpacked/resources');
  const asar = require('@electron/asar');
  const archive = join(resources, 'app.asar');
  const entries = asar.listPackage(archive, { isPack: false });
  const packed = entries.filter((path) => {
    const stat = asar.statFile(archive, path.slice(1), false);
    return 'size' in stat && !stat.unpacked;
  }).map((path) => toSlashes(path)); // listPackage uses the OS's separator
  const unpackedDir = join(resources, 'app.asar.unpacked');
  const unpacked = existsSync(unpackedDir) ? walk(unpackedDir) : [];
  return { out, seconds: (Date.now() - started) / 1000, archive, packed, unpacked, asarBytes: statSync(archive).size, pkg: JSON.parse(asar.extractFile(archive, 'package.json').toString()) };
}

/** Files that must never be read from inside app.asar. */
export const NATIVE_OR_DATA = /\.(node|so(\.\d+)*|dylib|dll|wasm|traineddata(\.gz)?)$/;

export function checkPackage(result) {
  const { packed, unpacked, pkg } = result;
  const has = (path) => assert.ok(packed.includes(path), `app.asar lacks ${path}`);
  assert.equal(pkg.main, 'dist/electron/main.js');
  for (const path of ['/package.json', '/dist/server/start-server.js', '/dist/server/main.js', '/dist/electron/main.js',
    '/dist/electron/desktop.js', '/dist/electron/preload.cjs', '/renderer/dist/index.html', '/renderer/dist/.vite/manifest.json',
    '/build/icons/tray.png', '/node_modules/koa/package.json', '/node_modules/node-llama-cpp/package.json']) has(path);
  const forbidden = packed.filter((p) => /^\/(server|electron|test|renderer\/src)\//.test(p) || /\.map$/.test(p) ||
    /^\/node_modules\/(vitest|electron|electron-builder|@electron|eslint|vite)\//.test(p));
  assert.deepEqual(forbidden, [], 'sources, source maps or dev dependencies in app.asar');
  assert.deepEqual(packed.filter((p) => NATIVE_OR_DATA.test(p)), [], 'native or data files inside app.asar');
  const mustUnpack = ['/node_modules/better-sqlite3/build/Release/better_sqlite3.node',
    '/node_modules/@node-llama-cpp/linux-x64/bins/linux-x64/llama-addon.node'];
  for (const path of mustUnpack) assert.ok(unpacked.includes(path), `not unpacked: ${path}`);
  // electron-builder may nest tesseract.js-core under tesseract.js/node_modules/.
  assert.ok(unpacked.some((p) => /\/node_modules\/tesseract\.js-core\/tesseract-core-simd-lstm\.wasm$/.test(p)), 'tesseract core not unpacked');
  assert.ok(unpacked.some((p) => /^\/node_modules\/@node-llama-cpp\/linux-x64\/bins\/linux-x64\/libllama.*\.so$/.test(p)), 'libllama not unpacked');
  assert.ok(unpacked.some((p) => /^\/node_modules\/@tesseract\.js-data\/eng\/.*eng\.traineddata\.gz$/.test(p)), 'eng.traineddata not unpacked');
  const otherArch = [...packed, ...unpacked].filter((p) => /\/@node-llama-cpp\/(linux-arm|mac-|win-)[^/]*\/bins\//.test(p));
  assert.deepEqual(otherArch, [], 'llama.cpp binaries of other platforms packed');
}

function summary({ seconds, packed, unpacked, asarBytes }) {
  const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  const top = (list) => [...new Set(list.map((p) => p.split('/').slice(1, p.startsWith('/node_modules/@') ? 4 : 3).join('/')))];
  const natives = unpacked.filter((p) => NATIVE_OR_DATA.test(p));
  return [
    `electron-builder --dir: ${seconds.toFixed(1)} s`,
    `app.asar: ${packed.length} files, ${mb(asarBytes)}; top level: ${top(packed.filter((p) => !p.startsWith('/node_modules/'))).join(', ')}`,
    `app.asar: ${top(packed.filter((p) => p.startsWith('/node_modules/'))).length} node_modules packages`,
    `app.asar.unpacked: ${unpacked.length} files; packages: ${top(unpacked).join(', ')}`,
    `native/data files (all unpacked): ${natives.length}, e.g.`,
    ...natives.filter((p) => !/libggml-cpu-|cuda|vulkan/.test(p)).slice(0, 20).map((p) => `  ${p}`),
  ].join('\n');
}

if (isMain(import.meta.url)) {
  if (process.argv.includes('--build')) (await import('./build-electron.mjs')).buildAll();
  const result = await packDir();
  try {
    checkPackage(result);
    process.stdout.write(`${summary(result)}\npackaging check: ok\n`);
  } finally {
    if (!process.argv.includes('--keep')) rmSync(result.out, { recursive: true, force: true });
    else process.stdout.write(`kept ${result.out}\n`);
  }
}

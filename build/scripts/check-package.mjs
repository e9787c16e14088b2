// `npm run check:package`: checks the desktop packaging (build/electron-builder.yml) where Electron's binary
// cannot be downloaded. For every target the config ships (linux-x64, win-x64, mac-arm64, mac-x64) it runs
// `electron-builder --dir` against a stub Electron of that platform with the native rebuild off, each in its
// own child process, all at once; then it reads each packed app: app.asar must hold the built server, shell
// and dashboard (no sources, dev dependencies or other platforms' llama.cpp binaries), and every native or
// data file must be unpacked next to it. Native packages are the ones npm installed on this machine, so a
// target of another OS says which of its own natives are missing here and which of this machine's it got.
// A target of another OS that electron-builder cannot lay out here is reported as such (with why) and does not
// fail the check; a failed check of a laid-out target, or this OS's target not laid out, does (exit code 1). Needs the build output (dist/server, dist/electron,
// renderer/dist): `--build` builds it first. `--target=<name>` checks one target, `--keep` keeps the folders.
import { Buffer } from 'node:buffer';
import { spawn } from 'node:child_process';
import { chmodSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { root } from './build-state.mjs';
import { PLATFORMS } from './check-platforms.mjs';
import { isMain, slashPath, toSlashes } from './script-paths.mjs';

const require = createRequire(import.meta.url);
const electronVersion = () => require('electron/package.json').version;

/**
 * The targets of build/electron-builder.yml. `llama` is node-llama-cpp's name for the platform (its
 * `${os}-${arch}` files pattern), `npm` the check-platforms name whose expected native packages the target needs.
 */
export const TARGETS = [
  { name: 'linux-x64', platform: 'linux', arch: 'x64', llama: 'linux-x64', npm: 'linux-x64' },
  { name: 'win-x64', platform: 'win', arch: 'x64', llama: 'win-x64', npm: 'win32-x64' },
  { name: 'mac-arm64', platform: 'mac', arch: 'arm64', llama: 'mac-arm64', npm: 'darwin-arm64' },
  { name: 'mac-x64', platform: 'mac', arch: 'x64', llama: 'mac-x64', npm: 'darwin-x64' },
];

/** electron-builder's name for the OS this runs on. */
const OWN_PLATFORM = { linux: 'linux', win32: 'win', darwin: 'mac' }[process.platform];

/** Files that must never be read from inside app.asar. */
export const NATIVE_OR_DATA = /\.(node|so(\.\d+)*|dylib|dll|wasm|traineddata(\.gz)?)$/;
/** Machine code (as opposed to WebAssembly and data, which are the same on every platform). */
const MACHINE_CODE = /\.(node|so(\.\d+)*|dylib|dll)$/;

// ---- Stub Electron folders: just enough of each platform's layout for electron-builder to pack into ----

function plist(name) {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n` +
    `<plist version="1.0"><dict><key>CFBundleName</key><string>${name}</string><key>CFBundleExecutable</key><string>${name}</string>` +
    '<key>CFBundleIdentifier</key><string>com.github.Electron</string></dict></plist>\n';
}

/** A PE executable with a version resource: electron-builder writes the asar integrity into electron.exe's resources. */
function stubExe() {
  const { NtExecutable, NtExecutableResource, Resource } = createRequire(require.resolve('app-builder-lib/package.json'))('resedit');
  const exe = NtExecutable.createEmpty(false, false);
  const resource = NtExecutableResource.from(exe);
  const version = Resource.VersionInfo.createEmpty();
  version.lang = 1033;
  version.setStringValues({ lang: 1033, codepage: 1200 }, { ProductName: 'Electron', FileDescription: 'stub Electron' });
  version.outputToResourceEntries(resource.entries);
  resource.outputResource(exe);
  return Buffer.from(exe.generate());
}

function stubElectron(dir, platform) {
  const write = (path, content) => {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  };
  write('LICENSE', 'stub\n');
  write('version', electronVersion());
  if (platform === 'linux') {
    write('electron', '#!/bin/sh\necho "stub Electron: the real binary is not installed" >&2\nexit 1\n');
    chmodSync(join(dir, 'electron'), 0o755);
    mkdirSync(join(dir, 'resources'));
  } else if (platform === 'win') {
    write('electron.exe', stubExe());
    mkdirSync(join(dir, 'resources'));
  } else {
    write('Electron.app/Contents/Info.plist', plist('Electron'));
    write('Electron.app/Contents/MacOS/Electron', 'stub\n');
    mkdirSync(join(dir, 'Electron.app/Contents/Resources'));
    for (const helper of ['Electron Helper', 'Electron Helper (Renderer)', 'Electron Helper (GPU)', 'Electron Helper (Plugin)']) {
      write(`Electron.app/Contents/Frameworks/${helper}.app/Contents/Info.plist`, plist(helper));
      write(`Electron.app/Contents/Frameworks/${helper}.app/Contents/MacOS/${helper}`, 'stub\n');
    }
  }
}

// ---- Laying out one target (in a child process) and reading what it holds ----

function walk(dir, base = dir, out = []) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, base, out);
    else out.push(slashPath(base, path));
  }
  return out;
}

/** The first `app.asar` under `dir` (linux-unpacked/resources, win-unpacked/resources, mac*\/*.app/Contents/Resources). */
function findAsar(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (name === 'app.asar') return path;
    if (statSync(path).isDirectory()) {
      const found = findAsar(path);
      if (found) return found;
    }
  }
  return undefined;
}

/** Runs `electron-builder --dir` for one target into `out`; returns what the packed app holds. */
export async function layOut(target, out) {
  stubElectron(join(out, 'electron-stub'), target.platform);
  const { build, Platform, Arch } = require('electron-builder');
  const platform = { linux: Platform.LINUX, win: Platform.WINDOWS, mac: Platform.MAC }[target.platform];
  const started = Date.now();
  await build({
    projectDir: root,
    targets: platform.createTarget('dir', Arch[target.arch]),
    publish: 'never',
    config: {
      extends: join(root, 'build/electron-builder.yml'),
      electronDist: join(out, 'electron-stub'),
      electronVersion: electronVersion(),
      npmRebuild: false,
      directories: { output: join(out, 'release') },
      // Editing electron.exe's resources runs rcedit under wine and downloads winCodeSign; signing needs a Mac.
      win: { signAndEditExecutable: false },
      mac: { identity: null },
    },
  });
  const seconds = (Date.now() - started) / 1000;
  const archive = findAsar(join(out, 'release'));
  if (!archive) throw new Error('electron-builder wrote no app.asar');
  // linux-unpacked/, win-unpacked/ or mac*/ (holding the .app): what a user gets, before the installer.
  const appRoot = join(out, 'release', slashPath(join(out, 'release'), archive).split('/')[1]);
  const asar = require('@electron/asar');
  const entries = asar.listPackage(archive, { isPack: false });
  const packed = entries.filter((path) => {
    const stat = asar.statFile(archive, path.slice(1), false);
    return 'size' in stat && !stat.unpacked;
  }).map((path) => toSlashes(path)); // listPackage uses the OS's separator
  const unpackedDir = `${archive}.unpacked`;
  const unpacked = existsSync(unpackedDir) ? walk(unpackedDir) : [];
  const unpackedBytes = unpacked.reduce((sum, p) => sum + statSync(join(unpackedDir, p)).size, 0);
  return {
    seconds, appDir: slashPath(join(out, 'release'), appRoot).slice(1), appFiles: readdirSync(appRoot), entries: entries.length, packed, unpacked,
    asarBytes: statSync(archive).size, unpackedBytes, pkg: JSON.parse(asar.extractFile(archive, 'package.json').toString()),
  };
}

// ---- Checks ----

const installedHere = (name) => existsSync(join(root, 'node_modules', name, 'package.json'));

/** Problems (fail the check) and notes (what this machine cannot show) for one laid-out target. */
export function checkPackage(result, target) {
  const { packed, unpacked, pkg } = result;
  const problems = [];
  const notes = [];
  const expect = (ok, message) => ok || problems.push(message);
  expect(pkg.main === 'dist/electron/main.js', `package.json main is ${pkg.main}`);
  for (const path of ['/package.json', '/dist/server/start-server.js', '/dist/server/main.js', '/dist/electron/main.js',
    '/dist/electron/desktop.js', '/dist/electron/preload.cjs', '/renderer/dist/index.html', '/renderer/dist/.vite/manifest.json',
    '/build/icons/tray.png', '/node_modules/koa/package.json', '/node_modules/node-llama-cpp/package.json']) expect(packed.includes(path), `app.asar lacks ${path}`);
  const forbidden = packed.filter((p) => /^\/(server|electron|test|renderer\/src)\//.test(p) || /\.map$/.test(p) ||
    /^\/node_modules\/(vitest|electron|electron-builder|@electron|eslint|vite)\//.test(p));
  expect(forbidden.length === 0, `sources, source maps or dev dependencies in app.asar: ${forbidden.slice(0, 5).join(', ')}`);
  const inside = packed.filter((p) => NATIVE_OR_DATA.test(p));
  expect(inside.length === 0, `native or data files inside app.asar: ${inside.slice(0, 5).join(', ')}`);
  expect(unpacked.includes('/node_modules/better-sqlite3/build/Release/better_sqlite3.node'), 'better_sqlite3.node not unpacked');
  // electron-builder may nest tesseract.js-core under tesseract.js/node_modules/.
  expect(unpacked.some((p) => /\/node_modules\/tesseract\.js-core\/tesseract-core-simd-lstm\.wasm$/.test(p)), 'tesseract core not unpacked');
  expect(unpacked.some((p) => /^\/node_modules\/@tesseract\.js-data\/eng\/.*eng\.traineddata\.gz$/.test(p)), 'eng.traineddata not unpacked');
  expect(unpacked.some((p) => /^\/node_modules\/pdfjs-dist\/wasm\/.*\.wasm$/.test(p)), "pdf.js's WebAssembly decoders not unpacked");
  // llama.cpp: only this target's binaries (node-llama-cpp's `${os}-${arch}*` files patterns).
  const llamaDir = /\/(?:@node-llama-cpp\/([^/]+)\/bins|node-llama-cpp\/bins\/([^/]+)|node-llama-cpp\/llama\/localBuilds\/([^/]+))\//;
  const otherLlama = [...packed, ...unpacked].filter((p) => {
    const m = llamaDir.exec(p);
    return m && !(m[1] ?? m[2] ?? m[3]).startsWith(target.llama);
  });
  expect(otherLlama.length === 0, `llama.cpp binaries of other platforms packed: ${[...new Set(otherLlama.map((p) => llamaDir.exec(p)[0]))].join(', ')}`);
  // The target's own native packages (as check:platforms expects them): unpacked where npm installed them here.
  for (const name of PLATFORMS.find((p) => p.name === target.npm).expect) {
    const natives = unpacked.filter((p) => p.includes(`/node_modules/${name}/`) && MACHINE_CODE.test(p));
    if (!installedHere(name)) notes.push(`${name}: not installed on this machine (npm installs it on ${target.npm})`);
    else if (name.startsWith('@node-llama-cpp/')) expect(natives.some((p) => p.endsWith('/llama-addon.node')), `${name}'s llama-addon.node not unpacked`);
    else expect(natives.length > 0, `${name} is installed but none of its native files is unpacked`);
  }
  // Machine code this machine installed for itself: right in its own OS's package only.
  if (target.platform !== OWN_PLATFORM) {
    const foreign = unpacked.filter((p) => MACHINE_CODE.test(p)).map((p) => p.split('/').slice(1, -1).join('/').replace(/^node_modules\/|\/build\/Release$/g, ''));
    notes.push(`this machine's own builds, packed as they are (a build on ${target.platform} installs and rebuilds its own): ${[...new Set(foreign)].join(', ')}`);
  }
  return { problems, notes };
}

// ---- Report ----

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const packageOf = (p) => p.split('/').slice(1, p.startsWith('/node_modules/@') ? 4 : 3).join('/');

function summary(target, result, { problems, notes }) {
  const { seconds, packed, unpacked, asarBytes, unpackedBytes, entries, appDir, appFiles } = result;
  const natives = unpacked.filter((p) => NATIVE_OR_DATA.test(p));
  const byType = new Map();
  for (const p of natives) {
    const ext = NATIVE_OR_DATA.exec(p)[1].replace(/\..*/, ''); // so.1.2 → so, traineddata.gz → traineddata
    byType.set(ext, (byType.get(ext) ?? 0) + 1);
  }
  return [
    `\n== ${target.name}: ${appDir}/ (${appFiles.join(', ')}) laid out in ${seconds.toFixed(1)} s`,
    `  app.asar: ${entries} entries, ${packed.length} files packed, ${mb(asarBytes)}; ${new Set(packed.filter((p) => p.startsWith('/node_modules/')).map(packageOf)).size} node_modules packages; top level: ${[...new Set(packed.filter((p) => !p.startsWith('/node_modules/')).map(packageOf))].join(', ')}`,
    `  app.asar.unpacked: ${unpacked.length} files, ${mb(unpackedBytes)}; packages: ${[...new Set(unpacked.map(packageOf))].map((p) => p.replace(/^node_modules\//, '')).join(', ')}`,
    `  native/data files, all unpacked: ${natives.length} (${[...byType].map(([ext, n]) => `${n} .${ext}`).join(', ')}), e.g.`,
    ...natives.filter((p) => MACHINE_CODE.test(p) && !/libggml-cpu-|cuda|vulkan/.test(p)).slice(0, 12).map((p) => `    ${p}`),
    ...notes.map((n) => `  note: ${n}`),
    ...problems.map((p) => `  FAIL ${p}`),
  ].join('\n');
}

// ---- Running every target, each in a child process (they take ~30 s each, mostly copying files) ----

const self = fileURLToPath(import.meta.url);

/** Lays out one target in a child process; resolves with its result, or `{ error }` with the tail of its log. */
function layOutInChild(target, out) {
  return new Promise((resolve) => {
    const log = join(out, 'electron-builder.log');
    const child = spawn(process.execPath, [self, `--lay-out=${target.name}`, `--out=${out}`], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const file = createWriteStream(log);
    child.stdout.pipe(file);
    child.stderr.pipe(file);
    child.on('close', () => {
      file.end(() => {
        const resultFile = join(out, 'result.json');
        if (existsSync(resultFile)) return resolve(JSON.parse(readFileSync(resultFile, 'utf8')));
        resolve({ error: `the child process ended without a result (see ${log})` });
      });
    });
  });
}

async function main(argv) {
  if (argv.includes('--build')) (await import('./build-electron.mjs')).buildAll();
  const only = argv.find((a) => a.startsWith('--target='))?.slice('--target='.length);
  const targets = TARGETS.filter((t) => !only || t.name === only);
  if (targets.length === 0) throw new Error(`no target ${only}; the targets are ${TARGETS.map((t) => t.name).join(', ')}`);
  const started = Date.now();
  const outs = targets.map((t) => mkdtempSync(join(tmpdir(), `jan-pack-${t.name}-`)));
  try {
    const results = await Promise.all(targets.map((t, i) => layOutInChild(t, outs[i])));
    const rows = [];
    let failed = 0;
    for (const [i, target] of targets.entries()) {
      const result = results[i];
      if (result.error) {
        // This machine's own platform must always lay out; another platform's may need what is not here.
        const own = target.platform === OWN_PLATFORM;
        if (own) failed++;
        process.stdout.write(`\n== ${target.name}: ${own ? 'FAIL electron-builder could not lay out' : 'cannot be laid out on this machine (not a failure)'}: ${result.error}\n`);
        rows.push([target.name, 'not laid out', '', '', own ? 'FAIL' : 'skipped']);
        continue;
      }
      const checked = checkPackage(result, target);
      if (checked.problems.length > 0) failed++;
      process.stdout.write(`${summary(target, result, checked)}\n`);
      rows.push([target.name, `${result.seconds.toFixed(0)} s`, String(result.packed.length), String(result.unpacked.filter((p) => MACHINE_CODE.test(p)).length),
        checked.problems.length > 0 ? `FAIL (${checked.problems.length})` : checked.notes.length > 0 ? `ok, ${checked.notes.length} note(s)` : 'ok']);
    }
    const head = ['target', 'layout', 'app.asar files', 'unpacked machine code', 'result'];
    const width = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
    const line = (r) => `  ${r.map((v, c) => v.padEnd(width[c])).join('  ')}`.trimEnd();
    process.stdout.write(`\n${[line(head), ...rows.map(line)].join('\n')}\n`);
    process.stdout.write(`packaging check: ${failed === 0 ? 'ok' : `${failed} target(s) failed`} (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
    if (failed > 0) process.exitCode = 1;
  } finally {
    if (argv.includes('--keep')) process.stdout.write(`kept ${outs.join(' ')}\n`);
    else for (const out of outs) rmSync(out, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) {
  const layOutArg = process.argv.find((a) => a.startsWith('--lay-out='));
  if (layOutArg) {
    // The child: one target into --out, its result as result.json next to the log.
    const target = TARGETS.find((t) => t.name === layOutArg.slice('--lay-out='.length));
    const out = process.argv.find((a) => a.startsWith('--out=')).slice('--out='.length);
    const result = await layOut(target, out).catch((error) => ({ error: String(error.message ?? error).split('\n')[0] }));
    writeFileSync(join(out, 'result.json'), JSON.stringify(result));
  } else {
    await main(process.argv.slice(2));
  }
}

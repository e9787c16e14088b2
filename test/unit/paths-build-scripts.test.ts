/** build/scripts/script-paths.mjs: file URLs, main-module checks, import specifiers and `/` paths, for Windows and POSIX. */
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { importSpecifier, isMain, pathFromUrl, slashPath, toSlashes } from '../../build/scripts/script-paths.mjs';
import { root } from '../../build/scripts/build-state.mjs';

describe('script paths on Windows (path.win32, windows: true)', () => {
  const script = 'file:///C:/Users/ana/My%20Projects/jan/build/scripts/build.mjs';

  it('the repository folder from a module URL: a drive path with spaces, not /C:/…%20…', () => {
    expect(pathFromUrl('../..', script, true)).toBe('C:\\Users\\ana\\My Projects\\jan\\');
    expect(path.win32.join(pathFromUrl('../..', script, true), 'dist/server/main.js')).toBe('C:\\Users\\ana\\My Projects\\jan\\dist\\server\\main.js');
  });

  it('recognises the main module from argv[1] as Windows gives it', () => {
    expect(isMain(script, 'C:\\Users\\ana\\My Projects\\jan\\build\\scripts\\build.mjs', true)).toBe(true);
    expect(isMain(script, 'C:\\Users\\ana\\My Projects\\jan\\build\\scripts\\start.mjs', true)).toBe(false);
    expect(isMain(script, undefined, true)).toBe(false);
    // What the old check compared with: never equal on Windows, so `npm run build` did nothing there.
    expect(`file://${'C:\\Users\\ana\\My Projects\\jan\\build\\scripts\\build.mjs'}`).not.toBe(script);
  });

  it('imports a drive path through its file URL', () => {
    expect(importSpecifier('C:\\Users\\ana\\jan\\dist\\server\\main.js', true)).toBe('file:///C:/Users/ana/jan/dist/server/main.js');
  });

  it('names packed files with / whatever the separator', () => {
    expect(toSlashes('\\node_modules\\koa\\package.json', path.win32)).toBe('/node_modules/koa/package.json');
    expect(slashPath('C:\\out\\resources\\app.asar.unpacked', 'C:\\out\\resources\\app.asar.unpacked\\node_modules\\better-sqlite3\\build\\Release\\better_sqlite3.node', path.win32))
      .toBe('/node_modules/better-sqlite3/build/Release/better_sqlite3.node');
  });
});

describe('script paths on POSIX (path.posix, windows: false)', () => {
  const script = 'file:///home/ana/my%20projects/jan/build/scripts/build.mjs';

  it('the repository folder from a module URL, spaces decoded', () => {
    expect(pathFromUrl('../..', script, false)).toBe('/home/ana/my projects/jan/');
  });

  it('recognises the main module, also through a symlink (Node runs the real path)', () => {
    expect(isMain(script, '/home/ana/my projects/jan/build/scripts/build.mjs', false)).toBe(true);
    expect(isMain(script, '/home/ana/my projects/jan/build/scripts/dist.mjs', false)).toBe(false);
  });

  it('imports a path through its file URL (# and % are file name characters, not URL syntax)', () => {
    expect(importSpecifier('/srv/jan #2/dist/server/main.js', false)).toBe('file:///srv/jan%20%232/dist/server/main.js');
  });

  it('names packed files with /', () => {
    expect(slashPath('/tmp/out/resources/app.asar.unpacked', '/tmp/out/resources/app.asar.unpacked/node_modules/koa/package.json', path.posix))
      .toBe('/node_modules/koa/package.json');
    expect(toSlashes('a\\b/c', path.posix)).toBe('a\\b/c');
  });
});

describe('script paths on this machine', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'jan paths-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('isMain follows a symlinked argv[1] to the real file', () => {
    const real = path.join(dir, 'real.mjs');
    writeFileSync(real, '');
    const link = path.join(dir, 'link.mjs');
    try {
      symlinkSync(real, link);
    } catch {
      return; // no symlinks for this user (Windows without developer mode)
    }
    expect(isMain(pathToFileURL(real).href, link)).toBe(true);
  });

  it('build-state.mjs root is this repository as a path of this OS', () => {
    expect(path.resolve(root)).toBe(path.resolve(import.meta.dirname, '../..'));
  });
});

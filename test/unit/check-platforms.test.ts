/** check-platforms.mjs: npm's os/cpu/libc rule, the lock reading, and the verdicts (without running npm). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  PLATFORMS, allows, checkPlatform, nameFromLockKey, parseDryRun, type LockPackage, type Platform,
} from '../../build/scripts/check-platforms.mjs';

const byName = (name: string): Platform => PLATFORMS.find((p) => p.name === name)!;
const darwinArm = byName('darwin-arm64');
const linuxX64 = byName('linux-x64');

/** What npm would add for a lock on a platform: every entry its os/cpu/libc allows. */
function simulate(lock: { packages: Record<string, LockPackage> }, platform: Platform): Set<string> {
  return new Set(Object.entries(lock.packages).filter(([key, pkg]) => key !== '' && allows(pkg, platform))
    .map(([key, pkg]) => `${nameFromLockKey(key)}@${pkg.version}`));
}

const lockWith = (extra: Record<string, LockPackage>) => ({
  packages: {
    '': {},
    'node_modules/node-llama-cpp': { version: '3.21.1', hasInstallScript: true },
    'node_modules/@node-llama-cpp/mac-arm64-metal': { version: '3.21.1', os: ['darwin'], cpu: ['arm64', 'x64'], optional: true },
    'node_modules/@node-llama-cpp/linux-x64': { version: '3.21.1', os: ['linux'], cpu: ['x64'], libc: ['glibc'], optional: true },
    'node_modules/@napi-rs/canvas': { version: '0.1.100' },
    'node_modules/@napi-rs/canvas-darwin-arm64': { version: '0.1.100', os: ['darwin'], cpu: ['arm64'], optional: true },
    'node_modules/@napi-rs/canvas-linux-x64-gnu': { version: '0.1.100', os: ['linux'], cpu: ['x64'], libc: ['glibc'], optional: true },
    'node_modules/better-sqlite3': { version: '12.11.1', hasInstallScript: true },
    ...extra,
  } as Record<string, LockPackage>,
});

describe('allows (npm-install-checks rule)', () => {
  it('matches plain and negated os/cpu lists, and "any"', () => {
    expect(allows({ os: ['darwin'] }, darwinArm)).toBe(true);
    expect(allows({ os: ['linux'] }, darwinArm)).toBe(false);
    expect(allows({ os: 'darwin', cpu: 'x64' }, darwinArm)).toBe(false);
    expect(allows({ os: ['!win32'] }, darwinArm)).toBe(true);
    expect(allows({ os: ['!darwin'] }, darwinArm)).toBe(false);
    expect(allows({ cpu: ['any'] }, darwinArm)).toBe(true);
    expect(allows({}, darwinArm)).toBe(true);
  });

  it('libc exists on Linux only: a package that names a libc is excluded elsewhere', () => {
    expect(allows({ libc: ['glibc'] }, linuxX64)).toBe(true);
    expect(allows({ libc: ['musl'] }, linuxX64)).toBe(false);
    expect(allows({ libc: ['glibc'] }, darwinArm)).toBe(false);
  });
});

describe('lock keys and dry-run output', () => {
  it('names packages from nested and scoped lock keys', () => {
    expect(nameFromLockKey('node_modules/koa')).toBe('koa');
    expect(nameFromLockKey('node_modules/@napi-rs/canvas')).toBe('@napi-rs/canvas');
    expect(nameFromLockKey('node_modules/a/node_modules/@s/b')).toBe('@s/b');
  });

  it('reads `add <name> <version>` lines (CRLF too) and ignores the rest', () => {
    expect([...parseDryRun('add koa 3.3.0\r\nadd @napi-rs/canvas 0.1.100\n\nadded 2 packages in 1s\n')])
      .toEqual(['koa@3.3.0', '@napi-rs/canvas@0.1.100']);
  });
});

describe('checkPlatform', () => {
  it('passes when each platform gets its binaries and everything foreign is optional', () => {
    const lock = lockWith({});
    for (const platform of [darwinArm, linuxX64]) {
      const result = checkPlatform(lock, platform, simulate(lock, platform));
      expect(result.problems).toEqual([]);
      expect(result.rows.map((r) => r.name)).toContain(platform.expect[0]);
      expect(result.rows.find((r) => r.name === 'better-sqlite3')).toMatchObject({ tree: 'prod', optional: 'no', why: 'install script' });
    }
  });

  it('flags a required package another platform owns (the old direct @node-llama-cpp/linux-x64)', () => {
    const lock = lockWith({ 'node_modules/@node-llama-cpp/linux-x64': { version: '3.21.1', os: ['linux'], cpu: ['x64'], libc: ['glibc'] } });
    expect(checkPlatform(lock, linuxX64, simulate(lock, linuxX64)).problems).toEqual([]);
    expect(checkPlatform(lock, darwinArm, simulate(lock, darwinArm)).problems).toEqual([
      '@node-llama-cpp/linux-x64@3.21.1 is required (not optional) but its os linux; cpu x64; libc glibc excludes darwin-arm64: npm fails with EBADPLATFORM',
    ]);
  });

  it('flags a missing platform binary and a foreign package in the install list', () => {
    const lock = lockWith({});
    const added = simulate(lock, darwinArm);
    added.delete('@napi-rs/canvas-darwin-arm64@0.1.100');
    added.add('@node-llama-cpp/linux-x64@3.21.1');
    expect(checkPlatform(lock, darwinArm, added).problems).toEqual([
      '@node-llama-cpp/linux-x64@3.21.1 would be installed although its os linux; cpu x64; libc glibc excludes darwin-arm64',
      '@napi-rs/canvas-darwin-arm64 is not installed on darwin-arm64',
    ]);
  });

  it("the project's own package-lock.json installs on every platform", () => {
    const lock = JSON.parse(readFileSync(new URL('../../package-lock.json', import.meta.url), 'utf8')) as { packages: Record<string, LockPackage> };
    for (const platform of PLATFORMS) {
      expect(checkPlatform(lock, platform, simulate(lock, platform)).problems, platform.name).toEqual([]);
    }
  });
});

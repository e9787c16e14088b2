// Types for check-platforms.mjs (used by test/unit/check-platforms.test.ts).
export interface Platform {
  name: string;
  os: string;
  cpu: string;
  libc?: string;
  expect: string[];
}
export interface LockPackage {
  version?: string;
  os?: string | string[];
  cpu?: string | string[];
  libc?: string | string[];
  optional?: boolean;
  dev?: boolean;
  link?: boolean;
  hasInstallScript?: boolean;
}
export interface Row { name: string; version: string; tree: string; optional: string; why: string }
export const PLATFORMS: Platform[];
export function allows(pkg: LockPackage, platform: Pick<Platform, 'os' | 'cpu' | 'libc'>): boolean;
export function nameFromLockKey(key: string): string;
export function parseDryRun(stdout: string): Set<string>;
export function checkPlatform(lock: { packages?: Record<string, LockPackage> }, platform: Platform, added: Set<string>):
  { rows: Row[]; problems: string[]; total: number; skipped: number };

// `npm run check:platforms`: proves that package.json + package-lock.json install on every OS the desktop app
// ships for, from this one machine. For each platform it copies both files into a temporary folder and runs
// `npm ci --dry-run --os --cpu [--libc] --ignore-scripts` there (nothing is downloaded or written; npm reads
// the lock and prints `add <name> <version>` for what it would install). Then it checks:
//   - the native packages the server loads are selected: node-llama-cpp's prebuilt binary for the platform,
//     @napi-rs/canvas's platform package, better-sqlite3;
//   - no package whose `os`/`cpu`/`libc` excludes the platform is required (not optional) in the lock. npm
//     applies --os/--cpu to optional packages only and checks required ones against the machine it runs
//     on, so a required linux-only package passes a dry run here and fails with EBADPLATFORM on macOS and
//     Windows: this check reads the lock instead;
//   - nothing the dry run would add is excluded by its own `os`/`cpu`/`libc`.
// Prints a table per platform (platform-specific packages and packages with install scripts) and exits
// non-zero if any check failed. All platforms run at once; a few seconds in all.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { root } from './build-state.mjs';
import { isMain } from './script-paths.mjs';

/** The platforms the desktop app ships for, and the platform packages each must install. */
export const PLATFORMS = [
  { name: 'darwin-arm64', os: 'darwin', cpu: 'arm64', expect: ['@node-llama-cpp/mac-arm64-metal', '@napi-rs/canvas-darwin-arm64'] },
  { name: 'darwin-x64', os: 'darwin', cpu: 'x64', expect: ['@node-llama-cpp/mac-x64', '@napi-rs/canvas-darwin-x64'] },
  { name: 'win32-x64', os: 'win32', cpu: 'x64', expect: ['@node-llama-cpp/win-x64', '@napi-rs/canvas-win32-x64-msvc'] },
  { name: 'linux-arm64', os: 'linux', cpu: 'arm64', libc: 'glibc', expect: ['@node-llama-cpp/linux-arm64', '@napi-rs/canvas-linux-arm64-gnu'] },
  { name: 'linux-x64', os: 'linux', cpu: 'x64', libc: 'glibc', expect: ['@node-llama-cpp/linux-x64', '@napi-rs/canvas-linux-x64-gnu'] },
];

/** Installed on every platform (the platform-neutral halves of the native packages). */
const EXPECT_EVERYWHERE = ['node-llama-cpp', '@napi-rs/canvas', 'better-sqlite3'];

/** npm-install-checks' rule: no negated entry (`!x`) matches, and a plain entry matches if there is one. */
function listAllows(list, value) {
  const entries = typeof list === 'string' ? [list] : list;
  if (entries.length === 1 && entries[0] === 'any') return true;
  let negated = 0;
  let match = false;
  for (const entry of entries) {
    if (entry.startsWith('!')) {
      negated++;
      if (entry.slice(1) === value) return false;
    } else if (entry === value) match = true;
  }
  return match || negated === entries.length;
}

/** Whether a package's `os`/`cpu`/`libc` fields allow the platform (libc exists on Linux only, as in npm). */
export function allows(pkg, platform) {
  const libc = platform.os === 'linux' ? platform.libc : undefined;
  if (pkg.os && !listAllows(pkg.os, platform.os)) return false;
  if (pkg.cpu && !listAllows(pkg.cpu, platform.cpu)) return false;
  if (pkg.libc && (libc === undefined || !listAllows(pkg.libc, libc))) return false;
  return true;
}

/** `node_modules/a/node_modules/@s/b` → `@s/b`. Lock keys always use `/`, whatever the OS. */
export function nameFromLockKey(key) {
  const at = key.lastIndexOf('node_modules/');
  return at === -1 ? key : key.slice(at + 'node_modules/'.length);
}

/** The `name@version` set of `add <name> <version>` lines printed by `npm ci --dry-run`. */
export function parseDryRun(stdout) {
  const added = new Set();
  for (const line of stdout.split(/\r?\n/)) {
    const m = /^add (\S+) (\S+)$/.exec(line.trim());
    if (m) added.add(`${m[1]}@${m[2]}`);
  }
  return added;
}

const fields = (pkg) => [pkg.os && `os ${[pkg.os].flat().join(',')}`, pkg.cpu && `cpu ${[pkg.cpu].flat().join(',')}`,
  pkg.libc && `libc ${[pkg.libc].flat().join(',')}`].filter(Boolean).join('; ');

/**
 * Checks one platform: `lock` is package-lock.json (v2/v3), `added` what its dry run would add.
 * Returns the table rows (platform-specific packages that install, and packages with install scripts)
 * and the problems found.
 */
export function checkPlatform(lock, platform, added) {
  const rows = [];
  const problems = [];
  let skipped = 0;
  for (const [key, pkg] of Object.entries(lock.packages ?? {})) {
    if (key === '' || pkg.link) continue;
    const name = nameFromLockKey(key);
    const id = `${name}@${pkg.version}`;
    const platformSpecific = Boolean(pkg.os || pkg.cpu || pkg.libc);
    const fits = allows(pkg, platform);
    if (!fits && !pkg.optional) problems.push(`${id} is required (not optional) but its ${fields(pkg)} excludes ${platform.name}: npm fails with EBADPLATFORM`);
    if (!fits && added.has(id)) problems.push(`${id} would be installed although its ${fields(pkg)} excludes ${platform.name}`);
    if (!fits) skipped++;
    if (added.has(id) && (platformSpecific || pkg.hasInstallScript)) {
      rows.push({
        name, version: pkg.version,
        tree: pkg.dev ? 'dev' : 'prod',
        optional: pkg.optional ? 'yes' : 'no',
        why: [platformSpecific && fields(pkg), pkg.hasInstallScript && 'install script'].filter(Boolean).join('; '),
      });
    }
  }
  const addedNames = new Set([...added].map((id) => id.slice(0, id.lastIndexOf('@'))));
  for (const name of [...EXPECT_EVERYWHERE, ...platform.expect]) {
    if (!addedNames.has(name)) problems.push(`${name} is not installed on ${platform.name}`);
  }
  rows.sort((a, b) => (a.tree === b.tree ? a.name.localeCompare(b.name) : a.tree === 'prod' ? -1 : 1));
  return { rows, problems, total: added.size, skipped };
}

function table(rows) {
  const head = { name: 'package', version: 'version', tree: 'tree', optional: 'optional', why: 'why listed' };
  const cols = Object.keys(head);
  const width = Object.fromEntries(cols.map((c) => [c, Math.max(...[head, ...rows].map((r) => r[c].length))]));
  const line = (r) => `  ${cols.map((c) => r[c].padEnd(width[c])).join('  ')}`.trimEnd();
  return [line(head), `  ${cols.map((c) => '-'.repeat(width[c])).join('  ')}`, ...rows.map(line)].join('\n');
}

const run = promisify(execFile);

/** `npm ci --dry-run` for one platform in a temporary copy of package.json + package-lock.json. */
async function dryRun(platform) {
  const dir = mkdtempSync(join(tmpdir(), `jan-platform-${platform.name}-`));
  try {
    for (const file of ['package.json', 'package-lock.json']) copyFileSync(join(root, file), join(dir, file));
    const args = ['ci', '--dry-run', `--os=${platform.os}`, `--cpu=${platform.cpu}`, ...(platform.libc ? [`--libc=${platform.libc}`] : []),
      '--ignore-scripts', '--no-audit', '--no-fund', '--no-update-notifier', '--loglevel=error'];
    // Under `npm run`, npm_execpath is npm's own CLI script: run it with this Node (no npm.cmd shell on Windows).
    const cli = process.env.npm_execpath;
    const [file, argv] = cli && /\.[cm]?js$/.test(cli) ? [process.execPath, [cli, ...args]] : ['npm', args];
    const { stdout } = await run(file, argv, { cwd: dir, maxBuffer: 64 * 1024 * 1024, shell: file === 'npm' && process.platform === 'win32' });
    return parseDryRun(stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const started = Date.now();
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  const results = await Promise.all(PLATFORMS.map(async (platform) => {
    try {
      return { platform, ...checkPlatform(lock, platform, await dryRun(platform)) };
    } catch (err) {
      const detail = String(err.stderr || err.message).trim().split('\n').slice(0, 12).join('\n');
      return { platform, rows: [], problems: [`npm ci --dry-run failed:\n${detail}`], total: 0, skipped: 0 };
    }
  }));
  let failed = 0;
  for (const { platform, rows, problems, total, skipped } of results) {
    const flags = `--os=${platform.os} --cpu=${platform.cpu}${platform.libc ? ` --libc=${platform.libc}` : ''}`;
    console.log(`\n== ${platform.name} (${flags}): ${total} packages, ${skipped} left out as other platforms'`);
    if (rows.length) console.log(table(rows));
    for (const problem of problems) console.log(`  FAIL ${problem}`);
    if (problems.length) failed++;
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`\ncheck:platforms: ${PLATFORMS.length - failed} of ${PLATFORMS.length} platforms install (${seconds} s)`);
  if (failed) process.exitCode = 1;
}

if (isMain(import.meta.url)) await main();

// `npm run restore -- <backup file> [--data-dir DIR]`: replaces the server's database with a backup.
//
// Takes the data folder's lock (server/lifecycle/data-dir-lock.ts, the one every server holds for its whole
// life), so it refuses while a server runs on the folder, whatever files anyone deleted, and no server can
// start while it restores. It refuses a file that is not a sound Jan Server database (PRAGMA integrity_check).
// The current database (with its -wal, which may hold committed data) is kept beside it as
// jan.sqlite.before-restore-<time>, never deleted. The copy is made with SQLite's backup API into a temp
// file, fsynced, then renamed into place, so an interrupted restore leaves either the old database or the
// new one. Exit codes: 0 done, 1 refused or failed, 2 bad arguments.
import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import envPaths from 'env-paths';
import { buildIsStale, root } from './build-state.mjs';

const USAGE = 'Usage: npm run restore -- <backup file> [--data-dir DIR]   (default: $JAN_DATA_DIR or the OS data folder)';
const DB = 'jan.sqlite';

function fail(message, code = 1) {
  process.stderr.write(`restore: ${message}\n`);
  process.exit(code);
}

function args() {
  try {
    const { values, positionals } = parseArgs({ allowPositionals: true, options: { 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
    if (values.help) {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    }
    if (positionals.length !== 1) fail(USAGE, 2);
    const dataDir = values['data-dir'] ?? process.env.JAN_DATA_DIR ?? envPaths('jan-server', { suffix: '' }).data;
    return { backup: resolve(positionals[0]), dataDir: resolve(dataDir) };
  } catch (error) {
    fail(`${error.message}\n${USAGE}`, 2);
  }
}

/**
 * A module of the server (path under server/, no extension): the built one when the build is fresh, else
 * its sources through tsx (a checkout), else it builds first, as `npm start` does.
 */
async function importServerModule(path) {
  const built = pathToFileURL(join(root, 'dist/server', `${path}.js`)).href;
  if (!buildIsStale()) return import(built);
  const tsx = await import('tsx/esm/api').catch(() => undefined);
  if (tsx) return tsx.tsImport(pathToFileURL(join(root, 'server', `${path}.ts`)).href, import.meta.url);
  process.stderr.write('restore: building the server first (sources changed)…\n');
  const { build } = await import('./build.mjs');
  build();
  return import(built);
}

/** The data folder's lock, taken for this process, or a refusal naming who holds it. */
async function lockDataFolder(dataDir) {
  const { DataDirInUseError, describeLockHolder, lockDataDir } = await importServerModule('lifecycle/data-dir-lock');
  try {
    return lockDataDir(dataDir, 'restore');
  } catch (error) {
    if (!(error instanceof DataDirInUseError)) throw error;
    fail(`${dataDir} is in use by ${describeLockHolder(error.holder)}; stop it first (Ctrl-C, or quit the app), then run this again.`);
  }
}

function checkBackup(path) {
  if (!existsSync(path)) fail(`${path} does not exist.`);
  let db;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    const problems = db.pragma('integrity_check').map((row) => row.integrity_check);
    if (problems.length !== 1 || problems[0] !== 'ok') fail(`${path} fails SQLite's integrity check: ${problems.slice(0, 3).join('; ')}`);
    const tables = new Set(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all());
    if (!tables.has('conversations') || !tables.has('users')) fail(`${path} is not a Jan Server database.`);
    return db.pragma('user_version', { simple: true });
  } catch (error) {
    fail(`${path} is not a readable SQLite database (${error.message}).`);
  } finally {
    db?.close();
  }
}

function fsyncFile(path, flags = 'r+') {
  const fd = openSync(path, flags);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

async function main() {
  const { backup, dataDir } = args();
  const version = checkBackup(backup);
  const lock = await lockDataFolder(dataDir); // held until the restore is done (or the process ends)
  try {
    await restoreInto(dataDir, backup, version);
  } finally {
    lock.release();
  }
}

async function restoreInto(dataDir, backup, version) {
  const target = join(dataDir, DB);
  const incoming = `${target}.restoring`;
  rmSync(incoming, { force: true });
  const source = new Database(backup, { readonly: true });
  try {
    await source.backup(incoming);
  } finally {
    source.close();
  }
  fsyncFile(incoming);
  let kept = null;
  if (existsSync(target)) {
    kept = `${target}.before-restore-${new Date().toISOString().replace(/[-:.]/g, '')}`;
    for (const suffix of ['-wal', '-shm']) if (existsSync(target + suffix)) renameSync(target + suffix, kept + suffix);
    renameSync(target, kept);
  }
  renameSync(incoming, target);
  fsyncFile(dataDir, 'r');
  process.stdout.write(`Restored ${backup} (schema version ${version}) into ${target}.\n`);
  if (kept) process.stdout.write(`The previous database is kept as ${kept}.\n`);
}

main().catch((error) => fail(error.stack ?? String(error)));

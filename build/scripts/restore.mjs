// `npm run restore -- <backup file> [--data-dir DIR]`: replaces the server's database with a backup.
//
// Refuses while a server runs on the data folder (its jan-server.pid names a live process) and refuses a
// file that is not a sound Jan Server database (PRAGMA integrity_check). The current database (with its
// -wal, which may hold committed data) is kept beside it as jan.sqlite.before-restore-<time>, never deleted.
// The copy is made with SQLite's backup API into a temp file, fsynced, then renamed into place, so an
// interrupted restore leaves either the old database or the new one. Exit codes: 0 done, 1 refused or
// failed, 2 bad arguments.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import envPaths from 'env-paths';

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

/** The pid in jan-server.pid when that process is alive. */
function runningServer(dataDir) {
  let pid;
  try {
    pid = Number(readFileSync(join(dataDir, 'jan-server.pid'), 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    return error.code === 'EPERM' ? pid : undefined;
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
  const pid = runningServer(dataDir);
  if (pid !== undefined) fail(`a server (pid ${pid}) is running on ${dataDir}; stop it first (Ctrl-C, or quit the app), then run this again.`);
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

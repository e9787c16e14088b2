/**
 * A real PostgreSQL server for tests: Debian's `initdb` + `postgres` (version 15) in a fresh temp folder,
 * listening on 127.0.0.1 on a free port and on a unix socket in that folder, with durability off (fsync,
 * synchronous_commit, full_page_writes) because a test database never outlives its run. Nothing assumes a
 * service manager. PostgreSQL refuses to run as root (and tests and CI run as root), so as root the server runs
 * as the `postgres` system user, or `nobody` when there is none.
 *
 * With `JAN_TEST_POSTGRES_URL` set (a superuser's URL), that server is used instead and nothing is started;
 * `stop()` then drops only the databases this handle created.
 *
 * Lifecycle: one handle per caller (no module state); `stop()` ends the server and removes its folder. A test
 * process that dies without `stop()` still ends its server (an `exit` listener kills it).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { endChild, freePort, unprivilegedUser, waitUntilReady } from './service-process.js';

export interface PostgresServer {
  /** A superuser's URL of the server's `postgres` database. */
  url: string;
  /** Creates a fresh, empty database and returns its URL. */
  createDatabase(): Promise<string>;
  /** Stops the server (or, on a reused one, drops the databases this handle created). */
  stop(): Promise<void>;
  /** The postmaster's process id (its backends are its children); undefined on a reused server. */
  pid?: number;
}

const superuser = 'postgres';

/** Starts a server (or reuses `JAN_TEST_POSTGRES_URL`'s). */
export async function startPostgres(): Promise<PostgresServer> {
  const reuse = process.env.JAN_TEST_POSTGRES_URL;
  if (reuse) return databases(reuse, async () => undefined);
  const bin = binDir();
  const folder = await mkdtemp(join(tmpdir(), 'jan-pg-'));
  const owner = unprivilegedUser('postgres', 'nobody');
  if (process.getuid?.() === 0 && !owner) throw new Error('running as root, and neither a postgres nor a nobody user exists to run PostgreSQL as');
  if (owner) await chown(folder, owner.uid, owner.gid);
  const data = join(folder, 'data');
  try {
    execFileSync(join(bin, 'initdb'), ['-D', data, '-U', superuser, '-A', 'trust', '-E', 'UTF8', '--no-locale', '--no-sync'], {
      stdio: 'pipe', ...owner, cwd: folder,
    });
  } catch (error) {
    await rm(folder, { recursive: true, force: true });
    throw new Error(`initdb failed: ${String((error as { stderr?: Buffer }).stderr ?? error)}`);
  }
  // A free port can be taken between our check and the server's bind: try a few.
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const child = spawn(join(bin, 'postgres'), [
      '-D', data, '-h', '127.0.0.1', '-p', String(port), '-k', folder,
      '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200',
    ], { stdio: ['ignore', 'pipe', 'pipe'], ...owner, cwd: folder });
    const killOnExit = (): void => void child.kill('SIGKILL');
    process.once('exit', killOnExit);
    const url = `postgres://${superuser}@127.0.0.1:${port}/postgres`;
    try {
      await waitReady(url, child);
    } catch (error) {
      lastError = error;
      process.removeListener('exit', killOnExit);
      await stopPostgres(child);
      continue;
    }
    const handle = databases(url, async () => {
      process.removeListener('exit', killOnExit);
      await stopPostgres(child);
      await rm(folder, { recursive: true, force: true });
    });
    return { ...handle, pid: child.pid };
  }
  await rm(folder, { recursive: true, force: true });
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}

/** The handle over a running server: fresh databases on demand, `stop` after dropping them. */
function databases(url: string, stopServer: () => Promise<void>): PostgresServer {
  const created: string[] = [];
  const admin = async <T>(fn: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  };
  return {
    url,
    async createDatabase() {
      const name = `jan_test_${randomBytes(6).toString('hex')}`;
      await admin((client) => client.query(`CREATE DATABASE ${name}`));
      created.push(name);
      const target = new URL(url);
      target.pathname = `/${name}`;
      return target.toString();
    },
    async stop() {
      if (created.length > 0) {
        // WITH (FORCE) ends connections a test left open (PostgreSQL 13+).
        await admin(async (client) => {
          for (const name of created.splice(0)) await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        }).catch(() => undefined);
      }
      await stopServer();
    },
  };
}

/** Whether tests can have a PostgreSQL: a server to reuse, or the programs to start one. */
export function postgresAvailable(): boolean {
  if (process.env.JAN_TEST_POSTGRES_URL) return true;
  try {
    binDir();
    return true;
  } catch {
    return false;
  }
}

/** PostgreSQL's program folder: `pg_config --bindir`, else Debian's version 15 folder, else PATH. */
function binDir(): string {
  try {
    const dir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    if (dir && existsSync(join(dir, 'postgres'))) return dir;
  } catch {
    // no pg_config: try the usual folder
  }
  const debian = '/usr/lib/postgresql/15/bin';
  if (existsSync(join(debian, 'postgres'))) return debian;
  for (const dir of (process.env.PATH ?? '').split(':')) if (dir && existsSync(join(dir, 'postgres'))) return dir;
  throw new Error('PostgreSQL not found: install Debian\'s postgresql (initdb and postgres), or set JAN_TEST_POSTGRES_URL');
}

/** Resolves once a connection succeeds; rejects with the server's log if it exits first or takes over 30 s. */
async function waitReady(url: string, child: ChildProcess): Promise<void> {
  let log = '';
  child.stdout!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  await waitUntilReady(child, async () => {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  }, { name: 'PostgreSQL', timeoutMs: 30_000, intervalMs: 50, log: () => log });
}

/** Fast shutdown (SIGINT: roll back open transactions, disconnect clients), SIGKILL if it lingers. */
function stopPostgres(child: ChildProcess): Promise<void> {
  return endChild(child, 'SIGINT', 10_000);
}

/**
 * A real Redis server for tests: Debian's `redis-server` on 127.0.0.1 and a free port, with nothing persisted
 * (`--save ''`, no append-only file) and its working folder a fresh temp folder. Nothing assumes a service
 * manager. Redis runs fine as root, but as root it runs as `nobody` here anyway (the same rule as
 * postgres-server.ts: a test server holds no privilege it does not need).
 *
 * With `JAN_TEST_REDIS_URL` set, that server is used instead and nothing is started (`stop()` does nothing;
 * callers isolate themselves by key prefix or database number).
 *
 * Lifecycle: one handle per caller (no module state); `stop()` ends the server and removes its folder; `kill()`
 * ends it at once (SIGKILL), for tests of what replicas do when Redis goes away. A test process that dies
 * without `stop()` still ends its server (an `exit` listener kills it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { endChild, freePort, unprivilegedUser, waitUntilReady } from './service-process.js';

export interface RedisServer {
  /** `redis://127.0.0.1:<port>`. */
  url: string;
  port: number;
  /** The server's process id (a new one after `restart()`); undefined on a reused server. */
  readonly pid: number | undefined;
  /** Ends the server (SIGTERM, SIGKILL if it lingers) and removes its folder. */
  stop(): Promise<void>;
  /** Ends the server at once (SIGKILL); the folder stays until `stop()`. */
  kill(): Promise<void>;
  /** Starts the server again on the same port (after `kill()`). */
  restart(): Promise<void>;
}

const BIN = process.env.JAN_TEST_REDIS_SERVER ?? '/usr/bin/redis-server';

export async function startRedis(): Promise<RedisServer> {
  const reuse = process.env.JAN_TEST_REDIS_URL;
  if (reuse) {
    const port = Number(new URL(reuse).port || 6379);
    const none = async () => undefined;
    return { url: reuse, port, pid: undefined, stop: none, kill: none, restart: none };
  }
  const folder = await mkdtemp(join(tmpdir(), 'jan-redis-'));
  const owner = unprivilegedUser('nobody'); // none: Redis runs as root, which it allows
  if (owner) await chown(folder, owner.uid, owner.gid);
  // A free port can be taken between our check and the server's bind: try a few.
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    let child: ChildProcess;
    try {
      child = await launch(port, folder, owner);
    } catch (error) {
      lastError = error;
      continue;
    }
    const stopChild = async (signal: NodeJS.Signals) => {
      process.removeListener('exit', killOnExit);
      await endChild(child, signal);
    };
    const killOnExit = (): void => void child.kill('SIGKILL');
    process.once('exit', killOnExit);
    return {
      url: `redis://127.0.0.1:${port}`,
      port,
      get pid() {
        return child.pid;
      },
      kill: () => stopChild('SIGKILL'),
      async restart() {
        await stopChild('SIGKILL');
        child = await launch(port, folder, owner);
        process.once('exit', killOnExit);
      },
      async stop() {
        await stopChild('SIGTERM');
        await rm(folder, { recursive: true, force: true });
      },
    };
  }
  await rm(folder, { recursive: true, force: true });
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}

async function launch(port: number, folder: string, owner: { uid: number; gid: number } | undefined): Promise<ChildProcess> {
  const child = spawn(BIN, [
    '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', folder,
    '--daemonize', 'no', '--protected-mode', 'yes', '--loglevel', 'warning',
  ], { stdio: ['ignore', 'pipe', 'pipe'], ...owner, cwd: folder });
  try {
    await waitReady(port, child);
    return child;
  } catch (error) {
    await endChild(child, 'SIGKILL');
    throw error;
  }
}

/** One PING over a raw socket: true when the server answers PONG. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (chunk: Buffer) => done(chunk.toString().startsWith('+PONG')));
  });
}

/** Resolves once the server answers PING; rejects with its log if it exits first or takes over 10 s. */
async function waitReady(port: number, child: ChildProcess): Promise<void> {
  let log = '';
  child.stdout!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.once('error', (error) => (log += String(error)));
  await waitUntilReady(child, () => ping(port), { name: 'redis-server', timeoutMs: 10_000, intervalMs: 25, log: () => log });
}


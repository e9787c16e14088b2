/**
 * What the test services (PostgreSQL, Redis, haproxy, Prometheus) have in common: a free loopback port, an
 * unprivileged user to run as when the tests run as root, waiting until one answers, and ending a child process.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** As root: the first of `names` that exists in /etc/passwd (its uid and gid); otherwise none (run as ourselves). */
export function unprivilegedUser(...names: string[]): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const users = new Map<string, { uid: number; gid: number }>();
  for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
    const [name, , uid, gid] = line.split(':');
    if (name && uid && gid) users.set(name, { uid: Number(uid), gid: Number(gid) });
  }
  for (const name of names) {
    const user = users.get(name);
    if (user) return user;
  }
  return undefined;
}

/** A port nothing listens on now on 127.0.0.1 (another process may take it before we bind: callers retry). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Sends `signal` and waits for the exit; SIGKILL after `killAfterMs`. */
export async function endChild(child: ChildProcess, signal: NodeJS.Signals, killAfterMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  await exited;
  clearTimeout(timer);
}

export interface ReadyOptions {
  /** Named in the error. */
  name: string;
  timeoutMs: number;
  intervalMs: number;
  /** What the process printed so far (for the error). */
  log: () => string;
}

/** Asks `ready` until it answers true; fails, with the process's output, once it has exited or the time is up. */
export async function waitUntilReady(child: ChildProcess, ready: () => Promise<boolean>, options: ReadyOptions): Promise<void> {
  let exited = child.exitCode !== null || child.signalCode !== null;
  child.once('exit', () => (exited = true));
  child.once('error', () => (exited = true));
  const deadline = Date.now() + options.timeoutMs;
  while (!exited && Date.now() < deadline) {
    if (await ready()) return;
    await sleep(options.intervalMs);
  }
  throw new Error(`${options.name} did not start${exited ? ' (it exited)' : ''}: ${options.log()}`);
}

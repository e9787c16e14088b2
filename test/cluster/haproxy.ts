/**
 * Debian's haproxy in front of the replicas, as a load balancer in production would be: round robin, health
 * checks on `/readyz` every `checkIntervalMs` (down after 3 failures, up after 2 successes), a request that could
 * not reach a server (connection refused or reset before a response) retried on another one, and a stats page
 * (CSV) to read each server's state. Runs in a temp folder, as `nobody` when the tests run as root.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { endChild, freePort, unprivilegedUser, waitUntilReady } from './service-process.js';

export interface HaproxyOptions {
  /** The replicas' ports on 127.0.0.1. */
  backends: number[];
  /** Health-check interval (default 500 ms). */
  checkIntervalMs?: number;
}

export interface BackendState {
  name: string;
  /** `UP`, `DOWN`, `MAINT`, or a transition such as `UP 1/2`. */
  status: string;
}

export interface Haproxy {
  /** `http://127.0.0.1:<port>`: the cluster's address. */
  url: string;
  /** haproxy's process id (to read its CPU time from /proc). */
  pid: number | undefined;
  /** Each backend server's state, from the stats page. */
  states(): Promise<BackendState[]>;
  stop(): Promise<void>;
}

const BIN = process.env.JAN_TEST_HAPROXY ?? '/usr/sbin/haproxy';

export function configFor(port: number, statsPort: number, options: HaproxyOptions): string {
  const inter = options.checkIntervalMs ?? 500;
  return [
    'global',
    '  maxconn 4096',
    'defaults',
    '  mode http',
    '  timeout connect 2s',
    '  timeout client 60s',
    '  timeout server 60s',
    '  timeout http-keep-alive 5s',
    // A request that never reached a server (refused, reset, closed before any response) goes to another one.
    '  retries 3',
    '  option redispatch 1',
    '  retry-on conn-failure empty-response',
    'frontend api',
    `  bind 127.0.0.1:${port}`,
    '  default_backend replicas',
    'frontend stats',
    `  bind 127.0.0.1:${statsPort}`,
    '  stats enable',
    '  stats uri /stats',
    'backend replicas',
    '  balance roundrobin',
    '  option httpchk GET /readyz',
    // A check may wait behind real work on a busy replica: give it longer than the interval before it counts as failed.
    `  timeout check ${inter * 2}`,
    '  http-check expect status 200',
    ...options.backends.map((backend, i) => `  server replica${i + 1} 127.0.0.1:${backend} check inter ${inter} fall 3 rise 2`),
    '',
  ].join('\n');
}

export async function startHaproxy(options: HaproxyOptions): Promise<Haproxy> {
  const folder = await mkdtemp(join(tmpdir(), 'jan-haproxy-'));
  const owner = unprivilegedUser('nobody');
  if (owner) await chown(folder, owner.uid, owner.gid);
  const port = await freePort();
  const statsPort = await freePort();
  const configFile = join(folder, 'haproxy.cfg');
  await writeFile(configFile, configFor(port, statsPort, options));
  const child: ChildProcess = spawn(BIN, ['-db', '-f', configFile], { stdio: ['ignore', 'pipe', 'pipe'], cwd: folder, ...owner });
  let log = '';
  child.stdout!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const url = `http://127.0.0.1:${port}`;
  const states = async (): Promise<BackendState[]> => {
    const csv = await (await fetch(`http://127.0.0.1:${statsPort}/stats;csv`)).text();
    const [header, ...lines] = csv.replace(/^# /, '').trim().split('\n');
    const columns = header!.split(',');
    const at = (name: string) => columns.indexOf(name);
    return lines
      .map((line) => line.split(','))
      .filter((cells) => cells[at('pxname')] === 'replicas' && cells[at('svname')] !== 'BACKEND')
      .map((cells) => ({ name: cells[at('svname')]!, status: cells[at('status')]! }));
  };
  await waitUntilReady(child, () => states().then(() => true, () => false), { name: 'haproxy', timeoutMs: 10_000, intervalMs: 50, log: () => log });
  return {
    url,
    pid: child.pid,
    states,
    async stop() {
      process.removeListener('exit', killOnExit);
      await endChild(child, 'SIGTERM');
      await rm(folder, { recursive: true, force: true });
    },
  };
}

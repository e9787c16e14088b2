/**
 * Runs the built server (`node dist/server/main.js`) as a child process, so that the load generator (this
 * process) and the server run on different cores. `stop()` sends SIGTERM and waits for the exit (the server
 * drains and closes its database; a CPU profile is written then); `kill()` is the synchronous last resort
 * for an exiting parent.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface ServerChildOptions {
  root: string;
  dataDir: string;
  apiKey: string;
  /** Extra node flags, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
  /** Extra JAN_* settings for the server (e.g. JAN_THREADS for the inference bench). */
  env?: Record<string, string>;
  startTimeoutMs?: number;
}

export interface ServerChild {
  url: string;
  pid: number;
  /** CPU seconds (user + system) the server has used so far, or undefined where /proc is missing. */
  cpuSeconds(): number | undefined;
  stop(timeoutMs?: number): Promise<void>;
  kill(): void;
}

/** The parent's environment without any JAN_* setting, so that only the bench's settings apply. */
function childEnv(options: ServerChildOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('JAN_')) env[name] = value;
  return {
    ...env,
    JAN_DATA_DIR: options.dataDir,
    JAN_MODELS_DIR: join(options.dataDir, 'models'),
    JAN_HOST: '127.0.0.1',
    JAN_PORT: '0',
    JAN_API_KEY: options.apiKey,
    JAN_LOG_LEVEL: 'warn',
    // Throughput benches measure the endpoints, not the rate limiter (one bench client would otherwise be held
    // at the per-client 5,000 requests/s); the limits bench passes its own limits in `options.env`.
    JAN_RATE_SOFT_LIMIT: '1000000',
    JAN_RATE_HARD_LIMIT: '1000000',
    JAN_CLIENT_RATE_LIMIT: '1000000',
    ...options.env,
  };
}

/** utime + stime from /proc/<pid>/stat; Linux reports them in USER_HZ ticks, which is 100 per second. */
export function procCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

function waitForUrl(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => fail(new Error(`the server printed no 'Server:' line within ${timeoutMs} ms`)), timeoutMs);
    const onExit = (code: number | null) => fail(new Error(`the server exited with code ${code} before it was ready`));
    function fail(error: Error) {
      clearTimeout(timer);
      child.off('exit', onExit);
      reject(error);
    }
    child.once('exit', onExit);
    lines.on('line', (line) => {
      const match = /^Server: (http:\/\/\S+)/.exec(line);
      if (!match) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      resolve(match[1]!);
    });
  });
}

export async function startServerChild(options: ServerChildOptions): Promise<ServerChild> {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), join(options.root, 'dist/server/main.js')], {
    cwd: options.root,
    env: childEnv(options),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(`[server] ${chunk.toString()}`));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  let url: string;
  try {
    url = await waitForUrl(child, options.startTimeoutMs ?? 30_000);
  } catch (error) {
    kill();
    throw error;
  }
  return {
    url,
    pid: child.pid!,
    cpuSeconds: () => procCpuSeconds(child.pid!),
    kill,
    async stop(timeoutMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(kill, timeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * The server's process for the desktop tests, as the supervisor starts it under plain Node: the CLI entry
 * (`dist/server/main.js` when the build is fresh, else `server/main.ts` through tsx, so a test never waits
 * for or races a build) through `nodeProcessSpawner`, the stand-in for Electron's utility process. The
 * recording spawner keeps every process it started, its environment and its messages, and `killAll()` ends
 * whatever a failing test left behind.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeProcessSpawner, type ServerProcess, type ServerProcessExit, type SpawnServerProcess } from '../../electron/server-process.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const { buildIsStale } = (await import(new URL('../../build/scripts/build-state.mjs', import.meta.url).href)) as { buildIsStale(): boolean };
const fresh = !buildIsStale();
export const serverEntry = fresh ? join(root, 'dist/server/main.js') : join(root, 'server/main.ts');
export const execArgv = fresh ? [] : ['--import', 'tsx'];

export interface Spawned {
  process: ServerProcess;
  env: Record<string, string>;
  messages: unknown[];
  /** Resolves when it has ended. */
  exit: Promise<ServerProcessExit>;
  /** Whether the OS still has a process with its pid. */
  alive(): boolean;
}

export interface RecordingSpawner {
  spawn: SpawnServerProcess;
  spawned: Spawned[];
  killAll(): Promise<void>;
}

function pidAlive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function recordingSpawner(): RecordingSpawner {
  const inner = nodeProcessSpawner(serverEntry, { execArgv, cwd: root });
  const spawned: Spawned[] = [];
  const spawn: SpawnServerProcess = (request) => {
    const child = inner(request);
    const messages: unknown[] = [];
    child.onMessage((message) => messages.push(message));
    const pid = child.pid;
    let ended = false;
    const exit = new Promise<ServerProcessExit>((resolve) => child.onExit((result) => {
      ended = true;
      resolve(result);
    }));
    spawned.push({ process: child, env: request.env, messages, exit, alive: () => !ended || pidAlive(pid) });
    return child;
  };
  const killAll = async () => {
    for (const { process: child, alive } of spawned) if (alive()) child.kill('SIGKILL');
    await Promise.all(spawned.map(({ exit }) => Promise.race([exit, new Promise((resolve) => setTimeout(resolve, 5_000))])));
  };
  return { spawn, spawned, killAll };
}

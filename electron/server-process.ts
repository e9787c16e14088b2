/**
 * Starting the server's process, behind one small interface (`SpawnServerProcess`), so that the supervisor
 * runs the same over an Electron utility process (the app) and a Node child process (tests; any plain Node
 * host). Either way the process runs the CLI entry, `dist/server/main.js` (or `server/main.ts` through tsx),
 * which finds its parent channel by itself (server/parent-channel.ts): `process.parentPort` in a utility
 * process, `process.send` under `child_process.fork`.
 *
 * A `ServerProcess` reports its end once (`onExit`), after its output streams and its message channel have
 * been read to the end, so a message sent just before exiting is never reported after the exit.
 */
import { fork } from 'node:child_process';
import type { utilityProcess as electronUtilityProcess } from 'electron';
import type { ToChild } from '../server/parent-channel.js';

export interface ServerProcessExit {
  /** null when a signal ended it (or it never started). */
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServerProcess {
  /** undefined until it has started, and after it has ended (utility process). */
  readonly pid: number | undefined;
  /** Its output (the server's log lines and messages), when piped. */
  readonly stdout: NodeJS.ReadableStream | null;
  readonly stderr: NodeJS.ReadableStream | null;
  /** Sends a message; dropped silently when the process is gone (its exit is reported separately). */
  send(message: ToChild): void;
  onMessage(listener: (raw: unknown) => void): void;
  onExit(listener: (exit: ServerProcessExit) => void): void;
  /** SIGTERM: the server closes (at once if it is already closing); SIGKILL: it ends now. */
  kill(signal: 'SIGTERM' | 'SIGKILL'): void;
}

export interface SpawnRequest {
  /** The whole environment of the new process. */
  env: Record<string, string>;
}

export type SpawnServerProcess = (request: SpawnRequest) => ServerProcess;

function killPid(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** In the app: an Electron utility process (Chromium's child-process machinery with Node inside). */
export function utilityProcessSpawner(utilityProcess: Pick<typeof electronUtilityProcess, 'fork'>, entry: string): SpawnServerProcess {
  return ({ env }) => {
    const child = utilityProcess.fork(entry, [], { env, stdio: 'pipe', serviceName: 'Jan Server' });
    const { stdout, stderr } = child; // null again once it has exited
    return {
      get pid() {
        return child.pid;
      },
      stdout,
      stderr,
      send: (message) => {
        try {
          child.postMessage(message);
        } catch {
          // the process is gone
        }
      },
      onMessage: (listener) => void child.on('message', listener),
      onExit: (listener) => void child.once('exit', (code) => listener({ code, signal: null })),
      // kill() is SIGTERM on POSIX (and reaps the process); a utility process has no SIGKILL of its own.
      kill: (signal) => (signal === 'SIGTERM' ? void child.kill() : killPid(child.pid, 'SIGKILL')),
    };
  };
}

export interface NodeSpawnOptions {
  /** Node's own flags for the child, e.g. `['--import', 'tsx']` to run the TypeScript entry. Default none. */
  execArgv?: string[];
  cwd?: string;
}

/** Under plain Node: `child_process.fork`, with its IPC channel for the messages. */
export function nodeProcessSpawner(entry: string, options: NodeSpawnOptions = {}): SpawnServerProcess {
  return ({ env }) => {
    const child = fork(entry, [], {
      env, execArgv: options.execArgv ?? [], stdio: ['ignore', 'pipe', 'pipe', 'ipc'], ...(options.cwd ? { cwd: options.cwd } : {}),
    });
    const exitListeners: Array<(exit: ServerProcessExit) => void> = [];
    let ended: ServerProcessExit | undefined;
    const end = (exit: ServerProcessExit) => {
      if (ended) return;
      ended = exit;
      for (const listener of exitListeners) listener(exit);
    };
    // 'close' comes after 'exit', once stdout, stderr and the IPC channel have been read to their end.
    child.once('close', (code, signal) => end({ code, signal }));
    child.once('error', () => {
      if (child.pid === undefined) end({ code: null, signal: null }); // could not start at all
    });
    return {
      get pid() {
        return child.pid;
      },
      stdout: child.stdout,
      stderr: child.stderr,
      send: (message) => {
        if (child.connected) child.send(message, () => undefined); // an error here means it is gone
      },
      onMessage: (listener) => void child.on('message', listener),
      onExit: (listener) => {
        exitListeners.push(listener);
        if (ended) listener(ended);
      },
      kill: (signal) => void child.kill(signal),
    };
  };
}

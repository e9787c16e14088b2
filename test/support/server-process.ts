/**
 * The server as the CLI runs it (`server/main.ts`), in a child process: the built `dist/server/main.js` when
 * the build is fresh, else the sources through tsx (so a test never waits for, or races, a build). Also the
 * restore command (`build/scripts/restore.mjs`) as a child process.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../..', import.meta.url));
const { buildIsStale } = (await import(new URL('../../build/scripts/build-state.mjs', import.meta.url).href)) as { buildIsStale(): boolean };
const entry = buildIsStale() ? ['--import', 'tsx', join(root, 'server/main.ts')] : [join(root, 'dist/server/main.js')];
const restoreScript = join(root, 'build/scripts/restore.mjs');

export interface ServerProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** The exit code, or the signal's name when a signal ended it. */
  exited: Promise<number | string>;
  /** Resolves with the `Server:` URL once it listens; rejects if it exits first. */
  listening: Promise<string>;
}

/** The environment without the caller's `JAN_*` settings, plus `env`. */
function cleanEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('JAN_')) clean[name] = value;
  return { ...clean, ...env };
}

/** Starts the CLI on `dataDir` (port 0, backups and maintenance off unless `env` says otherwise). */
export function spawnServer(dataDir: string, env: Record<string, string> = {}): ServerProcess {
  const child = spawn(process.execPath, entry, {
    cwd: root,
    env: cleanEnv({
      JAN_DATA_DIR: dataDir, JAN_MODELS_DIR: join(dataDir, 'models'), JAN_PORT: '0', JAN_LOG_LEVEL: 'warn',
      JAN_BACKUP_INTERVAL_HOURS: '0', JAN_MAINTENANCE_INTERVAL_MINUTES: '0', ...env,
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? `signal ${signal}`)));
  const listening = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', () => {
      const match = /^Server: (\S+)$/m.exec(out);
      if (match) resolve(match[1]!);
    });
    void exited.then((code) => reject(new Error(`server exited (${code}) before listening: ${err}`)));
  });
  listening.catch(() => undefined); // a test that expects the exit need not wait for this
  return { child, stdout: () => out, stderr: () => err, exited, listening };
}

export interface RestoreResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npm run restore -- <args>` (without JAN_DATA_DIR from the caller's environment). */
export function runRestore(...args: string[]): Promise<RestoreResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [restoreScript, ...args], { cwd: root, env: cleanEnv({}) }, (error, stdout, stderr) =>
      resolve({ code: error ? (error.code as number) : 0, stdout, stderr }),
    );
  });
}

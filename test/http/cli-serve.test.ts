/**
 * The package's command, `jan-server` (package.json "bin": build/bin/jan-server.mjs): `npx --no-install jan-server`
 * in the repository answers --version and --help (which lists the serve command and --role) without building, and
 * refuses an unknown command before any build; `serve` (the default command) runs the server, here through the
 * server's own entry (the bin goes on to `npm start`, whose build test/http/cli.test.ts covers). The command-line
 * split itself is unit-tested at the end.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../server/config/command-line.js';
import { ConfigError } from '../../server/config/load-config.js';
import { root } from '../support/server-process.js';

const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
const { buildIsStale } = (await import(new URL('../../build/scripts/build-state.mjs', import.meta.url).href)) as { buildIsStale(): boolean };
const serverEntry = () => (buildIsStale() ? ['--import', 'tsx', join(root, 'server/main.ts')] : [join(root, 'dist/server/main.js')]);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npx --no-install jan-server <args>` in the repository, with `env` over a caller environment without JAN_*. */
function npx(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('JAN_')));
  return new Promise((resolve) => {
    execFile('npx', ['--no-install', 'jan-server', ...args], { cwd: root, env: { ...clean, ...env }, shell: process.platform === 'win32' },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }));
  });
}

describe('npx jan-server', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'jan-bin-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('--version prints the package version', async () => {
    expect(await npx(['--version'])).toEqual({ code: 0, stdout: `jan-server ${version}\n`, stderr: '' });
  }, 60_000);

  it('--help lists the serve command and --role among the options, and starts nothing', async () => {
    const run = await npx(['serve', '--help'], { JAN_DATA_DIR: dataDir });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('\n  npx jan-server [serve] [options]');
    expect(run.stdout).toMatch(/\nCommands:\n {2}serve {3}Runs the server \(the default when no command is given\)\.\n/);
    expect(run.stdout).toContain('\n  --role, JAN_ROLE  [default: all]');
    expect(run.stdout).toContain('\n  --drain-delay-ms, JAN_DRAIN_DELAY_MS  [default: 0]');
    expect(await readdir(dataDir)).toEqual([]);
  }, 60_000);

  it('an unknown command: exit 2 and the known ones named, before any build or start', async () => {
    const run = await npx(['srve', '--port', '0'], { JAN_DATA_DIR: dataDir });
    expect(run).toEqual({
      code: 2, stdout: '',
      stderr: 'jan-server: Unknown command srve. Commands: serve (the default). Run with --help to see the options.\n',
    });
    expect(await readdir(dataDir)).toEqual([]);
  }, 60_000);

  it('serve --port 0 --role api runs the server until SIGTERM, then exits 0', async () => {
    const child = spawn(process.execPath, [...serverEntry(), 'serve', '--port', '0', '--role', 'api'], {
      cwd: root, env: { ...process.env, JAN_DATA_DIR: dataDir, JAN_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', () => {
        const match = /^Server: (\S+)$/m.exec(out);
        if (match) resolve(match[1]!);
      });
      void exited.then((code) => reject(new Error(`exited (${code}) before listening`)));
    });
    expect(await (await fetch(`${url}/readyz`)).json()).toEqual({ status: 'ok' });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 60_000);
});

describe('under npm, whose SIGTERM does not reach the server', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'jan-bin-orphan-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it.skipIf(process.platform === 'win32')('stops cleanly once the process that launched it (the shell npm runs it in) is gone', async () => {
    // As npx runs a bin: a shell that waits for the server (the `; exit` keeps it from exec'ing the server).
    const command = [process.execPath, ...serverEntry(), 'serve', '--port', '0'].map((arg) => `'${arg}'`).join(' ');
    const shell = spawn('/bin/sh', ['-c', `${command}; exit $?`], {
      cwd: root, env: { ...process.env, npm_command: 'exec', JAN_DATA_DIR: dataDir, JAN_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    shell.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    shell.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    // The pipes close only when every process holding them has exited: the shell and the server.
    const pipesClosed = Promise.all([shell.stdout, shell.stderr].map((stream) => new Promise((resolve) => stream.once('close', resolve))));
    const url = await new Promise<string>((resolve, reject) => {
      shell.stdout.on('data', () => {
        const match = /^Server: (\S+)$/m.exec(out);
        if (match) resolve(match[1]!);
      });
      shell.once('exit', () => reject(new Error(`exited before listening: ${err}`)));
    });
    expect((await fetch(`${url}/readyz`)).status).toBe(200);

    shell.kill('SIGTERM'); // the shell alone, as npm's forwarded SIGTERM: the server is not signalled
    await pipesClosed;
    expect(err).toContain('jan-server: the npm process that started the server is gone, shutting down');
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  }, 60_000);
});

describe('parseCommandLine', () => {
  it('takes serve as the default command and leaves the options to the config loader', () => {
    expect(parseCommandLine([])).toEqual({ command: 'serve', options: [] });
    expect(parseCommandLine(['--port', '8080'])).toEqual({ command: 'serve', options: ['--port', '8080'] });
    expect(parseCommandLine(['serve', '--port=8080', '--role', 'api'])).toEqual({ command: 'serve', options: ['--port=8080', '--role', 'api'] });
  });

  it('refuses an unknown command, and a name of Object.prototype, as a ConfigError', () => {
    expect(() => parseCommandLine(['start'])).toThrow(ConfigError);
    expect(() => parseCommandLine(['toString'])).toThrow(/^Unknown command toString\. Commands: serve \(the default\)/);
  });
});

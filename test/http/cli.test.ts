/**
 * The `npm start` entry as a user runs it: a child process of build/scripts/start.mjs (which builds first
 * when the build is missing or stale), its printed lines, a request, and a clean exit on SIGTERM.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const startScript = new URL('../../build/scripts/start.mjs', import.meta.url).pathname;

interface Started {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  /** The exit code, or the signal's name when a signal ended the process (so a failure says which). */
  exited: Promise<number | string>;
}

function start(env: Record<string, string>, args: string[] = []): Started {
  const child = spawn(process.execPath, [startScript, ...args], { env: { ...process.env, ...env } });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? `signal ${signal}`)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

async function waitFor(read: () => string, pattern: RegExp, exited: Promise<unknown>): Promise<RegExpExecArray> {
  for (;;) {
    const match = pattern.exec(read());
    if (match) return match;
    const done = await Promise.race([exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 50))]);
    if (done) throw new Error(`process exited before printing ${pattern}: ${read()}`);
  }
}

describe('npm start', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'jan-cli-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('prints Server: and Dashboard: lines, serves requests and exits 0 on SIGTERM', async () => {
    const run = start({ JAN_DATA_DIR: dataDir, JAN_PORT: '0', JAN_LOG_LEVEL: 'warn' });
    const server = await waitFor(run.stdout, /^Server: (http:\/\/127\.0\.0\.1:\d+)$/m, run.exited);
    const dashboard = await waitFor(run.stdout, /^Dashboard: (\S+)$/m, run.exited);
    expect(dashboard[1]).toMatch(new RegExp(`^${server[1]}/\\?token=[\\w-]{20,}$`));
    const health = await fetch(`${server[1]}/healthz`);
    expect(await health.json()).toEqual({ status: 'ok' });

    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(run.stderr()).toContain('SIGTERM, shutting down');
  }, 60_000);

  it('flags win over the environment', async () => {
    const run = start({ JAN_DATA_DIR: dataDir, JAN_PORT: '1', JAN_LOG_LEVEL: 'warn' }, ['--port', '0']);
    await waitFor(run.stdout, /^Server: http:\/\/127\.0\.0\.1:\d+$/m, run.exited);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  }, 60_000);

  it('refuses to listen beyond loopback with authentication off, with a clear message', async () => {
    const run = start({ JAN_DATA_DIR: dataDir, JAN_HOST: '0.0.0.0', JAN_AUTH: 'off' });
    expect(await run.exited).toBe(2);
    expect(run.stderr()).toMatch(/Refusing to listen on 0\.0\.0\.0 with authentication off/);
    expect(run.stdout()).not.toContain('Server:');
  }, 60_000);

  it('says so when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const run = start({ JAN_DATA_DIR: dataDir, JAN_PORT: String(port), JAN_LOG_LEVEL: 'silent' });
    expect(await run.exited).toBe(1);
    expect(run.stderr()).toMatch(/port is already in use/);
    blocker.close();
  }, 60_000);
});

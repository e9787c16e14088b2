/**
 * The `npm start` entry as a user runs it: a child process of build/scripts/start.mjs (which builds first
 * when the build is missing or stale), its printed lines, a request, and a clean exit on SIGTERM; `--help`,
 * `--version` and unknown options (also on the server's own entry, as `node dist/server/main.js` runs it); what
 * reaches the terminal and what goes to the log file, or to stdout with `--log-format json`.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plain } from '../../server/config/help-text.js';
import { configSchema } from '../../server/config/schema.js';

const startScript = new URL('../../build/scripts/start.mjs', import.meta.url).pathname;
const root = fileURLToPath(new URL('../..', import.meta.url));
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
const { buildIsStale } = (await import(new URL('../../build/scripts/build-state.mjs', import.meta.url).href)) as { buildIsStale(): boolean };

interface Started {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  /** The exit code, or the signal's name when a signal ended the process (so a failure says which). */
  exited: Promise<number | string>;
}

/** Every process a test started, so that one left running by a failed test (and its build) is ended. */
const children = new Set<ChildProcessWithoutNullStreams>();
afterAll(() => {
  for (const child of children) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      child.kill('SIGKILL'); // no process groups (Windows)
    }
  }
});

/** `npm start -- <args>`; an `undefined` in `env` removes the caller's setting. */
function start(env: Record<string, string | undefined>, args: string[] = [], script: string[] = [startScript]): Started {
  // Its own process group, so that the cleanup above also ends a build it runs.
  const child = spawn(process.execPath, [...script, ...args], { env: { ...process.env, ...env }, detached: true });
  children.add(child);
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

/** The server's own entry, as the packaged app and `node dist/server/main.js` run it (the sources through tsx when the build is stale). */
const serverEntry = () => (buildIsStale() ? ['--import', 'tsx', join(root, 'server/main.ts')] : [join(root, 'dist/server/main.js')]);

describe('npm start -- --help, --version and unknown options', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'jan-cli-help-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  function expectEveryOption(help: string) {
    expect(help).toMatch(new RegExp(`^Jan Server ${version}: `));
    expect(help).toContain('\nUsage:\n  npm start -- [options]');
    for (const spec of Object.values(configSchema)) {
      expect(help, spec.env).toContain(`\n  ${spec.flag}, ${spec.env}  [default: ${plain(spec.defaultDoc)}`);
    }
  }

  it('--help prints every option of the schema with its env name and default, exits 0 and starts nothing, without building', async () => {
    const run = start({ JAN_DATA_DIR: dataDir, JAN_PORT: '0' }, ['--port', '0', '--help']);
    expect(await run.exited).toBe(0);
    expectEveryOption(run.stdout());
    expect(run.stdout()).not.toMatch(/^Server: /m);
    expect(run.stderr()).toBe(''); // no "building" line: answered from the build when fresh, else from the sources
    expect(readdirSync(dataDir)).toEqual([]); // no lock, no database, no log: no server ran
  }, 60_000);

  it("the server's own entry answers --help and -h the same way", async () => {
    for (const flag of ['--help', '-h']) {
      const run = start({ JAN_DATA_DIR: dataDir }, [flag], serverEntry());
      expect(await run.exited, flag).toBe(0);
      expectEveryOption(run.stdout());
    }
    expect(readdirSync(dataDir)).toEqual([]);
  }, 60_000);

  it('--version prints the package version, from npm start and from the entry', async () => {
    for (const script of [[startScript], serverEntry()]) {
      const run = start({ JAN_DATA_DIR: dataDir }, ['--version'], script);
      expect(await run.exited).toBe(0);
      expect(run.stdout()).toBe(`jan-server ${version}\n`);
      expect(run.stderr()).toBe('');
    }
  }, 60_000);

  it('an unknown option: exit 2, the option named and the hint to --help, nothing started', async () => {
    const run = start({ JAN_DATA_DIR: dataDir, JAN_PORT: '0' }, ['--prot', '8080'], serverEntry());
    expect(await run.exited).toBe(2);
    expect(run.stderr()).toMatch(/^jan-server: Unknown option --prot\. Known options: --host, --port, .*Run with --help to see what each does\.\n$/);
    expect(run.stdout()).toBe('');
    expect(readdirSync(dataDir)).toEqual([]);
  }, 60_000);
});

describe('npm start: the terminal and the log', () => {
  const apiKey = 'cli-test-secret-admin-key-0123456789';
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'jan-cli-log-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  /** Settings of one run on its own data folder, with an empty models folder and the default log format. */
  async function settings(extra: Record<string, string> = {}) {
    const dir = await mkdtemp(join(dataDir, 'run-'));
    const env = { JAN_DATA_DIR: dir, JAN_MODELS_DIR: join(dir, 'models'), JAN_PORT: '0', JAN_API_KEY: apiKey, JAN_LOG_LEVEL: 'info', JAN_LOG_FORMAT: undefined };
    return { dir, env: { ...env, ...extra } };
  }
  const noModel = (dir: string) => `no model installed — drop a .gguf file into ${join(dir, 'models')}, get one on the Hub page, or import one on the Models page`;

  it('by default prints only human lines (URLs, log file, warnings in words) and writes JSON lines with the config into <dataDir>/logs/', async () => {
    const { dir, env } = await settings();
    const run = start(env);
    await waitFor(run.stdout, /^Logs: .*$/m, run.exited);
    await waitFor(run.stderr, /^warning: no model installed/m, run.exited);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);

    const file = join(dir, 'logs', 'jan-server.log');
    const out = run.stdout().trimEnd().split('\n');
    expect(out).toHaveLength(3);
    expect(out[0]).toMatch(/^Server: http:\/\/127\.0\.0\.1:\d+$/);
    expect(out[1]).toMatch(/^Dashboard: http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}$/);
    expect(out[2]).toBe(`Logs: ${file}`);
    const err = run.stderr().trimEnd().split('\n');
    expect(err).toContain(`warning: ${noModel(dir)}`);
    expect(err.at(-1)).toBe('jan-server: SIGTERM, shutting down (again to force)');
    for (const line of err) expect(line).toMatch(/^(jan-server: |warning: )/); // start.mjs's "building" lines, the warning, the signal
    expect(`${run.stdout()}${run.stderr()}`).not.toContain('{"level"');

    const records = readFileSync(file, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as { level: number; msg: string; config?: Record<string, unknown> });
    expect(records.map((r) => r.msg)).toEqual(['starting', 'listening', noModel(dir), 'shutting down', 'stopped']);
    expect(records[0]!.config).toMatchObject({ dataDir: dir, apiKey: '***', logFormat: 'text', logLevel: 'info' });
    expect(records[2]!.level).toBe(40);
    expect(readFileSync(file, 'utf8')).not.toContain(apiKey);
  }, 60_000);

  it('with --log-format json prints JSON lines to stdout, still with the Server: and Dashboard: lines, and writes no file', async () => {
    const { dir, env } = await settings();
    const run = start(env, ['--log-format', 'json']);
    const server = await waitFor(run.stdout, /^Server: (http:\/\/127\.0\.0\.1:\d+)$/m, run.exited);
    await waitFor(run.stdout, /^Dashboard: \S+$/m, run.exited);
    await waitFor(run.stdout, /"msg":"no model installed/, run.exited);
    expect(await (await fetch(`${server[1]}/healthz`)).json()).toEqual({ status: 'ok' });
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);

    const lines = run.stdout().trimEnd().split('\n');
    const json = lines.filter((line) => !/^(Server|Dashboard): /.test(line)).map((line) => JSON.parse(line) as { level: number; msg: string; config?: unknown });
    expect(lines.length - json.length).toBe(2);
    expect(json.map((r) => r.msg)).toEqual(['starting', 'listening', noModel(dir), 'shutting down', 'stopped']);
    expect(json[0]!.config).toMatchObject({ apiKey: '***', logFormat: 'json' });
    expect(run.stdout()).not.toContain(apiKey);
    expect(run.stderr()).not.toContain('{"level"');
    expect(existsSync(join(dir, 'logs'))).toBe(false);
  }, 60_000);
});

/**
 * electron/server-supervisor.ts with scripted server processes and fake timers: the restart schedule
 * (0.5 s, 1 s, 2 s … capped, afresh after a stable period, giving up after N failures in a row), refusals
 * never retried, the ready timeout, the stop sequence (message, SIGTERM, SIGKILL) and login-link requests.
 * The same supervisor against the real server process: test/http/server-supervisor.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  restartDelay, ServerStartError, ServerSupervisor, type ServerFailure, type ServerReady, type SupervisorOptions,
} from '../../electron/server-supervisor.js';
import { ScriptedProcess } from '../electron/scripted-server-process.js';

let spawned: ScriptedProcess[];
const last = () => spawned.at(-1)!;
const quiet = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };

function supervisor(options: Partial<SupervisorOptions> = {}) {
  const s = new ServerSupervisor({
    spawn: ({ env }) => {
      const child = new ScriptedProcess(env);
      spawned.push(child);
      return child;
    },
    env: { JAN_DATA_DIR: '/data' }, logger: quiet, stopGraceMs: 10_000, killGraceMs: 3_000, readyTimeoutMs: 20_000, ...options,
  });
  const downs: Array<[ServerFailure, number]> = [];
  const failed: ServerFailure[] = [];
  const readies: Array<[ServerReady, boolean]> = [];
  s.on('down', (failure, delay) => downs.push([failure, delay]));
  s.on('failed', (failure) => failed.push(failure));
  s.on('ready', (ready, restarted) => readies.push([ready, restarted]));
  return { s, downs, failed, readies };
}

/** Starts and lets the first process say ready. */
async function running(options: Partial<SupervisorOptions> = {}) {
  const sup = supervisor(options);
  const started = sup.s.start(1337);
  last().ready();
  await started;
  return sup;
}

/** Lets stream events ('line' from stderr) run. */
const flush = async () => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => process.nextTick(resolve));
};

beforeEach(() => {
  vi.useFakeTimers();
  spawned = [];
});
afterEach(() => {
  vi.useRealTimers();
});

describe('restartDelay', () => {
  it('doubles from 0.5 s and stops at the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => restartDelay(n))).toEqual([500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
    expect([1, 2, 3, 4].map((n) => restartDelay(n, { initialDelayMs: 100, maxDelayMs: 250 }))).toEqual([100, 200, 250, 250]);
  });
});

describe('restarts', () => {
  it('restarts a crashed server on the same port after 0.5 s, 1 s, 2 s, 4 s, and gives up at the fifth failure in a row', async () => {
    const { downs, failed, readies } = await running();
    expect(readies).toEqual([[{ url: 'http://127.0.0.1:1337', port: 1337, dashboardUrl: expect.any(String) }, false]]);

    last().crash();
    for (const delay of [500, 1_000, 2_000, 4_000]) {
      expect(downs.at(-1)![1]).toBe(delay);
      const before = spawned.length;
      vi.advanceTimersByTime(delay - 1);
      expect(spawned).toHaveLength(before);
      vi.advanceTimersByTime(1);
      expect(spawned).toHaveLength(before + 1);
      expect(last().env).toEqual({ JAN_DATA_DIR: '/data', JAN_PORT: '1337' });
      last().crash(); // dies again before it is ready
    }
    expect(downs.map(([, delay]) => delay)).toEqual([500, 1_000, 2_000, 4_000]);
    expect(failed).toEqual([{ kind: 'other', message: 'The server process was killed by SIGSEGV.' }]);
    vi.advanceTimersByTime(600_000);
    expect(spawned).toHaveLength(5);
  });

  it('a restarted server that says ready is announced as a restart, on the port the first one reported', async () => {
    const { s, readies } = supervisor();
    const started = s.start(0); // any free port; the restart keeps the one it got
    last().ready(5151);
    await started;
    last().crash();
    vi.advanceTimersByTime(500);
    expect(last().env.JAN_PORT).toBe('5151');
    last().ready();
    expect(readies.map(([ready, restarted]) => [ready.port, restarted])).toEqual([[5151, false], [5151, true]]);
    expect(s.current?.url).toBe('http://127.0.0.1:5151');
  });

  it('a server that ran for the stable period (60 s) starts the schedule afresh; one that did not, does not', async () => {
    const { downs } = await running();
    last().crash();
    vi.advanceTimersByTime(500);
    last().ready();
    vi.advanceTimersByTime(59_999); // not quite stable
    last().crash();
    expect(downs.at(-1)![1]).toBe(1_000);
    vi.advanceTimersByTime(1_000);
    last().ready();
    vi.advanceTimersByTime(60_000); // stable
    last().crash();
    expect(downs.at(-1)![1]).toBe(500);
  });

  it('caps the wait at maxDelayMs and gives up after maxQuickFailures', async () => {
    const { downs, failed } = await running({ restart: { maxDelayMs: 3_000, maxQuickFailures: 7 } });
    for (let i = 0; i < 7; i++) {
      last().crash();
      vi.runOnlyPendingTimers();
    }
    expect(downs.map(([, delay]) => delay)).toEqual([500, 1_000, 2_000, 3_000, 3_000, 3_000]);
    expect(failed).toHaveLength(1);
    expect(spawned).toHaveLength(7);
  });

  it('a crash without a message is "other", told by how it ended and the server\'s last words', async () => {
    const { downs } = await running();
    last().stderr.write('{"level":50,"msg":"something"}\njan-server: out of memory\n');
    await flush();
    last().exit(1);
    expect(downs[0]![0]).toEqual({ kind: 'other', message: 'The server process exited with code 1.\njan-server: out of memory' });
  });

  it('a start that never says ready is killed at the ready timeout and retried', async () => {
    const { s, downs } = supervisor();
    const started = s.start(1337);
    vi.advanceTimersByTime(19_999);
    expect(spawned[0]!.kills).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(spawned[0]!.kills).toEqual(['SIGKILL']);
    spawned[0]!.exit(null, 'SIGKILL');
    expect(downs).toEqual([[{ kind: 'other', message: 'The server did not start within 20 s and was stopped.' }, 500]]);
    vi.advanceTimersByTime(500);
    last().ready();
    await expect(started).resolves.toMatchObject({ port: 1337 });
  });

  it('a start that crashes N times in a row rejects with the last failure', async () => {
    const { s, failed } = supervisor({ restart: { maxQuickFailures: 3 } });
    const started = s.start(1337).catch((error: unknown) => error);
    for (let i = 0; i < 3; i++) {
      last().crash();
      vi.runOnlyPendingTimers();
    }
    const error = (await started) as ServerStartError;
    expect(error).toBeInstanceOf(ServerStartError);
    expect([error.kind, error.message]).toEqual(['other', 'The server process was killed by SIGSEGV.']);
    expect(failed).toEqual([]); // told to start()'s caller, not as an event
  });
});

describe('refusals', () => {
  it.each(['port_in_use', 'data_dir_locked', 'database_unreadable', 'config'] as const)('%s: start rejects with its kind and the server\'s words, no retry', async (kind) => {
    const { s, downs } = supervisor();
    const started = s.start(1337).catch((error: unknown) => error);
    last().refuse(kind, `the server explains ${kind}`);
    const error = (await started) as ServerStartError;
    expect(error).toBeInstanceOf(ServerStartError);
    expect([error.kind, error.message]).toEqual([kind, `the server explains ${kind}`]);
    vi.advanceTimersByTime(600_000);
    expect(spawned).toHaveLength(1);
    expect(downs).toEqual([]);
  });

  it('exit code 2 without a message is a configuration refusal', async () => {
    const { s } = supervisor();
    const started = s.start(1337).catch((error: unknown) => error);
    last().exit(2);
    expect(((await started) as ServerStartError).kind).toBe('config');
  });

  it('a refusal at a restart gives up at once with `failed`', async () => {
    const { failed } = await running();
    last().crash();
    vi.advanceTimersByTime(500);
    last().refuse('data_dir_locked', 'The data folder /data is in use by Jan Server (pid 7)');
    expect(failed).toEqual([{ kind: 'data_dir_locked', message: 'The data folder /data is in use by Jan Server (pid 7)' }]);
    vi.advanceTimersByTime(600_000);
    expect(spawned).toHaveLength(2);
  });

  it('after a refusal the supervisor can start again (the desktop then tries a free port)', async () => {
    const { s } = supervisor();
    const refused = s.start(1337).catch((error: unknown) => error);
    last().refuse('port_in_use');
    await refused;
    const again = s.start(0);
    expect(last().env.JAN_PORT).toBe('0');
    last().ready(6000);
    await expect(again).resolves.toMatchObject({ port: 6000 });
  });

  it('ignores messages it cannot read', async () => {
    const { s } = supervisor();
    const started = s.start(1337);
    for (const junk of [null, 'ready', { type: 'ready', url: 1 }, { type: 'error', kind: 'nope', message: 'x' }, { type: 'hello' }]) last().say(junk);
    expect(s.current).toBeUndefined();
    last().ready();
    await expect(started).resolves.toMatchObject({ port: 1337 });
  });
});

describe('stop', () => {
  it('sends stop, then SIGTERM after the grace period, then SIGKILL; resolves on exit and never restarts', async () => {
    const { s, downs, failed } = await running();
    const child = last();
    let done = false;
    const stopped = s.stop().then(() => (done = true));
    expect(child.sent).toEqual([{ type: 'stop' }]);
    vi.advanceTimersByTime(9_999);
    expect(child.kills).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(child.kills).toEqual(['SIGTERM']);
    vi.advanceTimersByTime(3_000);
    expect(child.kills).toEqual(['SIGTERM', 'SIGKILL']);
    await Promise.resolve();
    expect(done).toBe(false); // until it has actually exited
    child.exit(null, 'SIGKILL');
    await stopped;
    vi.advanceTimersByTime(600_000);
    expect(spawned).toHaveLength(1);
    expect([downs, failed, s.current]).toEqual([[], [], undefined]);
    expect(s.stopBudgetMs).toBe(13_000);
  });

  it('a server that closes on the stop message is neither signalled nor restarted', async () => {
    const { s, downs } = await running();
    const stopped = s.stop();
    last().say({ type: 'stopped' });
    last().exit(0);
    await stopped;
    vi.advanceTimersByTime(600_000);
    expect([last().kills, downs, spawned.length]).toEqual([[], [], 1]);
  });

  it('stop while a restart is pending cancels it', async () => {
    const { s } = await running();
    last().crash();
    await s.stop();
    vi.advanceTimersByTime(600_000);
    expect(spawned).toHaveLength(1);
  });

  it('stop while starting rejects the start', async () => {
    const { s } = supervisor();
    const started = s.start(1337).catch((error: unknown) => error);
    const stopped = s.stop();
    last().exit(0);
    await stopped;
    expect(await started).toMatchObject({ kind: 'other', message: 'The app is quitting.' });
  });
});

describe('login links', () => {
  it('asks the running server and matches each answer to its request', async () => {
    const { s } = await running();
    const first = s.loginLink();
    const second = s.loginLink();
    expect(last().sent).toEqual([{ type: 'login-link', id: 1 }, { type: 'login-link', id: 2 }]);
    last().say({ type: 'login-link', id: 2, url: 'http://127.0.0.1:1337/?token=two' });
    last().say({ type: 'login-link', id: 1, url: 'http://127.0.0.1:1337/?token=one' });
    await expect(Promise.all([first, second])).resolves.toEqual(['http://127.0.0.1:1337/?token=one', 'http://127.0.0.1:1337/?token=two']);
  });

  it('is refused while the server is down, and rejected when it stops or does not answer', async () => {
    const { s } = await running({ requestTimeoutMs: 1_000 });
    const unanswered = s.loginLink().catch((error: Error) => error.message);
    vi.advanceTimersByTime(1_000);
    expect(await unanswered).toBe('The server did not answer.');
    const pending = s.loginLink().catch((error: Error) => error.message);
    last().crash();
    expect(await pending).toBe('The server stopped.');
    await expect(s.loginLink()).rejects.toThrow('The server is not running.');
  });
});

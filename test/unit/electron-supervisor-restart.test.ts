/**
 * The supervisor's answer to the server's `restart` message (Settings' "Restart now"): the stop sequence, then a
 * new child at once on the same port, counted as no failure; ignored while starting or stopping.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseToParent } from '../../server/parent-channel.js';
import { ServerSupervisor, type ServerReady } from '../../electron/server-supervisor.js';
import { ScriptedProcess } from '../electron/scripted-server-process.js';

let spawned: ScriptedProcess[];
const last = () => spawned.at(-1)!;
const quiet = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };

async function running() {
  const s = new ServerSupervisor({
    spawn: ({ env }) => {
      const child = new ScriptedProcess(env);
      spawned.push(child);
      return child;
    },
    env: {}, logger: quiet, stopGraceMs: 10_000, killGraceMs: 3_000, readyTimeoutMs: 20_000,
  });
  const events: string[] = [];
  const readies: Array<[ServerReady, boolean]> = [];
  s.on('restarting', () => events.push('restarting'));
  s.on('down', () => events.push('down'));
  s.on('failed', () => events.push('failed'));
  s.on('ready', (ready, restarted) => readies.push([ready, restarted]));
  const started = s.start(0);
  last().ready(4321); // port 0 asked, 4321 given: restarts keep 4321
  await started;
  return { s, events, readies };
}

beforeEach(() => {
  vi.useFakeTimers();
  spawned = [];
});
afterEach(() => {
  vi.useRealTimers();
});

describe('a restart the server asks for', () => {
  it('is a typed message of the parent channel', () => {
    expect(parseToParent({ type: 'restart' })).toEqual({ type: 'restart' });
    expect(parseToParent({ type: 'restart-now' })).toBeUndefined();
  });

  it('stops the child with the stop message and starts the next one at once on the same port, as no failure', async () => {
    const { s, events, readies } = await running();
    const first = last();
    first.say({ type: 'restart' });
    expect(events).toEqual(['restarting']);
    expect(first.sent).toEqual([{ type: 'stop' }]);
    expect(spawned).toHaveLength(1); // not before the old one has exited (it holds the data folder and the port)

    first.exit(0);
    expect(spawned).toHaveLength(2);
    expect(last().env).toEqual({ JAN_PORT: '4321' });
    last().ready();
    expect(readies.at(-1)).toEqual([{ url: 'http://127.0.0.1:4321', port: 4321, dashboardUrl: expect.any(String) }, true]);
    expect(s.current?.port).toBe(4321);
    expect(events).toEqual(['restarting']); // no 'down', no 'failed'

    // Six restarts in a row are no failures in a row: still running.
    for (let i = 0; i < 6; i++) {
      last().say({ type: 'restart' });
      last().exit(0);
      last().ready();
    }
    expect(events.filter((e) => e !== 'restarting')).toEqual([]);
    expect(spawned).toHaveLength(8);
  });

  it('escalates to SIGTERM and SIGKILL when the child does not close, and asks only once', async () => {
    await running();
    const child = last();
    child.say({ type: 'restart' });
    child.say({ type: 'restart' });
    expect(child.sent).toEqual([{ type: 'stop' }]);
    vi.advanceTimersByTime(10_000);
    expect(child.kills).toEqual(['SIGTERM']);
    vi.advanceTimersByTime(3_000);
    expect(child.kills).toEqual(['SIGTERM', 'SIGKILL']);
    child.exit(null, 'SIGKILL');
    expect(spawned).toHaveLength(2);
  });

  it('is ignored while the app quits, and a restarted child that is refused is reported as failed', async () => {
    const { s, events } = await running();
    const stopping = s.stop();
    last().say({ type: 'restart' });
    last().exit(0);
    await stopping;
    expect(spawned).toHaveLength(1);
    expect(events).toEqual([]);

    const again = await running();
    last().say({ type: 'restart' });
    last().exit(0);
    last().say({ type: 'error', kind: 'config', message: 'Saved settings: bad' });
    last().exit(2);
    expect(again.events).toEqual(['restarting', 'failed']);
  });
});

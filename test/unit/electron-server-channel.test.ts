/**
 * The pieces around the supervisor: the server's end of the channel (server/parent-channel.ts) over both
 * transports, the Electron utility-process adapter (electron/server-process.ts) over a fake `utilityProcess`,
 * and the failure dialog's text per error kind (electron/failure-dialog.ts).
 */
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { failureText, showFailure, type FailureContext } from '../../electron/failure-dialog.js';
import { utilityProcessSpawner, type ServerProcessExit } from '../../electron/server-process.js';
import { connectToParent, parseToChild, parseToParent, type ChannelHost } from '../../server/parent-channel.js';

afterEach(() => {
  vi.restoreAllMocks();
});

const server = {
  url: 'http://127.0.0.1:1337', port: 1337, dashboardUrl: 'http://127.0.0.1:1337/?token=first',
  services: { sessions: { newLoginLinkToken: () => 'fresh' } },
} as unknown as Parameters<NonNullable<ReturnType<typeof connectToParent>>['ready']>[0];

/** `process` in an Electron utility process, as far as the channel sees it. */
function utilityHost() {
  const port = Object.assign(new EventEmitter(), { posted: [] as unknown[], postMessage: (message: unknown) => void port.posted.push(message) });
  const host = Object.assign(new EventEmitter(), { parentPort: port }) as unknown as ChannelHost;
  return { host, port, fromParent: (data: unknown) => port.emit('message', { data }) };
}

/** `process` in a child of `child_process.fork`. */
function forkedHost() {
  const sent: unknown[] = [];
  const host = Object.assign(new EventEmitter(), {
    connected: true,
    send: (message: unknown, _handle?: undefined, _options?: undefined, callback?: (error: Error | null) => void) => {
      sent.push(message);
      setImmediate(() => callback?.(null));
      return true;
    },
  });
  return { host: host as unknown as ChannelHost, emitter: host, sent };
}

describe('server end of the channel', () => {
  it('without a parent (a terminal) there is no channel', () => {
    expect(connectToParent(Object.assign(new EventEmitter(), { connected: false }) as unknown as ChannelHost)).toBeUndefined();
    expect(connectToParent(new EventEmitter() as unknown as ChannelHost)).toBeUndefined();
  });

  it('utility process: says ready, answers login-link requests, passes stop on, ignores the rest', async () => {
    const { host, port, fromParent } = utilityHost();
    const channel = connectToParent(host)!;
    const onStop = vi.fn();
    channel.onStop(onStop);
    fromParent({ type: 'login-link', id: 1 }); // before ready: nothing to link to yet
    channel.ready(server);
    fromParent({ type: 'login-link', id: 2 });
    fromParent({ type: 'reboot' });
    fromParent({ type: 'stop' });
    await channel.send({ type: 'stopped' });
    expect(port.posted).toEqual([
      { type: 'ready', url: 'http://127.0.0.1:1337', port: 1337, dashboardUrl: 'http://127.0.0.1:1337/?token=first' },
      { type: 'login-link', id: 2, url: 'http://127.0.0.1:1337/?token=fresh' },
      { type: 'stopped' },
    ]);
    expect(onStop).toHaveBeenCalledTimes(1);
  });

  it('child_process.fork: messages go through process.send (resolved once written); a closed channel means stop', async () => {
    const { host, emitter, sent } = forkedHost();
    const channel = connectToParent(host)!;
    const onStop = vi.fn();
    channel.onStop(onStop);
    await channel.send({ type: 'error', kind: 'data_dir_locked', message: 'in use' });
    expect(sent).toEqual([{ type: 'error', kind: 'data_dir_locked', message: 'in use' }]);
    emitter.emit('message', { type: 'stop' });
    emitter.emit('disconnect');
    expect(onStop).toHaveBeenCalledTimes(2);
  });

  it('both ends read only well-formed messages', () => {
    expect(parseToParent({ type: 'ready', url: 'u', port: 1, dashboardUrl: 'd', extra: 1 })).toEqual({ type: 'ready', url: 'u', port: 1, dashboardUrl: 'd' });
    expect(parseToParent({ type: 'ready', url: 'u', port: 1.5, dashboardUrl: 'd' })).toBeUndefined();
    expect(parseToParent({ type: 'error', kind: 'other', message: 'm' })).toEqual({ type: 'error', kind: 'other', message: 'm' });
    expect(parseToParent({ type: 'error', kind: 'disk_full', message: 'm' })).toBeUndefined();
    expect(parseToParent({ type: 'login-link', id: 3, url: 'u' })).toEqual({ type: 'login-link', id: 3, url: 'u' });
    expect(parseToParent('stopped')).toBeUndefined();
    expect(parseToChild({ type: 'stop', now: true })).toEqual({ type: 'stop' });
    expect(parseToChild({ type: 'login-link', id: '1' })).toBeUndefined();
  });
});

describe('utility process adapter', () => {
  class FakeUtilityProcess extends EventEmitter {
    pid: number | undefined = 4321;
    stdout = new PassThrough();
    stderr = new PassThrough();
    posted: unknown[] = [];
    kill = vi.fn(() => true);
    postMessage(message: unknown) {
      this.posted.push(message);
    }
  }

  it('forks the entry with the environment and piped output, and maps messages, exit and signals', () => {
    const child = new FakeUtilityProcess();
    const fork = vi.fn(() => child);
    const spawn = utilityProcessSpawner({ fork } as never, '/app/dist/server/main.js');
    const processKill = vi.spyOn(process, 'kill').mockImplementation(() => true);

    const spawned = spawn({ env: { JAN_PORT: '1337' } });
    expect(fork).toHaveBeenCalledWith('/app/dist/server/main.js', [], { env: { JAN_PORT: '1337' }, stdio: 'pipe', serviceName: 'Jan Server' });
    expect([spawned.pid, spawned.stdout, spawned.stderr]).toEqual([4321, child.stdout, child.stderr]);
    spawned.send({ type: 'stop' });
    expect(child.posted).toEqual([{ type: 'stop' }]);
    const messages: unknown[] = [];
    const exits: ServerProcessExit[] = [];
    spawned.onMessage((message) => messages.push(message));
    spawned.onExit((exit) => exits.push(exit));
    child.emit('message', { type: 'stopped' });
    spawned.kill('SIGTERM');
    expect(child.kill).toHaveBeenCalledTimes(1);
    expect(processKill).not.toHaveBeenCalled();
    spawned.kill('SIGKILL'); // a utility process has no SIGKILL of its own: by pid
    expect(processKill).toHaveBeenCalledWith(4321, 'SIGKILL');
    child.emit('exit', 9);
    child.emit('exit', 9);
    expect([messages, exits]).toEqual([[{ type: 'stopped' }], [{ code: 9, signal: null }]]);
  });
});

describe('failure dialog', () => {
  const context: FailureContext = { port: 1337, settingsFile: '/u/desktop-settings.json', serverLog: '/u/logs/server.log', wasRunning: false };

  it('port taken: which port, and where to set another', () => {
    const text = failureText({ kind: 'port_in_use', message: 'the port is already in use (listen EADDRINUSE …)' }, context);
    expect(text.message).toBe('Port 1337 is already in use.');
    expect(text.detail).toContain('the port is already in use (listen EADDRINUSE …)');
    expect(text.detail).toContain('Quit that program');
    expect(text.detail).toContain('set "port" in /u/desktop-settings.json');
  });

  it('data folder locked: the server naming the other one, and to stop it', () => {
    const said = 'The data folder /u/data is in use by Jan Server (pid 42, started 2026-01-01 03:00:00 UTC, serving http://127.0.0.1:1337).';
    const text = failureText({ kind: 'data_dir_locked', message: said }, context);
    expect(text.message).toBe('Another Jan Server is using this app\'s data folder.');
    expect(text.detail).toMatch(new RegExp(`^${said.replace(/[.()]/g, '\\$&')}\\n\\nStop that server`));
  });

  it('damaged database: the restore command the server printed, and to run it', () => {
    const said = 'The database /u/data/jan.sqlite cannot be opened … run: npm run restore -- /u/backups/jan-1.sqlite --data-dir /u/data (…)';
    const text = failureText({ kind: 'database_unreadable', message: said }, context);
    expect(text.message).toBe('The database cannot be opened.');
    expect(text.detail).toContain('npm run restore -- /u/backups/jan-1.sqlite --data-dir /u/data');
    expect(text.detail).toContain('run the restore command above');
  });

  it('config and crashes: the setting to fix; the log to read', () => {
    expect(failureText({ kind: 'config', message: 'Invalid JAN_LOG_LEVEL' }, context).detail).toContain('JAN_* environment variable');
    const crash = failureText({ kind: 'other', message: 'The server process was killed by SIGSEGV.' }, { ...context, wasRunning: true });
    expect(crash.message).toBe('The server stopped several times in a row and was not restarted again.');
    expect(crash.detail).toContain('/u/logs/server.log');
    expect(failureText({ kind: 'other', message: 'x' }, context).message).toBe('The server could not start.');
  });

  it('shows an error box that can copy its text', async () => {
    const dialog = { showMessageBox: vi.fn(async () => ({ response: 1, checkboxChecked: false })) };
    const clipboard = { writeText: vi.fn() };
    const text = failureText({ kind: 'config', message: 'Invalid JAN_PORT' }, context);
    await showFailure({ dialog, clipboard } as never, text);
    expect(dialog.showMessageBox).toHaveBeenCalledWith(expect.objectContaining({ type: 'error', message: text.message, detail: text.detail, buttons: ['Quit', 'Copy details and quit'] }));
    expect(clipboard.writeText).toHaveBeenCalledWith(`${text.message}\n\n${text.detail}`);
  });
});

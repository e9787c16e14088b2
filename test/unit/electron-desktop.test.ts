/**
 * electron/desktop.ts with `electron` faked and the real server in its own process (the `npm start` entry
 * forked by the supervisor, standing in for Electron's utility process): how the app starts the server
 * (user-data folders, saved port, the port-taken dialog), the window and its login link, the tray's actions
 * through the server's own API, a crashed server coming back, and quitting (server stopped, then exit).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { runDesktop, type DesktopOptions } from '../../electron/desktop.js';
import { app, clipboard, dialog, FakeBrowserWindow, FakeTray, ipcMain, resetFakeElectron, session, shell, utilityProcess } from '../electron/fake-electron.js';
import { recordingSpawner, type RecordingSpawner } from '../electron/server-entry.js';

vi.mock('electron', () => import('../electron/fake-electron.js'));

/** Each test starts the server's process (through tsx when the build is stale): generous on a busy machine. */
const SERVER_TEST = { timeout: 90_000 };
const POLL = { timeout: 30_000 };

let userData: string;
let spawner: RecordingSpawner;
let signalListeners: Map<NodeJS.Signals, NodeJS.SignalsListener[]>;
/** The server's URL, from the ready message of its first process. */
const serverUrl = () => (spawner.spawned[0]!.messages.find((m) => (m as { type: string }).type === 'ready') as { url: string }).url;
const adminKey = () => spawner.spawned[0]!.env.JAN_API_KEY!;
const desktop = (options: DesktopOptions = {}) => runDesktop({ spawn: spawner.spawn, trayIntervalMs: 60_000, ...options });
const lanStatus = async (url = serverUrl()) =>
  (await (await fetch(`${url}/v1/admin/lan`, { headers: { authorization: `Bearer ${adminKey()}` } })).json()) as { enabled: boolean; host: string; guest_login: boolean };

function occupyPort(): Promise<Server> {
  return new Promise((resolve) => {
    const blocker = createServer();
    blocker.listen(0, '127.0.0.1', () => resolve(blocker));
  });
}

async function freePort(): Promise<number> {
  const blocker = await occupyPort();
  const port = (blocker.address() as { port: number }).port;
  await new Promise((resolve) => blocker.close(resolve));
  return port;
}

function saveSettings(settings: object) {
  writeFileSync(join(userData, 'desktop-settings.json'), JSON.stringify(settings));
}

async function quitAndWait() {
  app.quit();
  await vi.waitFor(() => expect(app.exit).toHaveBeenCalled(), POLL);
}

/** A fresh user-data folder and fake Electron for one app run. */
function setUp() {
  userData = mkdtempSync(join(tmpdir(), 'jan-desktop-'));
  spawner = recordingSpawner();
  signalListeners = new Map((['SIGINT', 'SIGTERM'] as const).map((signal) => [signal, process.listeners(signal)]));
  resetFakeElectron(userData);
  vi.stubEnv('XDG_CONFIG_HOME', join(userData, 'xdg'));
  vi.stubEnv('JAN_LOG_LEVEL', 'silent');
}

/** Quits the app if the test has not (stopping its server as the app would), and cleans up. */
async function tearDown() {
  if (!app.exit.mock.calls.length && spawner.spawned.length) await quitAndWait(); // stops the server as the app would
  await spawner.killAll();
  for (const [signal, before] of signalListeners) { // runDesktop's quit-on-signal handlers
    for (const listener of process.listeners(signal)) if (!before.includes(listener)) process.off(signal, listener);
  }
  vi.unstubAllEnvs();
  rmSync(userData, { recursive: true, force: true });
}

describe('desktop app start', SERVER_TEST, () => {
  beforeEach(setUp);
  afterEach(tearDown, SERVER_TEST.timeout);

  it('starts the server in its own process with the user-data folders, the saved port and loopback', async () => {
    const port = await freePort();
    saveSettings({ port });
    await desktop();

    expect(spawner.spawned).toHaveLength(1);
    const { env, process: child } = spawner.spawned[0]!;
    expect(env).toMatchObject({ JAN_DATA_DIR: join(userData, 'data'), JAN_MODELS_DIR: join(userData, 'models'), JAN_PORT: String(port), JAN_HOST: '127.0.0.1' });
    expect(env.JAN_API_KEY!.length).toBeGreaterThanOrEqual(32); // a random admin key for the shell's own calls
    expect(env.XDG_CONFIG_HOME).toBe(join(userData, 'xdg')); // the rest of the environment is passed on
    expect(child.pid).not.toBe(process.pid);
    expect(utilityProcess.fork).not.toHaveBeenCalled();
    expect(serverUrl()).toBe(`http://127.0.0.1:${port}`);
    expect(existsSync(join(userData, 'data', 'jan.sqlite'))).toBe(true);
    await vi.waitFor(() => expect(existsSync(join(userData, 'logs', 'server.log'))).toBe(true), POLL);
    expect(existsSync(join(userData, 'logs', 'desktop.log'))).toBe(true);
    expect(session.defaultSession.setPermissionRequestHandler).toHaveBeenCalledTimes(1);
    expect([...ipcMain.handlers.keys()].sort()).toEqual(['jan:app-version', 'jan:open-external', 'jan:pick-model-file', 'jan:reveal-folder']);
    await quitAndWait();
  });

  it('opens one locked-down window on the dashboard with a working one-time login link', async () => {
    saveSettings({ port: 0 });
    await desktop();
    const [window] = FakeBrowserWindow.instances;
    expect(FakeBrowserWindow.instances).toHaveLength(1);
    expect(window!.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false });
    expect(window!.options.webPreferences!.preload).toMatch(/electron[/\\]preload\.cjs$/);
    await vi.waitFor(() => expect(window!.loadedUrl).toMatch(new RegExp(`^${serverUrl()}/\\?token=[\\w-]{32}$`)), POLL);
    const login = await fetch(window!.loadedUrl!, { redirect: 'manual' });
    expect(login.status).toBe(302);
    expect(login.headers.get('set-cookie')).toMatch(/^jan_session=/);

    window!.close(); // the server keeps running; the window's bounds are saved
    app.emit('window-all-closed');
    expect(app.exit).not.toHaveBeenCalled();
    expect(JSON.parse(readFileSync(join(userData, 'desktop-settings.json'), 'utf8')).window).toEqual({ x: 40, y: 30, width: 1280, height: 860, maximized: false });
    app.emit('second-instance'); // launching the app again opens a new window with a fresh link
    expect(FakeBrowserWindow.instances).toHaveLength(2);
    await vi.waitFor(() => expect(FakeBrowserWindow.instances[1]!.loadedUrl).toMatch(new RegExp(`^${serverUrl()}/\\?token=`)), POLL);
    expect(FakeBrowserWindow.instances[1]!.loadedUrl).not.toBe(window!.loadedUrl);
    expect((await fetch(FakeBrowserWindow.instances[1]!.loadedUrl!, { redirect: 'manual' })).status).toBe(302);
    await quitAndWait();
  });

  it('when the port is taken, says so and starts on a free port if the user agrees', async () => {
    const blocker = await occupyPort();
    const taken = (blocker.address() as { port: number }).port;
    saveSettings({ port: taken });
    try {
      await desktop();
    } finally {
      blocker.close();
    }
    expect(dialog.showMessageBox).toHaveBeenCalledWith(expect.objectContaining({ message: `Port ${taken} is already in use.`, buttons: ['Start on a free port', 'Quit'] }));
    expect(spawner.spawned.map(({ env }) => env.JAN_PORT)).toEqual([String(taken), '0']);
    expect(await spawner.spawned[0]!.exit).toEqual({ code: 1, signal: null });
    const ready = spawner.spawned[1]!.messages.find((m) => (m as { type: string }).type === 'ready') as { port: number };
    expect(ready.port).not.toBe(taken);
    expect(JSON.parse(readFileSync(join(userData, 'desktop-settings.json'), 'utf8')).port).toBe(taken); // tried again next time
    await quitAndWait();
  });

  it('when the port is taken and the user declines, says what to do and exits 1', async () => {
    const blocker = await occupyPort();
    const taken = (blocker.address() as { port: number }).port;
    saveSettings({ port: taken });
    dialog.showMessageBox.mockResolvedValueOnce({ response: 1, checkboxChecked: false });
    try {
      await desktop();
    } finally {
      blocker.close();
    }
    expect(dialog.showMessageBox).toHaveBeenLastCalledWith(expect.objectContaining({
      type: 'error', message: `Port ${taken} is already in use.`, detail: expect.stringMatching(/EADDRINUSE[\s\S]*desktop-settings\.json/),
    }));
    expect(app.exit).toHaveBeenCalledWith(1);
    expect(FakeBrowserWindow.instances).toHaveLength(0);
    expect(spawner.spawned).toHaveLength(1);
  });

  it('a data folder another server holds: the dialog names it and says to stop it; no restart loop', async () => {
    const other = recordingSpawner();
    const holder = other.spawn({ env: { ...process.env as Record<string, string>, JAN_DATA_DIR: join(userData, 'data'), JAN_PORT: '0' } });
    await vi.waitFor(() => expect(other.spawned[0]!.messages).toContainEqual(expect.objectContaining({ type: 'ready' })), POLL);
    try {
      saveSettings({ port: 0 });
      await desktop();
      expect(dialog.showMessageBox).toHaveBeenCalledWith(expect.objectContaining({
        type: 'error', message: 'Another Jan Server is using this app\'s data folder.', detail: expect.stringContaining(`Jan Server (pid ${holder.pid}`),
      }));
      expect(app.exit).toHaveBeenCalledWith(1);
      expect(spawner.spawned).toHaveLength(1);
    } finally {
      await other.killAll();
    }
  });

  it('switches LAN access back on at start when it was on when the app last ran', async () => {
    saveSettings({ port: 0, lanAccess: true });
    await desktop();
    expect(await lanStatus()).toMatchObject({ enabled: true, host: '0.0.0.0', guest_login: false });
    await quitAndWait();
  });

  it('a crashed server comes back on the same URL, with LAN access switched on again; the tray says so meanwhile', async () => {
    saveSettings({ port: 0, lanAccess: true });
    await desktop({ restart: { initialDelayMs: 200 } });
    const url = serverUrl();
    const tray = FakeTray.instances[0]!;
    process.kill(spawner.spawned[0]!.process.pid!, 'SIGKILL');
    await vi.waitFor(() => expect(tray.menu[0]!.label).toBe(`Restarting the server (${url})…`), POLL);
    await vi.waitFor(() => expect(spawner.spawned[1]?.messages).toContainEqual(expect.objectContaining({ type: 'ready', url })), POLL);
    await vi.waitFor(() => expect(tray.menu[0]!.label).toBe(`Running at ${url}`), POLL);
    expect(await lanStatus(url)).toMatchObject({ enabled: true, host: '0.0.0.0' });
    expect(app.exit).not.toHaveBeenCalled();
    expect(dialog.showMessageBox).not.toHaveBeenCalled();
    await quitAndWait();
  });

  it('the dashboard can pick a model file through the native dialog (and only the dashboard)', async () => {
    saveSettings({ port: 0 });
    await desktop();
    dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: ['/home/me/tiny.gguf'] });
    const pick = ipcMain.handlers.get('jan:pick-model-file')!;
    const fromDashboard = { senderFrame: { url: `${serverUrl()}/models`, parent: null } };
    await expect(pick(fromDashboard)).resolves.toBe('/home/me/tiny.gguf');
    expect(dialog.showOpenDialog).toHaveBeenCalledWith(FakeBrowserWindow.instances[0], expect.objectContaining({
      properties: ['openFile'], filters: [{ name: 'GGUF models', extensions: ['gguf'] }],
    }));
    await expect(pick({ senderFrame: { url: 'https://evil.example/', parent: null } })).rejects.toThrow(/refused/);
    expect(dialog.showOpenDialog).toHaveBeenCalledTimes(1);
    await quitAndWait();
  });

  it('a second copy of the app quits at once without starting a server', async () => {
    app.singleInstance = false;
    await desktop();
    expect(app.quit).toHaveBeenCalledTimes(1);
    expect(spawner.spawned).toHaveLength(0);
  });
});

// One app for the tray's tests (each start of the server's process costs seconds); Quit comes last.
describe('tray', SERVER_TEST, () => {
  beforeAll(async () => {
    setUp();
    saveSettings({ port: 0 });
    await desktop();
  }, SERVER_TEST.timeout);
  afterAll(tearDown, SERVER_TEST.timeout);
  beforeEach(() => {
    vi.clearAllMocks(); // call records only; the app and its tray stay
  });
  const tray = () => FakeTray.instances[0]!;

  it('shows the server running at its URL', () => {
    expect(tray().tooltip).toMatch(new RegExp(`^Jan Server: running at ${serverUrl()}, [\\d.]+ requests/s$`));
    expect(tray().menu[0]!.label).toBe(`Running at ${serverUrl()}`);
  });

  it('copies the API base URL and a new working API key for the owner', async () => {
    tray().click('Copy API base URL');
    expect(clipboard.writeText).toHaveBeenLastCalledWith(`${serverUrl()}/v1`);
    tray().click('Copy a new API key');
    await vi.waitFor(() => expect(clipboard.writeText).toHaveBeenCalledTimes(2), POLL);
    const key = clipboard.writeText.mock.calls[1]![0];
    expect(key).toMatch(/^sk_/);
    const me = await fetch(`${serverUrl()}/auth/me`, { headers: { authorization: `Bearer ${key}` } });
    expect(await me.json()).toMatchObject({ object: 'user', name: 'Owner', role: 'owner', auth_method: 'apikey' });
  });

  it('switches LAN access through the server and remembers it', async () => {
    const lan = async () => (await lanStatus()).enabled;
    tray().click('Allow LAN access');
    await vi.waitFor(() => expect(tray().menu.find((i) => i.label === 'Allow LAN access')!.checked).toBe(true), POLL);
    expect(await lan()).toBe(true);
    expect(JSON.parse(readFileSync(join(userData, 'desktop-settings.json'), 'utf8')).lanAccess).toBe(true);
    tray().click('Allow LAN access');
    await vi.waitFor(() => expect(tray().menu.find((i) => i.label === 'Allow LAN access')!.checked).toBe(false), POLL);
    expect(await lan()).toBe(false);
  });

  it('opens the data and models folders and sets start at login', async () => {
    tray().click('Open data folder');
    tray().click('Open models folder');
    expect(shell.openPath.mock.calls).toEqual([[join(userData, 'data')], [join(userData, 'models')]]);
    expect(existsSync(join(userData, 'models'))).toBe(true);
    tray().click('Start at login');
    await vi.waitFor(() => expect(tray().menu.find((i) => i.label === 'Start at login')!.checked).toBe(true), POLL);
    if (process.platform === 'linux') expect(existsSync(join(userData, 'xdg', 'autostart', 'jan-server.desktop'))).toBe(true);
  });

  it('Quit stops the server process cleanly (database closed, process gone) and then exits 0', async () => {
    const server = spawner.spawned[0]!;
    const url = serverUrl();
    tray().click('Quit');
    await vi.waitFor(() => expect(app.exit).toHaveBeenCalledWith(0), POLL);
    expect(tray().destroyed).toBe(true);
    expect(server.messages).toContainEqual({ type: 'stopped' }); // after its close(): store closed, lock released
    expect(await server.exit).toEqual({ code: 0, signal: null });
    expect(server.alive()).toBe(false);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    expect(existsSync(join(userData, 'data', 'jan.lock.json'))).toBe(false);
  });
});

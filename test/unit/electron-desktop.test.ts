/**
 * electron/desktop.ts with `electron` faked and the real server: how the app starts the server (user-data
 * folders, saved port, the port-taken dialog), the window and its login link, the tray's actions through the
 * server's own API, and quitting (server closed, then exit).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Config } from '../../server/config/schema.js';
import { startServer, type RunningServer } from '../../server/start-server.js';
import { runDesktop } from '../../electron/desktop.js';
import { app, clipboard, dialog, FakeBrowserWindow, FakeTray, ipcMain, resetFakeElectron, session, shell } from '../electron/fake-electron.js';

vi.mock('electron', () => import('../electron/fake-electron.js'));

let userData: string;
let started: RunningServer[];
/** The real startServer, recording what it was called with. */
const start = vi.fn(async (config: Config, options?: Parameters<typeof startServer>[1]) => {
  const server = await startServer(config, options);
  started.push(server);
  return server;
});

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
  await vi.waitFor(() => expect(app.exit).toHaveBeenCalled(), { timeout: 15_000 });
}

beforeEach(() => {
  userData = mkdtempSync(join(tmpdir(), 'jan-desktop-'));
  started = [];
  start.mockClear();
  resetFakeElectron(userData);
  vi.stubEnv('XDG_CONFIG_HOME', join(userData, 'xdg'));
  vi.stubEnv('JAN_LOG_LEVEL', 'silent');
});
afterEach(async () => {
  await Promise.all(started.map((server) => server.close()));
  vi.unstubAllEnvs();
  rmSync(userData, { recursive: true, force: true });
});

describe('desktop app start', () => {
  it('starts the server in this process with the user-data folders, the saved port and loopback', async () => {
    const port = await freePort();
    saveSettings({ port });
    await runDesktop({ start, trayIntervalMs: 60_000 });

    expect(start).toHaveBeenCalledTimes(1);
    const config = start.mock.calls[0]![0];
    expect(config).toMatchObject({ dataDir: join(userData, 'data'), modelsDir: join(userData, 'models'), port, host: '127.0.0.1' });
    expect(config.apiKey.length).toBeGreaterThanOrEqual(32); // a random admin key for the shell's own calls
    expect(started[0]!.url).toBe(`http://127.0.0.1:${port}`);
    expect(existsSync(join(userData, 'data', 'jan.sqlite'))).toBe(true);
    expect(existsSync(join(userData, 'logs', 'server.log'))).toBe(true);
    expect(session.defaultSession.setPermissionRequestHandler).toHaveBeenCalledTimes(1);
    expect([...ipcMain.handlers.keys()].sort()).toEqual(['jan:app-version', 'jan:open-external', 'jan:pick-model-file', 'jan:reveal-folder']);
    await quitAndWait();
  });

  it('opens one locked-down window on the dashboard with a working one-time login link', async () => {
    saveSettings({ port: 0 });
    await runDesktop({ start, trayIntervalMs: 60_000 });
    const [window] = FakeBrowserWindow.instances;
    expect(FakeBrowserWindow.instances).toHaveLength(1);
    expect(window!.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false });
    expect(window!.options.webPreferences!.preload).toMatch(/electron[/\\]preload\.cjs$/);
    expect(window!.loadedUrl).toMatch(new RegExp(`^${started[0]!.url}/\\?token=[\\w-]{32}$`));
    const login = await fetch(window!.loadedUrl!, { redirect: 'manual' });
    expect(login.status).toBe(302);
    expect(login.headers.get('set-cookie')).toMatch(/^jan_session=/);

    window!.close(); // the server keeps running; the window's bounds are saved
    app.emit('window-all-closed');
    expect(app.exit).not.toHaveBeenCalled();
    expect(JSON.parse(readFileSync(join(userData, 'desktop-settings.json'), 'utf8')).window).toEqual({ x: 40, y: 30, width: 1280, height: 860, maximized: false });
    app.emit('second-instance'); // launching the app again opens a new window with a fresh link
    expect(FakeBrowserWindow.instances).toHaveLength(2);
    expect(FakeBrowserWindow.instances[1]!.loadedUrl).not.toBe(window!.loadedUrl);
    expect((await fetch(FakeBrowserWindow.instances[1]!.loadedUrl!, { redirect: 'manual' })).status).toBe(302);
    await quitAndWait();
  });

  it('when the port is taken, says so and starts on a free port if the user agrees', async () => {
    const blocker = await occupyPort();
    const taken = (blocker.address() as { port: number }).port;
    saveSettings({ port: taken });
    try {
      await runDesktop({ start, trayIntervalMs: 60_000 });
    } finally {
      blocker.close();
    }
    expect(dialog.showMessageBox).toHaveBeenCalledWith(expect.objectContaining({ message: `Port ${taken} is already in use.`, buttons: ['Start on a free port', 'Quit'] }));
    expect(start.mock.calls.map(([config]) => config.port)).toEqual([taken, 0]);
    expect(started).toHaveLength(1);
    expect(started[0]!.port).not.toBe(taken);
    expect(JSON.parse(readFileSync(join(userData, 'desktop-settings.json'), 'utf8')).port).toBe(taken); // tried again next time
    await quitAndWait();
  });

  it('when the port is taken and the user declines, shows the error and exits 1', async () => {
    const blocker = await occupyPort();
    saveSettings({ port: (blocker.address() as { port: number }).port });
    dialog.showMessageBox.mockResolvedValueOnce({ response: 1, checkboxChecked: false });
    try {
      await runDesktop({ start, trayIntervalMs: 60_000 });
    } finally {
      blocker.close();
    }
    expect(dialog.showErrorBox).toHaveBeenCalledWith('Jan Server could not start', expect.stringContaining('EADDRINUSE'));
    expect(app.exit).toHaveBeenCalledWith(1);
    expect(FakeBrowserWindow.instances).toHaveLength(0);
  });

  it('switches LAN access back on at start when it was on when the app last ran', async () => {
    saveSettings({ port: 0, lanAccess: true });
    await runDesktop({ start, trayIntervalMs: 60_000 });
    expect(started[0]!.services.lan.status()).toMatchObject({ enabled: true, host: '0.0.0.0', guest_login: false });
    await quitAndWait();
  });

  it('the dashboard can pick a model file through the native dialog (and only the dashboard)', async () => {
    saveSettings({ port: 0 });
    await runDesktop({ start, trayIntervalMs: 60_000 });
    dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: ['/home/me/tiny.gguf'] });
    const pick = ipcMain.handlers.get('jan:pick-model-file')!;
    const fromDashboard = { senderFrame: { url: `${started[0]!.url}/models`, parent: null } };
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
    await runDesktop({ start });
    expect(app.quit).toHaveBeenCalledTimes(1);
    expect(start).not.toHaveBeenCalled();
  });
});

describe('tray', () => {
  beforeEach(async () => {
    saveSettings({ port: 0 });
    await runDesktop({ start, trayIntervalMs: 60_000 });
  });
  const tray = () => FakeTray.instances[0]!;

  it('shows the server running at its URL', () => {
    expect(tray().tooltip).toMatch(new RegExp(`^Jan Server: running at ${started[0]!.url}, [\\d.]+ requests/s$`));
    expect(tray().menu[0]!.label).toBe(`Running at ${started[0]!.url}`);
  });

  it('copies the API base URL and a new working API key for the owner', async () => {
    tray().click('Copy API base URL');
    expect(clipboard.writeText).toHaveBeenLastCalledWith(`${started[0]!.url}/v1`);
    tray().click('Copy a new API key');
    await vi.waitFor(() => expect(clipboard.writeText).toHaveBeenCalledTimes(2));
    const key = clipboard.writeText.mock.calls[1]![0];
    expect(key).toMatch(/^sk_/);
    const me = await fetch(`${started[0]!.url}/auth/me`, { headers: { authorization: `Bearer ${key}` } });
    expect(await me.json()).toMatchObject({ object: 'user', name: 'Owner', role: 'admin', auth_method: 'apikey' });
  });

  it('switches LAN access through the server and remembers it', async () => {
    const lan = async () => {
      const response = await fetch(`${started[0]!.url}/v1/admin/lan`, { headers: { authorization: `Bearer ${start.mock.calls[0]![0].apiKey}` } });
      return ((await response.json()) as { enabled: boolean }).enabled;
    };
    tray().click('Allow LAN access');
    await vi.waitFor(() => expect(tray().menu.find((i) => i.label === 'Allow LAN access')!.checked).toBe(true));
    expect(await lan()).toBe(true);
    expect(JSON.parse(readFileSync(join(userData, 'desktop-settings.json'), 'utf8')).lanAccess).toBe(true);
    tray().click('Allow LAN access');
    await vi.waitFor(() => expect(tray().menu.find((i) => i.label === 'Allow LAN access')!.checked).toBe(false));
    expect(await lan()).toBe(false);
  });

  it('opens the data and models folders and sets start at login', async () => {
    tray().click('Open data folder');
    tray().click('Open models folder');
    expect(shell.openPath.mock.calls).toEqual([[join(userData, 'data')], [join(userData, 'models')]]);
    expect(existsSync(join(userData, 'models'))).toBe(true);
    tray().click('Start at login');
    await vi.waitFor(() => expect(tray().menu.find((i) => i.label === 'Start at login')!.checked).toBe(true));
    if (process.platform === 'linux') expect(existsSync(join(userData, 'xdg', 'autostart', 'jan-server.desktop'))).toBe(true);
  });

  it('Quit closes the server (database included) and then exits 0', async () => {
    const server = started[0]!;
    tray().click('Quit');
    await vi.waitFor(() => expect(app.exit).toHaveBeenCalledWith(0), { timeout: 15_000 });
    expect(tray().destroyed).toBe(true);
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    expect(server.services.health.ready()).toBe(false); // the store is closed
  });
});

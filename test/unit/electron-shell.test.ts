/** The shell's small parts: settings file, window bounds, tray menu, bounded quit, start at login. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openAtLogin, setOpenAtLogin } from '../../electron/login-item.js';
import { DEFAULT_SETTINGS, parseSettings, SettingsFile } from '../../electron/settings.js';
import { installQuitHandler } from '../../electron/shutdown.js';
import { DesktopTray, trayMenuTemplate, trayTooltip, type TrayActions, type TrayState } from '../../electron/tray.js';
import { restoreBounds } from '../../electron/window.js';
import { FakeTray } from '../electron/fake-electron.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'jan-shell-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  vi.useRealTimers();
});

describe('settings file', () => {
  it('defaults to port 1337 and LAN access off when there is no file or it is not JSON', () => {
    expect(new SettingsFile(join(dir, 'missing.json')).load()).toEqual({ port: 1337, lanAccess: false });
    writeFileSync(join(dir, 'bad.json'), '{ not json');
    expect(new SettingsFile(join(dir, 'bad.json')).load()).toEqual(DEFAULT_SETTINGS);
  });

  it('keeps the valid fields of a partly invalid file', () => {
    expect(parseSettings({ port: 70_000, lanAccess: true, window: { width: 900, height: 700 } })).toEqual({
      port: 1337, lanAccess: true, window: { width: 900, height: 700, maximized: false },
    });
    expect(parseSettings({ port: 8080, lanAccess: 'yes', window: { width: 10, height: 10 } })).toEqual({ port: 8080, lanAccess: false });
  });

  it('update merges and writes the whole file, which load reads back', () => {
    const file = new SettingsFile(join(dir, 'nested', 'settings.json'));
    file.update({ port: 4242 });
    file.update({ lanAccess: true });
    expect(file.load()).toEqual({ port: 4242, lanAccess: true });
    expect(JSON.parse(readFileSync(file.path, 'utf8'))).toEqual({ port: 4242, lanAccess: true });
  });
});

describe('window bounds', () => {
  const screen = [{ x: 0, y: 0, width: 1920, height: 1080 }];
  it('restores the saved size and position when a display still shows it', () => {
    expect(restoreBounds({ x: 100, y: 80, width: 1000, height: 700, maximized: false }, screen)).toEqual({ x: 100, y: 80, width: 1000, height: 700 });
  });
  it('drops a position that no display shows any more, keeping the size', () => {
    expect(restoreBounds({ x: 3000, y: 80, width: 1000, height: 700, maximized: false }, screen)).toEqual({ width: 1000, height: 700 });
  });
  it('uses the default size the first time', () => {
    expect(restoreBounds(undefined, screen)).toEqual({ width: 1280, height: 860 });
  });
});

describe('tray', () => {
  const state: TrayState = {
    url: 'http://127.0.0.1:1337', rps: 12.4, loadedModels: ['tiny-llama'], lanEnabled: true,
    lanUrls: ['http://192.168.1.20:1337'], openAtLogin: false,
  };
  const actions = (): TrayActions => ({
    openDashboard: vi.fn(), copyText: vi.fn(), copyNewApiKey: vi.fn(), setLanAccess: vi.fn(), openDataFolder: vi.fn(),
    openModelsFolder: vi.fn(), setOpenAtLogin: vi.fn(), quit: vi.fn(),
  });

  it('shows the state and the actions', () => {
    const labels = trayMenuTemplate(state, actions()).filter((i) => i.type !== 'separator').map((i) => i.label);
    expect(labels).toEqual([
      'Running at http://127.0.0.1:1337', '12 requests/s · loaded model: tiny-llama', 'Open dashboard', 'Copy API base URL',
      'Copy a new API key', 'Allow LAN access', '    http://192.168.1.20:1337', 'Open data folder', 'Open models folder',
      'Start at login', 'Quit Jan Server',
    ]);
    expect(trayTooltip({ ...state, rps: null })).toBe('Jan Server: running at http://127.0.0.1:1337, – requests/s');
  });

  it('each item calls its action', () => {
    const a = actions();
    const tray = new FakeTray('icon.png');
    tray.setContextMenu({ template: trayMenuTemplate(state, a) });
    tray.click('Open dashboard');
    tray.click('Copy API base URL');
    tray.click('Copy a new API key');
    tray.click('Allow LAN access');
    tray.click('http://192.168.1.20:1337');
    tray.click('Open data folder');
    tray.click('Open models folder');
    tray.click('Start at login');
    tray.click('Quit');
    expect(a.openDashboard).toHaveBeenCalledTimes(1);
    expect(vi.mocked(a.copyText).mock.calls).toEqual([['http://127.0.0.1:1337/v1'], ['http://192.168.1.20:1337/v1']]);
    expect(a.copyNewApiKey).toHaveBeenCalledTimes(1);
    expect(a.setLanAccess).toHaveBeenCalledWith(false); // it was on
    expect(a.openDataFolder).toHaveBeenCalledTimes(1);
    expect(a.openModelsFolder).toHaveBeenCalledTimes(1);
    expect(a.setOpenAtLogin).toHaveBeenCalledWith(true);
    expect(a.quit).toHaveBeenCalledTimes(1);
  });

  it('DesktopTray polls the state into the tooltip and menu, and stops when destroyed', async () => {
    vi.useFakeTimers();
    let rps = 1;
    const tray = new DesktopTray({
      Tray: FakeTray as never, Menu: { buildFromTemplate: (template) => ({ template }) as never }, icon: 'tray.png',
      actions: actions(), readState: async () => ({ ...state, rps: rps++ }), intervalMs: 1000,
    });
    await tray.start();
    const fake = FakeTray.instances.at(-1)!;
    expect(fake.tooltip).toBe('Jan Server: running at http://127.0.0.1:1337, 1.0 requests/s');
    await vi.advanceTimersByTimeAsync(1000);
    expect(fake.tooltip).toContain('2.0 requests/s');
    tray.destroy();
    await vi.advanceTimersByTimeAsync(5000);
    expect(fake.destroyed).toBe(true);
    expect(fake.tooltip).toContain('2.0 requests/s');
  });
});

describe('quit', () => {
  function fakeApp() {
    const listeners: ((event: { preventDefault(): void }) => void)[] = [];
    return {
      on: (_name: string, listener: (event: { preventDefault(): void }) => void) => listeners.push(listener),
      exit: vi.fn(),
      quit() {
        const event = { prevented: false, preventDefault() { this.prevented = true; } };
        for (const listener of listeners) listener(event);
        return event.prevented;
      },
    };
  }
  const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };

  it('holds the quit until the server has closed, then exits 0; quitting again meanwhile changes nothing', async () => {
    const app = fakeApp();
    let finish!: () => void;
    const close = vi.fn(() => new Promise<void>((resolve) => (finish = resolve)));
    const beforeClose = vi.fn();
    installQuitHandler(app as never, { close, timeoutMs: 15_000, logger, beforeClose });
    expect(app.quit()).toBe(true);
    expect(app.quit()).toBe(true);
    expect(close).toHaveBeenCalledTimes(1);
    expect(beforeClose).toHaveBeenCalledTimes(1);
    expect(app.exit).not.toHaveBeenCalled();
    finish();
    await vi.waitFor(() => expect(app.exit).toHaveBeenCalledWith(0));
  });

  it('exits with 1 after the bound when closing hangs', async () => {
    vi.useFakeTimers();
    const app = fakeApp();
    installQuitHandler(app as never, { close: () => new Promise<void>(() => undefined), timeoutMs: 15_000, logger });
    app.quit();
    await vi.advanceTimersByTimeAsync(14_999);
    expect(app.exit).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(app.exit).toHaveBeenCalledWith(1);
  });

  it('exits with 1 when closing fails', async () => {
    const app = fakeApp();
    installQuitHandler(app as never, { close: () => Promise.reject(new Error('disk gone')), timeoutMs: 15_000, logger });
    app.quit();
    await vi.waitFor(() => expect(app.exit).toHaveBeenCalledWith(1));
  });
});

describe('start at login', () => {
  const app = { getLoginItemSettings: vi.fn(() => ({ openAtLogin: true })), setLoginItemSettings: vi.fn() };

  it('on Linux writes and removes an XDG autostart entry that runs the app', () => {
    const deps = { app: app as never, platform: 'linux' as const, configHome: dir, executable: '/opt/Jan Server/jan-server' };
    expect(openAtLogin(deps)).toBe(false);
    setOpenAtLogin(deps, true);
    expect(openAtLogin(deps)).toBe(true);
    const entry = readFileSync(join(dir, 'autostart', 'jan-server.desktop'), 'utf8');
    expect(entry).toContain('Exec="/opt/Jan Server/jan-server"');
    expect(entry).toMatch(/^\[Desktop Entry\]\nType=Application\nName=Jan Server\n/);
    setOpenAtLogin(deps, false);
    expect(openAtLogin(deps)).toBe(false);
    expect(app.setLoginItemSettings).not.toHaveBeenCalled();
  });

  it('elsewhere uses the login item settings of the OS', () => {
    const deps = { app: app as never, platform: 'darwin' as const, configHome: dir, executable: '/Applications/Jan Server.app' };
    expect(openAtLogin(deps)).toBe(true);
    setOpenAtLogin(deps, false);
    expect(app.setLoginItemSettings).toHaveBeenCalledWith({ openAtLogin: false });
  });
});

/**
 * A stand-in for the `electron` module in the main-process tests (the real binary cannot be installed on the
 * build machines). Only what electron/ uses, recording what the code did: windows and their options, the
 * tray and its menus, IPC handlers, dialogs, clipboard, shell calls, and the app's lifecycle events. There
 * are no utility processes: tests pass `runDesktop` a Node child-process spawner (test/electron/server-entry.ts).
 * Use: `vi.mock('electron', () => import('./fake-electron.js'))`, then `resetFakeElectron()`.
 */
import { EventEmitter } from 'node:events';
import type { BrowserWindowConstructorOptions, MenuItemConstructorOptions } from 'electron';
import { vi } from 'vitest';

export class FakeWebContents extends EventEmitter {
  windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.windowOpenHandler = handler;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static instances: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  loadedUrl: string | undefined;
  visible = false;
  maximized = false;
  destroyed = false;
  constructor(readonly options: BrowserWindowConstructorOptions) {
    super();
    FakeBrowserWindow.instances.push(this);
  }
  loadURL(url: string) {
    this.loadedUrl = url;
    return Promise.resolve();
  }
  show() {
    this.visible = true;
  }
  focus() {}
  restore() {}
  maximize() {
    this.maximized = true;
  }
  isMaximized() {
    return this.maximized;
  }
  isMinimized() {
    return false;
  }
  isDestroyed() {
    return this.destroyed;
  }
  getNormalBounds() {
    return { x: 40, y: 30, width: this.options.width ?? 800, height: this.options.height ?? 600 };
  }
  /** What the user closing the window does. */
  close() {
    this.emit('close');
    this.destroyed = true;
    this.emit('closed');
  }
}

export class FakeTray extends EventEmitter {
  static instances: FakeTray[] = [];
  tooltip = '';
  menu: MenuItemConstructorOptions[] = [];
  destroyed = false;
  constructor(readonly icon: string) {
    super();
    FakeTray.instances.push(this);
  }
  setToolTip(text: string) {
    this.tooltip = text;
  }
  setContextMenu(menu: { template: MenuItemConstructorOptions[] }) {
    this.menu = menu.template;
  }
  isDestroyed() {
    return this.destroyed;
  }
  destroy() {
    this.destroyed = true;
  }
  /** Clicks the menu item whose label starts with `label`. */
  click(label: string) {
    const item = this.menu.find((i) => i.label?.trim().startsWith(label));
    if (!item?.click) throw new Error(`no menu item '${label}' in ${JSON.stringify(this.menu.map((i) => i.label))}`);
    (item.click as () => void)();
  }
}

class FakeApp extends EventEmitter {
  userData = '';
  singleInstance = true;
  isPackaged = false;
  loginItem = { openAtLogin: false };
  readonly exit = vi.fn<(code?: number) => void>();
  readonly quit = vi.fn(() => {
    const event = { defaultPrevented: false, preventDefault: () => (event.defaultPrevented = true) };
    this.emit('before-quit', event);
    if (!event.defaultPrevented) this.exit(0);
  });
  requestSingleInstanceLock() {
    return this.singleInstance;
  }
  whenReady() {
    return Promise.resolve();
  }
  getPath(name: string) {
    return name === 'userData' ? this.userData : `${this.userData}/${name}`;
  }
  getVersion() {
    return '0.1.0-test';
  }
  getLoginItemSettings() {
    return this.loginItem;
  }
  setLoginItemSettings(settings: { openAtLogin: boolean }) {
    this.loginItem = { openAtLogin: settings.openAtLogin };
  }
}

export const app = new FakeApp();
export const BrowserWindow = FakeBrowserWindow;
export const Tray = FakeTray;
export const Menu = {
  buildFromTemplate: (template: MenuItemConstructorOptions[]) => ({ template }),
  setApplicationMenu: vi.fn(),
};
export const clipboard = { writeText: vi.fn<(text: string) => void>() };
export const shell = { openPath: vi.fn(async (_path: string) => ''), openExternal: vi.fn(async (_url: string) => undefined) };
export const dialog = {
  showMessageBox: vi.fn(async (_options: unknown) => ({ response: 0, checkboxChecked: false })),
  showErrorBox: vi.fn<(title: string, content: string) => void>(),
  showOpenDialog: vi.fn(async (..._args: unknown[]) => ({ canceled: true, filePaths: [] as string[] })),
};
export const ipcMain = { handlers: new Map<string, (...args: unknown[]) => unknown>(), handle: vi.fn() };
export const utilityProcess = {
  fork: vi.fn(() => {
    throw new Error('no utility processes in tests: give runDesktop a spawn function (test/electron/server-entry.ts)');
  }),
};
export const screen = { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] };
export const session = {
  defaultSession: {
    setPermissionRequestHandler: vi.fn(),
    setPermissionCheckHandler: vi.fn(),
    setDevicePermissionHandler: vi.fn(),
    webRequest: { onHeadersReceived: vi.fn() },
  },
};

/** Fresh state for the next test: no windows, no tray, no listeners, mocks cleared. */
export function resetFakeElectron(userData: string): void {
  app.removeAllListeners();
  app.userData = userData;
  app.singleInstance = true;
  app.loginItem = { openAtLogin: false };
  FakeBrowserWindow.instances = [];
  FakeTray.instances = [];
  ipcMain.handlers.clear();
  vi.clearAllMocks();
  ipcMain.handle.mockImplementation((channel: string, handler: (...args: unknown[]) => unknown) => ipcMain.handlers.set(channel, handler));
}

export default { app, BrowserWindow, Tray, Menu, clipboard, shell, dialog, ipcMain, screen, session, utilityProcess };

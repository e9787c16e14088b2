/**
 * The desktop app: one instance per user, the server running in this (main) process — node-llama-cpp needs
 * it there — a window on the server's dashboard, and a tray icon. This file only wires things together; the
 * behaviour lives in the server (reached through `startServer` and its HTTP API) and in the small modules
 * imported here.
 *
 * Lifecycle: `runDesktop()` once per process. Closing the window keeps the server running in the tray;
 * quitting (tray, menu, Cmd-Q, SIGINT/SIGTERM) closes the server within a bounded time, then exits.
 */
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, clipboard, dialog, ipcMain, Menu, screen, session, shell, Tray } from 'electron';
import type { Logger } from 'pino';
import type { RunningServer, startServer } from '../server/start-server.js';
import { registerIpc } from './ipc.js';
import { openAtLogin, setOpenAtLogin, type LoginItemDeps } from './login-item.js';
import { installSecurity } from './security.js';
import { ServerClient } from './server-client.js';
import { SettingsFile } from './settings.js';
import { installQuitHandler } from './shutdown.js';
import { desktopPaths, startDesktopServer, type DesktopPaths, type DesktopServer } from './start-desktop-server.js';
import { DesktopTray, type TrayActions, type TrayState } from './tray.js';
import { createMainWindow } from './window.js';

export interface DesktopOptions {
  /** Replaced in tests. */
  start?: typeof startServer;
  /** How often the tray reads the server's figures, in ms. */
  trayIntervalMs?: number;
}

const asset = (path: string) => fileURLToPath(new URL(path, import.meta.url));
/** Compiled to dist/electron/; the preload next to it, the icons in build/icons/ (both inside app.asar). */
export const PRELOAD_PATH = asset('./preload.cjs');
const ICONS = asset('../../build/icons/');

/** Exiting takes at most the server's drain timeout plus this, for models, OCR workers and the database. */
const DISPOSE_MARGIN_MS = 5_000;

async function confirmFreePort(port: number): Promise<boolean> {
  const { response } = await dialog.showMessageBox({
    type: 'warning',
    title: 'Jan Server',
    message: `Port ${port} is already in use.`,
    detail: 'Another program (or another Jan Server) is using it. Jan Server can start on a free port instead; apps that expect it on port ' +
      `${port} will need the new address, shown in the tray menu. You can change the port in the settings file.`,
    buttons: ['Start on a free port', 'Quit'],
    defaultId: 0,
    cancelId: 1,
  });
  return response === 0;
}

export async function runDesktop(options: DesktopOptions = {}): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    app.quit(); // the running instance shows its window (see 'second-instance')
    return;
  }
  await app.whenReady();
  const userData = app.getPath('userData');
  const settings = new SettingsFile(join(userData, 'desktop-settings.json'));
  const paths = desktopPaths(userData);
  let started: DesktopServer;
  try {
    started = await startDesktopServer({
      paths, port: settings.load().port, confirmFreePort, logToConsole: !app.isPackaged, ...(options.start ? { start: options.start } : {}),
    });
  } catch (error) {
    dialog.showErrorBox('Jan Server could not start', (error as Error).message);
    app.exit(1);
    return;
  }
  await runShell(started, settings, paths, options);
}

function windowController(server: RunningServer, settings: SettingsFile, logger: Logger) {
  let window: BrowserWindow | undefined;
  const show = () => {
    if (window && !window.isDestroyed()) {
      if (window.isMinimized()) window.restore();
      window.show();
      window.focus();
      return;
    }
    window = createMainWindow({
      BrowserWindow, preload: PRELOAD_PATH, icon: join(ICONS, 'icon.png'), saved: settings.load().window,
      workAreas: screen.getAllDisplays().map((d) => d.workArea), saveBounds: (bounds) => settings.update({ window: bounds }),
    });
    // A fresh one-time login link each time a window opens (a link works once).
    window.loadURL(`${server.url}/?token=${server.services.sessions.newLoginLinkToken()}`).catch((error: Error) => {
      logger.warn({ err: error }, 'the dashboard did not load');
    });
  };
  const pickModelFile = async () => {
    const options = { title: 'Choose a model file', properties: ['openFile' as const], filters: [{ name: 'GGUF models', extensions: ['gguf'] }] };
    const result = window && !window.isDestroyed() ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
    return result.canceled ? null : (result.filePaths[0] ?? null);
  };
  return { show, pickModelFile };
}

async function runShell(started: DesktopServer, settings: SettingsFile, paths: DesktopPaths, options: DesktopOptions) {
  const { server, config, logger } = started;
  const origin = new URL(server.url).origin;
  const openExternal = (url: string) => shell.openExternal(url);
  const windows = windowController(server, settings, logger);
  installSecurity(app, session.defaultSession, { origin, openExternal });
  registerIpc({
    ipcMain, origin, folders: paths, openExternal, openPath: (path) => shell.openPath(path),
    appVersion: () => app.getVersion(), pickModelFile: windows.pickModelFile,
  });
  app.on('second-instance', windows.show);
  app.on('activate', windows.show); // macOS: clicking the dock icon
  app.on('window-all-closed', () => logger.info('window closed; the server keeps running in the tray'));

  const client = new ServerClient(server.url, started.adminKey);
  const tray = createTray(started, client, settings, windows.show, options.trayIntervalMs ?? 5_000);
  Menu.setApplicationMenu(null);
  installQuitHandler(app, {
    close: async () => {
      await server.close();
      logger.flush();
    },
    timeoutMs: config.shutdownTimeoutMs + DISPOSE_MARGIN_MS, logger, beforeClose: () => tray.destroy(),
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());

  windows.show();
  if (settings.load().lanAccess) await client.setLan(true).catch((error: Error) => logger.warn({ err: error }, 'LAN access could not be restored'));
  await tray.start();
}

function createTray(started: DesktopServer, client: ServerClient, settings: SettingsFile, showWindow: () => void, intervalMs: number): DesktopTray {
  const login: LoginItemDeps = {
    app, platform: process.platform, configHome: process.env.XDG_CONFIG_HOME || join(homedir(), '.config'),
    executable: process.env.APPIMAGE || process.execPath,
  };
  let lan = { enabled: false, urls: [] as string[] };
  const readState = async (): Promise<TrayState> => {
    const [figures, status] = await Promise.all([client.figures().catch(() => undefined), client.lanStatus().catch(() => undefined)]);
    if (status) lan = { enabled: status.enabled, urls: status.lan_urls };
    return {
      url: started.server.url, rps: figures?.rps ?? null, loadedModels: figures?.loadedModels ?? [],
      lanEnabled: lan.enabled, lanUrls: lan.urls, openAtLogin: openAtLogin(login),
    };
  };
  const refresh = () => tray.refresh();
  const tray: DesktopTray = new DesktopTray({
    Tray, Menu, icon: join(ICONS, process.platform === 'darwin' ? 'trayTemplate.png' : 'tray.png'),
    actions: trayActions({ config: started.config, client, settings, login, showWindow, refresh }), readState, intervalMs,
  });
  return tray;
}

interface TrayActionDeps {
  config: DesktopServer['config'];
  client: ServerClient;
  settings: SettingsFile;
  login: LoginItemDeps;
  showWindow(): void;
  refresh(): Promise<void>;
}

function trayActions({ config, client, settings, login, showWindow, refresh }: TrayActionDeps): TrayActions {
  const fail = (title: string) => (error: Error) => dialog.showErrorBox(title, error.message);
  return {
    openDashboard: showWindow,
    copyText: (text) => clipboard.writeText(text),
    copyNewApiKey: () => {
      const name = `Desktop app ${new Date().toISOString().slice(0, 16).replace('T', ' ')}`;
      client.createApiKey(name).then((key) => clipboard.writeText(key), fail('Could not create an API key'));
    },
    setLanAccess: (enabled) => {
      client.setLan(enabled).then(() => {
        settings.update({ lanAccess: enabled });
        return refresh();
      }, fail('LAN access'));
    },
    openDataFolder: () => void shell.openPath(config.dataDir),
    openModelsFolder: () => {
      mkdirSync(config.modelsDir, { recursive: true });
      void shell.openPath(config.modelsDir);
    },
    setOpenAtLogin: (enabled) => {
      try {
        setOpenAtLogin(login, enabled);
      } catch (error) {
        fail('Start at login')(error as Error);
      }
      void refresh();
    },
    quit: () => app.quit(),
  };
}

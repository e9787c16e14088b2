/**
 * The desktop app: one instance per user, the server in its own process (the `npm start` entry, run and
 * restarted by the supervisor, so that a crash in llama.cpp, OCR or SQLite never takes the window and the
 * tray with it), a window on the server's dashboard, and a tray icon. This file only wires things together;
 * the behaviour lives in the server (reached over its HTTP API and the supervisor's channel) and in the small
 * modules imported here.
 *
 * Lifecycle: `runDesktop()` once per process. Closing the window keeps the server running in the tray. A
 * server that crashes comes back on the same URL (LAN access switched back on if it was); one that cannot
 * start, or keeps crashing, is explained in a dialog with the fix, and the app exits. Quitting (tray, menu,
 * Cmd-Q, SIGINT/SIGTERM) stops the server within a bounded time, then exits.
 */
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, clipboard, dialog, ipcMain, Menu, screen, session, shell, Tray, utilityProcess } from 'electron';
import type { Logger } from 'pino';
import { ConfigError } from '../server/config/load-config.js';
import { failureText, showFailure, type FailureContext } from './failure-dialog.js';
import { registerIpc } from './ipc.js';
import { openAtLogin, setOpenAtLogin, type LoginItemDeps } from './login-item.js';
import { installSecurity } from './security.js';
import { ServerClient } from './server-client.js';
import { utilityProcessSpawner, type SpawnServerProcess } from './server-process.js';
import { ServerStartError, type RestartPolicy, type ServerFailure } from './server-supervisor.js';
import { SettingsFile } from './settings.js';
import { installQuitHandler } from './shutdown.js';
import { desktopPaths, startDesktopServer, type DesktopPaths, type DesktopServer } from './start-desktop-server.js';
import { DesktopTray, type TrayActions, type TrayState } from './tray.js';
import { createMainWindow } from './window.js';

export interface DesktopOptions {
  /** Starts the server's process; default: an Electron utility process on SERVER_ENTRY (tests: a Node child process). */
  spawn?: SpawnServerProcess;
  /** How often the tray reads the server's figures, in ms. */
  trayIntervalMs?: number;
  /** The supervisor's restart schedule (defaults in server-supervisor.ts). */
  restart?: Partial<RestartPolicy>;
}

const asset = (path: string) => fileURLToPath(new URL(path, import.meta.url));
/** Compiled to dist/electron/; the preload next to it, the icons in build/icons/ (both inside app.asar). */
export const PRELOAD_PATH = asset('./preload.cjs');
const ICONS = asset('../../build/icons/');
/** The CLI entry `npm start` runs, compiled to dist/server/ beside the shell (electron/tsconfig.json includes it). */
export const SERVER_ENTRY = asset('../server/main.js');

/** Exiting takes at most the supervisor's stop budget (stop message, SIGTERM, SIGKILL) plus this. */
const QUIT_MARGIN_MS = 2_000;

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
  const port = settings.load().port;
  let started: DesktopServer;
  try {
    started = await startDesktopServer({
      paths, port, confirmFreePort, logToConsole: !app.isPackaged,
      spawn: options.spawn ?? utilityProcessSpawner(utilityProcess, SERVER_ENTRY), ...(options.restart ? { restart: options.restart } : {}),
    });
  } catch (error) {
    const context = { port, settingsFile: settings.path, serverLog: join(paths.logs, 'server.log'), wasRunning: false };
    await showFailure({ dialog, clipboard }, failureText(failureOf(error), context));
    app.exit(1);
    return;
  }
  await runShell(started, settings, paths, options);
}

function failureOf(error: unknown): ServerFailure {
  if (error instanceof ServerStartError) return { kind: error.kind, message: error.message };
  if (error instanceof ConfigError) return { kind: 'config', message: error.message };
  return { kind: 'other', message: String((error as Error)?.stack ?? error) };
}

function windowController(started: DesktopServer, settings: SettingsFile, logger: Logger) {
  let window: BrowserWindow | undefined;
  // The first window uses the link the server made at start; each later one asks for a fresh one (a link works
  // once). Without an answer (the server is restarting) the dashboard still opens with the session it has.
  let startLink: string | undefined = started.ready.dashboardUrl;
  const loginLink = async () => {
    const link = startLink;
    startLink = undefined;
    return link ?? started.supervisor.loginLink().catch(() => `${started.ready.url}/`);
  };
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
    const opened = window;
    loginLink()
      .then((url) => (opened.isDestroyed() ? undefined : opened.loadURL(url)))
      .catch((error: Error) => logger.warn({ err: error }, 'the dashboard did not load'));
  };
  const pickModelFile = async () => {
    const options = { title: 'Choose a model file', properties: ['openFile' as const], filters: [{ name: 'GGUF models', extensions: ['gguf'] }] };
    const result = window && !window.isDestroyed() ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
    return result.canceled ? null : (result.filePaths[0] ?? null);
  };
  return { show, pickModelFile };
}

async function runShell(started: DesktopServer, settings: SettingsFile, paths: DesktopPaths, options: DesktopOptions) {
  const { supervisor, logger } = started;
  const origin = new URL(started.ready.url).origin; // restarts keep the port, so the origin holds for the app's life
  const openExternal = (url: string) => shell.openExternal(url);
  const windows = windowController(started, settings, logger);
  installSecurity(app, session.defaultSession, { origin, openExternal });
  registerIpc({
    ipcMain, origin, folders: paths, openExternal, openPath: (path) => shell.openPath(path),
    appVersion: () => app.getVersion(), pickModelFile: windows.pickModelFile,
  });
  app.on('second-instance', windows.show);
  app.on('activate', windows.show); // macOS: clicking the dock icon
  app.on('window-all-closed', () => logger.info('window closed; the server keeps running in the tray'));

  const client = new ServerClient(started.ready.url, started.adminKey);
  const tray = createTray(started, client, settings, windows.show, options.trayIntervalMs ?? 5_000);
  Menu.setApplicationMenu(null);
  let quitting = false;
  installQuitHandler(app, {
    close: async () => {
      await supervisor.stop();
      started.flushLogs();
    },
    timeoutMs: supervisor.stopBudgetMs + QUIT_MARGIN_MS, logger,
    beforeClose: () => {
      quitting = true;
      tray.destroy();
    },
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());

  const restoreLan = () => settings.load().lanAccess
    ? client.setLan(true).then(() => undefined, (error: Error) => logger.warn({ err: error }, 'LAN access could not be restored'))
    : Promise.resolve();
  const refreshTray = () => void tray.refresh().catch((error: Error) => logger.warn({ err: error }, 'the tray could not be updated'));
  supervisor.on('down', refreshTray);
  supervisor.on('restarting', refreshTray); // an admin's "Restart now" in Settings
  supervisor.on('ready', (_ready, restarted) => {
    if (restarted) void restoreLan().then(refreshTray);
  });
  supervisor.on('failed', (failure) => {
    if (quitting) return;
    const context: FailureContext = { port: started.ready.port, settingsFile: settings.path, serverLog: started.serverLog, wasRunning: true };
    tray.destroy();
    void showFailure({ dialog, clipboard }, failureText(failure, context)).finally(() => {
      started.flushLogs();
      app.exit(1);
    });
  });

  windows.show();
  await restoreLan();
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
      url: started.ready.url, restarting: !started.supervisor.current, rps: figures?.rps ?? null, loadedModels: figures?.loadedModels ?? [],
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
    copyText: (text) => void clipboard.writeText(text),
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

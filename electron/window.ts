/**
 * The dashboard window: the server's own page (the same one a browser gets) in a locked-down renderer, with
 * its size and position remembered between runs.
 */
import type { BrowserWindow as BrowserWindowClass, BrowserWindowConstructorOptions, Rectangle, WebPreferences } from 'electron';
import type { WindowBounds } from './settings.js';

/** Electron's security checklist for the renderer: no Node, isolated and sandboxed preload, no webviews. */
export function webPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
  };
}

const DEFAULT_SIZE = { width: 1280, height: 860 };

/** Saved bounds, without a position that no display shows any more (a monitor was unplugged). */
export function restoreBounds(saved: WindowBounds | undefined, workAreas: Rectangle[]): Partial<Rectangle> & { width: number; height: number } {
  if (!saved) return { ...DEFAULT_SIZE };
  const { x, y, width, height } = saved;
  if (x === undefined || y === undefined) return { width, height };
  const visible = workAreas.some((a) => x < a.x + a.width - 50 && x + width > a.x + 50 && y >= a.y - 10 && y < a.y + a.height - 50);
  return visible ? { x, y, width, height } : { width, height };
}

export interface MainWindowOptions {
  BrowserWindow: typeof BrowserWindowClass;
  preload: string;
  icon?: string;
  saved: WindowBounds | undefined;
  workAreas: Rectangle[];
  /** Called (debounced) when the window moves, resizes, maximizes, and when it closes. */
  saveBounds(bounds: WindowBounds): void;
}

export function windowOptions(options: Pick<MainWindowOptions, 'preload' | 'icon' | 'saved' | 'workAreas'>): BrowserWindowConstructorOptions {
  return {
    ...restoreBounds(options.saved, options.workAreas),
    minWidth: 720,
    minHeight: 480,
    title: 'Jan Server',
    show: false, // shown on 'ready-to-show', so it never flashes white
    autoHideMenuBar: true,
    ...(options.icon ? { icon: options.icon } : {}),
    webPreferences: webPreferences(options.preload),
  };
}

export function createMainWindow(options: MainWindowOptions): BrowserWindowClass {
  const window = new options.BrowserWindow(windowOptions(options));
  if (options.saved?.maximized) window.maximize();
  window.once('ready-to-show', () => window.show());

  let pending: NodeJS.Timeout | undefined;
  const save = () => {
    if (window.isDestroyed() || window.isMinimized()) return;
    const bounds = window.getNormalBounds();
    options.saveBounds({ ...bounds, maximized: window.isMaximized() });
  };
  const saveSoon = () => {
    clearTimeout(pending);
    pending = setTimeout(save, 500);
  };
  window.on('resize', saveSoon);
  window.on('move', saveSoon);
  window.on('maximize', saveSoon);
  window.on('unmaximize', saveSoon);
  window.on('close', () => {
    clearTimeout(pending);
    save();
  });
  return window;
}

/**
 * The tray (menu-bar) icon: the server's state at a glance and the few actions a desktop user needs
 * without opening the dashboard. The menu is rebuilt from `TrayState` whenever the state changes (every few
 * seconds while the app runs); the actions are plain callbacks wired in desktop.ts.
 * Lifecycle: `start()` begins polling, `destroy()` stops it and removes the icon.
 */
import type { Menu as MenuClass, MenuItemConstructorOptions, NativeImage, Tray as TrayClass } from 'electron';

export interface TrayState {
  url: string;
  /** The server's process ended and the supervisor is starting it again. */
  restarting?: boolean;
  /** null while the figures are unavailable. */
  rps: number | null;
  loadedModels: string[];
  lanEnabled: boolean;
  lanUrls: string[];
  openAtLogin: boolean;
}

export interface TrayActions {
  openDashboard(): void;
  copyText(text: string): void;
  copyNewApiKey(): void;
  setLanAccess(enabled: boolean): void;
  openDataFolder(): void;
  openModelsFolder(): void;
  setOpenAtLogin(enabled: boolean): void;
  quit(): void;
}

const formatRps = (rps: number | null) => (rps === null ? '–' : rps < 10 ? rps.toFixed(1) : String(Math.round(rps)));

export function trayTooltip(state: TrayState): string {
  if (state.restarting) return `Jan Server: restarting the server (${state.url})`;
  return `Jan Server: running at ${state.url}, ${formatRps(state.rps)} requests/s`;
}

export function trayMenuTemplate(state: TrayState, actions: TrayActions): MenuItemConstructorOptions[] {
  const models = state.loadedModels.length > 0 ? state.loadedModels.join(', ') : 'none';
  const lanUrls: MenuItemConstructorOptions[] = state.lanUrls.map((url) => ({
    label: `    ${url}`, toolTip: 'Copy this URL', click: () => actions.copyText(`${url}/v1`),
  }));
  return [
    { label: state.restarting ? `Restarting the server (${state.url})…` : `Running at ${state.url}`, enabled: false },
    { label: `${formatRps(state.rps)} requests/s · loaded model: ${models}`, enabled: false },
    { type: 'separator' },
    { label: 'Open dashboard', click: () => actions.openDashboard() },
    { label: 'Copy API base URL', click: () => actions.copyText(`${state.url}/v1`) },
    { label: 'Copy a new API key', click: () => actions.copyNewApiKey() },
    { type: 'separator' },
    { label: 'Allow LAN access', type: 'checkbox', checked: state.lanEnabled, click: () => actions.setLanAccess(!state.lanEnabled) },
    ...lanUrls,
    { type: 'separator' },
    { label: 'Open data folder', click: () => actions.openDataFolder() },
    { label: 'Open models folder', click: () => actions.openModelsFolder() },
    { label: 'Start at login', type: 'checkbox', checked: state.openAtLogin, click: () => actions.setOpenAtLogin(!state.openAtLogin) },
    { type: 'separator' },
    { label: 'Quit Jan Server', click: () => actions.quit() },
  ];
}

export interface DesktopTrayDeps {
  Tray: typeof TrayClass;
  Menu: Pick<typeof MenuClass, 'buildFromTemplate'>;
  icon: NativeImage | string;
  actions: TrayActions;
  /** The current state (polled). */
  readState(): Promise<TrayState>;
  /** Poll interval in ms. */
  intervalMs: number;
}

export class DesktopTray {
  private readonly tray: TrayClass;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: DesktopTrayDeps) {
    this.tray = new deps.Tray(deps.icon);
    this.tray.on('click', () => deps.actions.openDashboard());
  }

  async refresh(): Promise<void> {
    const state = await this.deps.readState();
    if (this.tray.isDestroyed()) return;
    this.tray.setToolTip(trayTooltip(state));
    this.tray.setContextMenu(this.deps.Menu.buildFromTemplate(trayMenuTemplate(state, this.deps.actions)));
  }

  start(): Promise<void> {
    this.timer = setInterval(() => void this.refresh().catch(() => undefined), this.deps.intervalMs);
    return this.refresh();
  }

  destroy(): void {
    clearInterval(this.timer);
    if (!this.tray.isDestroyed()) this.tray.destroy();
  }
}

/**
 * "Start at login". macOS and Windows keep it themselves (`app.setLoginItemSettings`); on Linux Electron
 * cannot, so the app writes (or removes) an XDG autostart entry, `~/.config/autostart/jan-server.desktop`.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { App } from 'electron';

export interface LoginItemDeps {
  app: Pick<App, 'getLoginItemSettings' | 'setLoginItemSettings'>;
  platform: NodeJS.Platform;
  /** `~/.config` on Linux. */
  configHome: string;
  /** The command that starts the app (the AppImage itself when run from one). */
  executable: string;
}

const autostartFile = (deps: LoginItemDeps) => join(deps.configHome, 'autostart', 'jan-server.desktop');

/** Quotes a path for a desktop entry's Exec key. */
const quoteExec = (path: string) => `"${path.replace(/(["`$\\])/g, '\\$1')}"`;

export function openAtLogin(deps: LoginItemDeps): boolean {
  if (deps.platform !== 'linux') return deps.app.getLoginItemSettings().openAtLogin;
  return existsSync(autostartFile(deps));
}

export function setOpenAtLogin(deps: LoginItemDeps, enabled: boolean): void {
  if (deps.platform !== 'linux') {
    deps.app.setLoginItemSettings({ openAtLogin: enabled });
    return;
  }
  const file = autostartFile(deps);
  if (!enabled) {
    rmSync(file, { force: true });
    return;
  }
  mkdirSync(join(deps.configHome, 'autostart'), { recursive: true });
  writeFileSync(file, ['[Desktop Entry]', 'Type=Application', 'Name=Jan Server', `Exec=${quoteExec(deps.executable)}`, 'X-GNOME-Autostart-enabled=true', ''].join('\n'));
}

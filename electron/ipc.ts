/**
 * The main-process side of the preload's four functions. Every call is checked twice before it runs: the
 * sender must be the top frame of a page from the server's origin, and the arguments must match the
 * channel's schema exactly (no extra arguments). A rejected call throws, which the renderer sees as a
 * rejected promise; nothing is done.
 */
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { z } from 'zod';
import { CHANNELS, EXTERNAL_HOSTS, FOLDERS, type Folder } from './ipc-contract.js';

export interface IpcDeps {
  ipcMain: Pick<IpcMain, 'handle'>;
  /** The server's origin, e.g. `http://127.0.0.1:1337`. */
  origin: string;
  folders: Record<Folder, string>;
  appVersion(): string;
  /** Shows the native dialog; the chosen path or null. */
  pickModelFile(): Promise<string | null>;
  /** `shell.openPath`: resolves to an error message, empty on success. */
  openPath(path: string): Promise<string>;
  openExternal(url: string): Promise<void>;
}

/** https on one of the allowed hosts, no credentials in the URL. */
export function isAllowedExternalUrl(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  return url.protocol === 'https:' && url.username === '' && url.password === '' && (EXTERNAL_HOSTS as readonly string[]).includes(url.hostname);
}

/** The sender is the top frame of a page served by our server. */
export function isTrustedSender(event: Pick<IpcMainInvokeEvent, 'senderFrame'>, origin: string): boolean {
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  try {
    return new URL(frame.url).origin === origin;
  } catch {
    return false;
  }
}

const noArgs = z.tuple([]);
const schemas = {
  pickModelFile: noArgs,
  revealFolder: z.tuple([z.enum(FOLDERS)]),
  appVersion: noArgs,
  openExternal: z.tuple([z.string().max(2048)]),
} satisfies Record<keyof typeof CHANNELS, z.ZodType>;

type Args<K extends keyof typeof schemas> = z.output<(typeof schemas)[K]>;

export function registerIpc(deps: IpcDeps): void {
  const handle = <K extends keyof typeof schemas>(name: K, run: (args: Args<K>) => Promise<unknown> | unknown) => {
    deps.ipcMain.handle(CHANNELS[name], async (event, ...raw: unknown[]) => {
      if (!isTrustedSender(event, deps.origin)) throw new Error(`${CHANNELS[name]}: refused, the sender is not the dashboard.`);
      const parsed = schemas[name].safeParse(raw);
      if (!parsed.success) throw new Error(`${CHANNELS[name]}: invalid arguments.`);
      return run(parsed.data as Args<K>);
    });
  };

  handle('pickModelFile', () => deps.pickModelFile());
  handle('revealFolder', async ([folder]) => {
    const error = await deps.openPath(deps.folders[folder]);
    if (error) throw new Error(`Could not open the ${folder} folder: ${error}`);
  });
  handle('appVersion', () => deps.appVersion());
  handle('openExternal', async ([url]) => {
    if (!isAllowedExternalUrl(url)) return false;
    await deps.openExternal(url);
    return true;
  });
}

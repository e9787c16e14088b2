/**
 * The preload: a sandboxed CommonJS script (sandboxed preloads cannot be ES modules, and can `require` only
 * `electron`). It exposes four named functions and nothing else: no `ipcRenderer`, no generic `invoke`.
 * Channel names are written out here because a sandboxed preload cannot import the main process's module;
 * their types come from ipc-contract.ts, so a name that drifts from the main process fails type-checking.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- CommonJS on purpose (see above)
import electron = require('electron');
import type { CHANNELS, DesktopApi, Folder } from './ipc-contract.js';

type Channel = (typeof CHANNELS)[keyof typeof CHANNELS];

const invoke = <T,>(channel: Channel, ...args: unknown[]) => electron.ipcRenderer.invoke(channel, ...args) as Promise<T>;

const api = {
  pickModelFile: () => invoke<string | null>('jan:pick-model-file'),
  revealFolder: (folder: Folder) => invoke<void>('jan:reveal-folder', folder),
  appVersion: () => invoke<string>('jan:app-version'),
  openExternal: (url: string) => invoke<boolean>('jan:open-external', url),
} satisfies DesktopApi;

electron.contextBridge.exposeInMainWorld('janDesktop', api);

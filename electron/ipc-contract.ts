/**
 * What the preload exposes to the dashboard as `window.janDesktop` (only inside the desktop app; in a plain
 * browser it is absent and the dashboard does without), and the IPC channels behind it. The renderer may
 * import these types; nothing here runs in the renderer.
 */

export const CHANNELS = {
  pickModelFile: 'jan:pick-model-file',
  revealFolder: 'jan:reveal-folder',
  appVersion: 'jan:app-version',
  openExternal: 'jan:open-external',
} as const;

/** The folders the dashboard may ask to show; the main process maps them to paths (no path crosses IPC). */
export const FOLDERS = ['data', 'models', 'logs'] as const;
export type Folder = (typeof FOLDERS)[number];

/** The only sites `openExternal` opens (https only). */
export const EXTERNAL_HOSTS = ['jan.ai', 'www.jan.ai', 'github.com', 'huggingface.co'] as const;

export interface DesktopApi {
  /** The native "open file" dialog for a `.gguf` model; its path (for `POST /v1/models/import`), or null. */
  pickModelFile(): Promise<string | null>;
  /** Shows one of the app's folders in the system file manager. */
  revealFolder(folder: Folder): Promise<void>;
  /** The desktop app's version. */
  appVersion(): Promise<string>;
  /** Opens an https link on an allowed site in the default browser; false if the link is not allowed. */
  openExternal(url: string): Promise<boolean>;
}

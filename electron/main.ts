/**
 * Electron's entry (package.json "main" → dist/electron/main.js). Everything happens in desktop.ts; this
 * file only starts it and makes sure a failure is shown rather than leaving a process without a window.
 */
import { app, dialog } from 'electron';
import { runDesktop } from './desktop.js';

runDesktop().catch((error: unknown) => {
  dialog.showErrorBox('Jan Server', String((error as Error)?.stack ?? error));
  app.exit(1);
});

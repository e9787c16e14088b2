/**
 * Quitting: the first quit request is held back until the server has closed (requests in flight finished,
 * models and OCR workers disposed, database closed, its process gone: the supervisor's `stop()`), then the
 * app exits. If closing takes longer than `timeoutMs`, the app exits anyway, so a stuck model can never keep
 * it from quitting. Quit requests while closing are held back too (they would otherwise end the process
 * mid-close).
 */
import type { App } from 'electron';
import type { Logger } from 'pino';

export interface QuitOptions {
  /** Stops the server (the supervisor's `stop()`). */
  close(): Promise<void>;
  timeoutMs: number;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Runs first (e.g. removes the tray icon). */
  beforeClose?(): void;
}

export function installQuitHandler(app: Pick<App, 'on' | 'exit'>, options: QuitOptions): void {
  let closing = false;
  app.on('before-quit', (event) => {
    event.preventDefault();
    if (closing) return;
    closing = true;
    options.beforeClose?.();
    const timer = setTimeout(() => {
      options.logger.warn({ timeoutMs: options.timeoutMs }, 'quit: the server did not close in time; exiting anyway');
      app.exit(1);
    }, options.timeoutMs);
    options.close().then(
      () => {
        clearTimeout(timer);
        options.logger.info('quit: server closed');
        app.exit(0);
      },
      (error: unknown) => {
        clearTimeout(timer);
        options.logger.error({ err: error }, 'quit: closing the server failed');
        app.exit(1);
      },
    );
  });
}

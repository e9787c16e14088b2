/**
 * What the app says when its server cannot run: one dialog per failure kind, each with the fix to apply.
 * The server's own paragraph (which names the other server holding the data folder, or the exact restore
 * command for a damaged database) is kept whole; the fix speaks of the desktop app's settings rather than
 * the CLI's flags. `failureText` is plain data (tested); `showFailure` shows it and can copy it.
 */
import type { Clipboard, Dialog } from 'electron';
import type { ServerFailure } from './server-supervisor.js';

export interface FailureContext {
  /** The port the server tried. */
  port: number;
  /** The desktop settings file, where the port is set. */
  settingsFile: string;
  /** The server's log file. */
  serverLog: string;
  /** Whether the server had been running (and stopped over and over) rather than never started. */
  wasRunning: boolean;
}

export interface FailureText {
  title: string;
  message: string;
  detail: string;
}

function fixFor(failure: ServerFailure, context: FailureContext): { message: string; fix: string } {
  switch (failure.kind) {
    case 'port_in_use':
      return {
        message: `Port ${context.port} is already in use.`,
        fix: 'Another program, or another Jan Server, is listening on it. Quit that program and open Jan Server again, ' +
          `or set "port" in ${context.settingsFile} to another port (0 picks a free port at each start).`,
      };
    case 'data_dir_locked':
      return {
        message: 'Another Jan Server is using this app\'s data folder.',
        fix: 'Stop that server (Ctrl-C in its terminal, or quit the other copy of the app), then open Jan Server again.',
      };
    case 'database_unreadable':
      return {
        message: 'The database cannot be opened.',
        fix: 'Quit, run the restore command above in a terminal (or move the damaged file away), then open Jan Server again. ' +
          '"Copy details" puts this text on the clipboard.',
      };
    case 'config':
      return {
        message: 'A Jan Server setting is invalid.',
        fix: 'Correct or remove the JAN_* environment variable named above, then open Jan Server again.',
      };
    case 'other':
      return {
        message: context.wasRunning ? 'The server stopped several times in a row and was not restarted again.' : 'The server could not start.',
        fix: `Its log is ${context.serverLog}. Open Jan Server again to retry.`,
      };
  }
}

export function failureText(failure: ServerFailure, context: FailureContext): FailureText {
  const { message, fix } = fixFor(failure, context);
  return { title: 'Jan Server', message, detail: `${failure.message}\n\n${fix}` };
}

/** Shows the failure; resolves once the user has closed it (having copied its text if they chose to). */
export async function showFailure(
  electron: { dialog: Pick<Dialog, 'showMessageBox'>; clipboard: Pick<Clipboard, 'writeText'> },
  text: FailureText,
): Promise<void> {
  const { response } = await electron.dialog.showMessageBox({
    type: 'error', title: text.title, message: text.message, detail: text.detail,
    buttons: ['Quit', 'Copy details and quit'], defaultId: 0, cancelId: 0, noLink: true,
  });
  if (response === 1) void electron.clipboard.writeText(`${text.message}\n\n${text.detail}`);
}

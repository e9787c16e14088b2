/**
 * CLI entry (`npm start`, `npx jan-server [serve]`, `node dist/server/main.js`): answers `--help` / `--version`, or loads the config, starts
 * the server, prints where it is, stops cleanly on Ctrl-C / SIGTERM (a second signal exits at once). The terminal
 * gets short human lines (log/cli-log.ts): the JSON log goes to the data folder, or to stdout with
 * `--log-format json`. The server's modules are imported only once it is to run, so `--help` answers at once.
 * The desktop app runs this same entry in a child process and talks to it over parent-channel.ts (ready, error
 * kind, stop); from a terminal there is no channel.
 */
import type { Logger } from 'pino';
import { parseCommandLine } from './config/command-line.js';
import { cliAnswer } from './config/help-text.js';
import { launchedByNpm } from './config/launcher.js';
import { ConfigError, loadConfigWithSources, type LoadedConfig } from './config/load-config.js';
import type { Config } from './config/schema.js';
import { createCliLog, type CliLog } from './log/cli-log.js';
import { watchLauncher } from './launcher-watch.js';
import { connectToParent, type ServerErrorKind } from './parent-channel.js';
import type { RunningServer } from './start-server.js';

const parent = connectToParent();
/** Made once the config is read; flushed before every exit after that. */
let log: CliLog | undefined;

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const answer = cliAnswer(argv);
  if (answer !== undefined) {
    process.stdout.write(answer);
    return;
  }
  let loaded: LoadedConfig;
  try {
    const { options } = parseCommandLine(argv); // `serve`, the only command, is the default
    loaded = loadConfigWithSources({ argv: options }); // step one; the settings saved in the database are step two (start-server.ts)
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`jan-server: ${error.message}\n`);
      await parent?.send({ type: 'error', kind: 'config', message: error.message });
      process.exit(2);
    }
    throw error;
  }
  const config: Config = loaded.config;
  const cliLog = (log = createCliLog(config));
  // Signals are handled from before the server starts: a SIGTERM that comes while it starts (or right after the
  // Server: line, before this function would otherwise have reached its handlers) still stops it cleanly.
  let stopping = false;
  // eslint-disable-next-line prefer-const -- assigned below, after the handlers that read it (a const would be in its TDZ for them)
  let started: Promise<RunningServer> | undefined;
  const stop = (signal: string) => {
    if (stopping) process.exit(130);
    stopping = true;
    process.stderr.write(`jan-server: ${signal}, shutting down (again to force)\n`);
    void shutDown(started ?? Promise.reject(new Error('not started')), cliLog).then((code) => process.exit(code));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  // npm does not pass a SIGTERM on (launcher-watch.ts): the npm that started us going away counts as one.
  if (launchedByNpm()) {
    watchLauncher(() => {
      if (!stopping) stop('the npm process that started the server is gone');
    });
  }
  // The desktop app's stop request (or its going away) closes cleanly; repeated, it does not force an exit (a signal does).
  parent?.onStop(() => {
    if (!stopping) stop('stop requested by the desktop app');
  });
  started = import('./start-server.js').then(({ startServer }) => startServer(loaded, {
    logger: cliLog.logger,
    // The dashboard's "Restart now" (saved settings that need one): the desktop app stops and starts this process.
    ...(parent && { requestRestart: () => void parent.send({ type: 'restart' }) }),
  }));
  const server = await started;
  const logs = cliLog.file ? `Logs: ${cliLog.file}\n` : '';
  process.stdout.write(`Server: ${server.url}\nDashboard: ${server.dashboardUrl}\n${logs}`);
  parent?.ready(server);
  await warnIfNoModel(server, config.modelsDir, cliLog.logger);
}

/** Closes the server, then the log; the exit code. */
async function shutDown(started: Promise<RunningServer>, cliLog: CliLog): Promise<number> {
  try {
    await (await started).close();
  } catch (error) {
    process.stderr.write(`jan-server: shutdown failed: ${String(error)}\n`);
    await cliLog.close();
    return 1;
  }
  await cliLog.close();
  await parent?.send({ type: 'stopped' });
  return 0;
}

/** A fresh install has no model: say where one goes (a warning, so it reaches the terminal in words). */
async function warnIfNoModel(server: RunningServer, modelsDir: string, logger: Logger): Promise<void> {
  const models = await server.services.models.list().catch(() => undefined);
  if (models?.data.length === 0) {
    logger.warn(`no model installed — drop a .gguf file into ${modelsDir}, get one on the Hub page, or import one on the Models page`);
  }
}

/** The refusals the operator can fix (the desktop app shows a fix per kind); anything else is `other`. */
async function failureKind(error: unknown): Promise<ServerErrorKind> {
  if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') return 'port_in_use';
  if (error instanceof ConfigError) return 'config'; // saved settings the loader refuses
  const { DataDirInUseError, UnusableDatabaseError } = await import('./lifecycle/index.js'); // not loaded for --help
  if (error instanceof DataDirInUseError) return 'data_dir_locked';
  return error instanceof UnusableDatabaseError ? 'database_unreadable' : 'other';
}

/** What the operator reads: a refusal's own paragraph (no stack: nothing is wrong with the program), else the stack. */
function describeFailure(error: unknown, kind: ServerErrorKind): string {
  if (kind === 'port_in_use') {
    return `the port is already in use (${(error as Error).message}). Set JAN_PORT or --port, or 0 for a free port.`;
  }
  if (kind === 'data_dir_locked' || kind === 'database_unreadable') return (error as Error).message;
  return String((error as Error).stack ?? error);
}

main().catch(async (error: unknown) => {
  const kind = await failureKind(error);
  const message = describeFailure(error, kind);
  process.stderr.write(`jan-server: ${message}\n`);
  log?.quiet.fatal({ err: error, kind }, 'the server could not start'); // the terminal has the paragraph above
  await log?.close();
  await parent?.send({ type: 'error', kind, message });
  process.exit(1);
});

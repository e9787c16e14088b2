/**
 * CLI entry (`npm start`): load the config, start the server, print where it is, stop cleanly on
 * Ctrl-C / SIGTERM (a second signal exits at once).
 */
import { ConfigError, loadConfig } from './config/load-config.js';
import { DataDirInUseError, UnusableDatabaseError } from './lifecycle/index.js';
import { startServer, type RunningServer } from './start-server.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`jan-server: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  // Signals are handled from before the server starts: a SIGTERM that comes while it starts (or right after the
  // Server: line, before this function would otherwise have reached its handlers) still stops it cleanly.
  let stopping = false;
  // eslint-disable-next-line prefer-const -- assigned below, after the handlers that read it (a const would be in its TDZ for them)
  let started: Promise<RunningServer> | undefined;
  const stop = (signal: string) => {
    if (stopping) process.exit(130);
    stopping = true;
    process.stderr.write(`jan-server: ${signal}, shutting down (again to force)\n`);
    (started ?? Promise.reject(new Error('not started')))
      .then((server) => server.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          process.stderr.write(`jan-server: shutdown failed: ${String(error)}\n`);
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  started = startServer(config);
  const server = await started;
  process.stdout.write(`Server: ${server.url}\nDashboard: ${server.dashboardUrl}\n`);
}

/** What the operator reads: a refusal's own paragraph (no stack: nothing is wrong with the program), else the stack. */
function describeFailure(error: unknown): string {
  if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    return `the port is already in use (${(error as Error).message}). Set JAN_PORT or --port, or 0 for a free port.`;
  }
  if (error instanceof DataDirInUseError || error instanceof UnusableDatabaseError) return error.message;
  return String((error as Error).stack ?? error);
}

main().catch((error: unknown) => {
  process.stderr.write(`jan-server: ${describeFailure(error)}\n`);
  process.exit(1);
});

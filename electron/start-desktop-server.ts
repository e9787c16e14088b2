/**
 * Starts the same server the CLI starts (`startServer`), configured for the desktop: its data, models and
 * logs in the user-data folder, the port from the desktop settings, loopback first (LAN access is switched
 * on afterwards through the server's own API, so there is one way to switch it). If the port is taken, the
 * user is told and offered a free one.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { loadConfig } from '../server/config/load-config.js';
import type { Config } from '../server/config/schema.js';
import { startServer, type RunningServer } from '../server/start-server.js';

export interface DesktopPaths {
  data: string;
  models: string;
  logs: string;
}

export function desktopPaths(userData: string): DesktopPaths {
  return { data: join(userData, 'data'), models: join(userData, 'models'), logs: join(userData, 'logs') };
}

export interface DesktopServerOptions {
  paths: DesktopPaths;
  /** From the desktop settings. */
  port: number;
  /** Asked when `port` is taken: true starts on a free port instead. */
  confirmFreePort(port: number): Promise<boolean>;
  /** Also log to stdout (development). */
  logToConsole: boolean;
  /** Environment for `JAN_*` settings (the desktop honours them, except those it sets itself). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Replaced in tests. */
  start?: typeof startServer;
}

export interface DesktopServer {
  server: RunningServer;
  config: Config;
  /**
   * The admin key the shell uses to call its own server over HTTP (tray: LAN switch, new API keys, figures):
   * `JAN_API_KEY` if set, otherwise a random key that exists only in this process's memory.
   */
  adminKey: string;
  logger: Logger;
}

export function desktopConfig(options: Pick<DesktopServerOptions, 'paths' | 'port' | 'env'>): Config {
  const config = loadConfig({
    argv: [], // Electron's own command line is not ours to parse
    env: options.env ?? process.env,
    overrides: { dataDir: options.paths.data, modelsDir: options.paths.models, port: options.port, host: '127.0.0.1' },
  });
  return { ...config, apiKey: config.apiKey || randomBytes(24).toString('base64url') };
}

function createDesktopLogger(config: Config, logs: string, logToConsole: boolean): Logger {
  const file = pino.destination({ dest: join(logs, 'server.log'), mkdir: true, sync: false });
  // A log file that cannot be written (disk full, folder removed) must not take the app down.
  file.on('error', (error: Error) => process.stderr.write(`jan-server: cannot write the log file: ${error.message}\n`));
  const streams: pino.StreamEntry[] = [{ stream: file }];
  if (logToConsole) streams.push({ stream: process.stdout });
  return pino({ level: config.logLevel, base: { service: 'jan-server-desktop' } }, pino.multistream(streams));
}

export async function startDesktopServer(options: DesktopServerOptions): Promise<DesktopServer> {
  const start = options.start ?? startServer;
  const config = desktopConfig(options);
  const logger = createDesktopLogger(config, options.paths.logs, options.logToConsole);
  try {
    return { server: await start(config, { logger }), config, adminKey: config.apiKey, logger };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || !(await options.confirmFreePort(config.port))) throw error;
    const onFreePort = { ...config, port: 0 };
    return { server: await start(onFreePort, { logger }), config: onFreePort, adminKey: config.apiKey, logger };
  }
}

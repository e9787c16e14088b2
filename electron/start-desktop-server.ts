/**
 * Starts the same server the CLI starts (server/main.ts, the `npm start` entry) in its own process under
 * the supervisor, configured for the desktop: its data and models in the user-data folder, the port from
 * the desktop settings, loopback first (LAN access is switched on afterwards through the server's own API,
 * so there is one way to switch it). The settings reach the child as `JAN_*` variables on top of this
 * process's environment, so a user's own `JAN_*` settings apply except those the desktop sets itself. If the
 * port is taken, the user is told and offered a free one.
 *
 * Logs: the server's output (its pino lines) goes to `logs/server.log`, the shell's own to `logs/desktop.log`.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { loadConfig } from '../server/config/load-config.js';
import type { Config } from '../server/config/schema.js';
import type { SpawnServerProcess } from './server-process.js';
import { ServerStartError, ServerSupervisor, type RestartPolicy, type ServerReady } from './server-supervisor.js';

export interface DesktopPaths {
  data: string;
  models: string;
  logs: string;
}

export function desktopPaths(userData: string): DesktopPaths {
  return { data: join(userData, 'data'), models: join(userData, 'models'), logs: join(userData, 'logs') };
}

/** Beyond the server's drain timeout, for models, OCR workers and the database to close after the stop message. */
const DISPOSE_MARGIN_MS = 5_000;

export interface DesktopServerOptions {
  paths: DesktopPaths;
  /** From the desktop settings. */
  port: number;
  /** Asked when `port` is taken: true starts on a free port instead. */
  confirmFreePort(port: number): Promise<boolean>;
  /** Also copy the logs to stdout (development). */
  logToConsole: boolean;
  /** Environment for `JAN_*` settings (the desktop honours them, except those it sets itself). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Starts the server's process: an Electron utility process in the app, a Node child process in tests. */
  spawn: SpawnServerProcess;
  restart?: Partial<RestartPolicy>;
  readyTimeoutMs?: number;
}

export interface DesktopServer {
  supervisor: ServerSupervisor;
  /** The first start's answer: its URL (kept across restarts) and a one-time dashboard link. */
  ready: ServerReady;
  config: Config;
  /**
   * The admin key the shell uses to call its own server over HTTP (tray: LAN switch, new API keys, figures):
   * `JAN_API_KEY` if set, otherwise a random key that exists only in this process and the server's environment.
   */
  adminKey: string;
  logger: Logger;
  /** The server's log file. */
  serverLog: string;
  /** Writes out what is buffered in both log files (before exiting). */
  flushLogs(): void;
}

export function desktopConfig(options: Pick<DesktopServerOptions, 'paths' | 'port' | 'env'>): Config {
  const config = loadConfig({
    argv: [], // Electron's own command line is not ours to parse
    env: options.env ?? process.env,
    overrides: { dataDir: options.paths.data, modelsDir: options.paths.models, port: options.port, host: '127.0.0.1' },
  });
  return { ...config, apiKey: config.apiKey || randomBytes(24).toString('base64url') };
}

/** The child's environment: ours, with the settings the desktop decides on top (the port is set per start). */
export function serverEnv(config: Config, env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const inherited = Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
  return { ...inherited, JAN_DATA_DIR: config.dataDir, JAN_MODELS_DIR: config.modelsDir, JAN_HOST: config.host, JAN_API_KEY: config.apiKey };
}

function logFile(path: string) {
  const file = pino.destination({ dest: path, mkdir: true, sync: false });
  // A log file that cannot be written (disk full, folder removed) must not take the app down.
  file.on('error', (error: Error) => process.stderr.write(`jan-server: cannot write ${path}: ${error.message}\n`));
  return file;
}

export async function startDesktopServer(options: DesktopServerOptions): Promise<DesktopServer> {
  const config = desktopConfig(options);
  const desktopLog = logFile(join(options.paths.logs, 'desktop.log'));
  const serverLogPath = join(options.paths.logs, 'server.log');
  const serverLog = logFile(serverLogPath);
  const streams: pino.StreamEntry[] = [{ stream: desktopLog }, ...(options.logToConsole ? [{ stream: process.stdout }] : [])];
  const logger = pino({ level: config.logLevel, base: { service: 'jan-server-desktop' } }, pino.multistream(streams));
  const supervisor = new ServerSupervisor({
    spawn: options.spawn, env: serverEnv(config, options.env ?? process.env), logger,
    stopGraceMs: config.shutdownTimeoutMs + DISPOSE_MARGIN_MS,
    ...(options.restart ? { restart: options.restart } : {}),
    ...(options.readyTimeoutMs ? { readyTimeoutMs: options.readyTimeoutMs } : {}),
  });
  supervisor.on('output', (line) => {
    serverLog.write(`${line}\n`);
    if (options.logToConsole) process.stdout.write(`${line}\n`);
  });
  const started = (ready: ServerReady, port: number): DesktopServer => ({
    supervisor, ready, config: { ...config, port }, adminKey: config.apiKey, logger, serverLog: serverLogPath,
    flushLogs: () => {
      for (const file of [desktopLog, serverLog]) {
        try {
          file.flushSync();
        } catch {
          // not open yet, or not writable: nothing to save
        }
      }
    },
  });
  try {
    return started(await supervisor.start(config.port), config.port);
  } catch (error) {
    if (!(error instanceof ServerStartError) || error.kind !== 'port_in_use' || !(await options.confirmFreePort(config.port))) throw error;
    return started(await supervisor.start(0), 0);
  }
}

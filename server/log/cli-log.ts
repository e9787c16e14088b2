/**
 * The CLI's logging, by `JAN_LOG_FORMAT`:
 * - `text` (default): JSON records into `<dataDir>/logs/jan-server.log`, rotated by size (10 MiB: the file is
 *   renamed `.1`, older ones move up to `.4`, the oldest is dropped), and warnings and errors as human lines on
 *   stderr. Nothing else reaches the terminal: the start-up record with the (redacted) config is in the file.
 * - `json`: JSON records on stdout and no file, for servers and containers that collect stdout.
 * Lifecycle: one per process, made before the server starts; `close()` before exiting, since the file is
 * written asynchronously and lines still queued would be lost. A log file that cannot be written says so once
 * on stderr and never stops the server.
 */
import { join } from 'node:path';
import { pino, type DestinationStream, type Logger } from 'pino';
import { createStream } from 'rotating-file-stream';
import type { Config } from '../config/schema.js';
import { humanLines } from './human-lines.js';

export const LOG_FILE_NAME = 'jan-server.log';
/** Rotated files kept beside the current one. */
export const ROTATED_LOG_FILES = 4;

export interface CliLog {
  logger: Logger;
  /** Logs as `logger` does but never to the terminal: for what the CLI prints in its own words (a refusal). */
  quiet: Logger;
  /** The current log file, or undefined with `json`. */
  file: string | undefined;
  /** Writes out what is queued and closes the file; safe to call twice. */
  close(): Promise<void>;
}

export interface CliLogOptions {
  /** Where `json` records go (default: the process's stdout, written synchronously). */
  stdout?: DestinationStream;
  /** Where `text` prints its human lines (default: process.stderr). */
  stderr?: { write(text: string): unknown };
  /** Size at which the file rotates, in rotating-file-stream's syntax (`10M`); tests pass a few bytes (`300B`). */
  rotateSize?: string;
}

type LogSettings = Pick<Config, 'logLevel' | 'logFormat' | 'dataDir'>;

const base = { service: 'jan-server' };
const CLOSE_TIMEOUT_MS = 2000;

export function createCliLog(config: LogSettings, options: CliLogOptions = {}): CliLog {
  if (config.logFormat === 'json') {
    const logger = pino({ level: config.logLevel, base }, options.stdout ?? pino.destination({ dest: 1, sync: true }));
    return { logger, quiet: logger, file: undefined, close: async () => logger.flush() };
  }
  const stderr = options.stderr ?? process.stderr;
  const folder = join(config.dataDir, 'logs');
  const stream = createStream(LOG_FILE_NAME, { path: folder, size: options.rotateSize ?? '10M', rotate: ROTATED_LOG_FILES });
  let failed = false;
  const fail = (error: Error) => {
    if (!failed) stderr.write(`jan-server: cannot write the log file in ${folder}: ${error.message}\n`);
    failed = true;
  };
  stream.on('error', fail);
  const quiet = pino({ level: config.logLevel, base }, stream);
  const logger = pino(
    { level: config.logLevel, base },
    pino.multistream([
      { level: 'trace', stream },
      { level: 'warn', stream: humanLines(stderr) },
    ]),
  );
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, CLOSE_TIMEOUT_MS); // a stuck disk must not keep the process from exiting
      const done = (error?: Error | null) => {
        if (error) fail(error); // end's callback can come before the 'error' event
        clearTimeout(timer);
        resolve();
      };
      if (failed || stream.destroyed) done();
      else stream.end(done);
    }));
  return { logger, quiet, file: join(folder, LOG_FILE_NAME), close };
}

/**
 * The command of `jan-server [command] [options]` (the package's bin, build/bin/jan-server.mjs, and server/main.ts):
 * `serve` runs the server and is the default, so `npm start -- --port 8080`, `npx jan-server --port 8080` and
 * `npx jan-server serve --port 8080` do the same. A command comes first; what follows it are the options that
 * load-config.ts parses. `--help` and `--version` are answered before this (help-text.ts), wherever they stand.
 */
import { ConfigError } from './load-config.js';

export const COMMANDS = {
  serve: 'Runs the server (the default when no command is given).',
} as const;

export type Command = keyof typeof COMMANDS;

export interface CommandLine {
  command: Command;
  /** The flags after the command, for loadConfigWithSources. */
  options: string[];
}

/** Splits off the command; an unknown word where a command stands is a ConfigError (exit 2), like an unknown option. */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  const [first, ...rest] = argv;
  if (first === undefined || first.startsWith('-')) return { command: 'serve', options: [...argv] };
  if (Object.hasOwn(COMMANDS, first)) return { command: first as Command, options: rest };
  throw new ConfigError(
    `Unknown command ${first}. Commands: ${Object.keys(COMMANDS).join(', ')} (the default). Run with --help to see the options.`,
  );
}

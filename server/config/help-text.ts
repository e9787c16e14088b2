/**
 * `--help` and `--version`. The help is generated from the config schema (every key's flag, env name, default
 * and description, in the schema's order, which is the README table's), so it cannot drift from what the server
 * reads. The CLI (`server/main.ts`) and `npm start` (build/scripts/start.mjs, before any build) print what
 * `cliAnswer` returns.
 */
import { readVersion } from '../version.js';
import { COMMANDS } from './command-line.js';
import { CONFIG_GROUPS } from './config-groups.js';
import { defaultPlatform } from './load-config.js';
import { configSchema, type ConfigSchema, type PlatformDefaults } from './schema.js';

/** The flags that answer at once, without a config or a server; `--help` wins when both are given. */
export const HELP_FLAGS = ['--help', '-h'] as const;
export const VERSION_FLAGS = ['--version'] as const;

/** Headings of the option list: each starts at the named key and runs to the next one (schema order). */
const GROUPS = CONFIG_GROUPS;

export interface HelpOptions {
  version: string;
  /** Shows OS-dependent defaults as they are on this machine (`here: …`); omitted, only their description. */
  platform?: PlatformDefaults;
  /** Column at which descriptions wrap. */
  width?: number;
}

/** The terminal's width, kept between 60 and 120 columns; 80 when the output is not a terminal. */
function terminalColumns(): number {
  return process.stdout.isTTY ? Math.min(Math.max(process.stdout.columns, 60), 120) : 80;
}

/**
 * What the command line asks for when it is not to run the server: the help for `--help`/`-h`, the version line
 * for `--version`; undefined otherwise.
 */
export function cliAnswer(argv: readonly string[], width = terminalColumns()): string | undefined {
  if (argv.some((arg) => (HELP_FLAGS as readonly string[]).includes(arg))) {
    return helpText({ version: readVersion(), platform: defaultPlatform(), width });
  }
  if (argv.some((arg) => (VERSION_FLAGS as readonly string[]).includes(arg))) return `jan-server ${readVersion()}\n`;
  return undefined;
}

/** Markdown of the schema's texts as a terminal shows them: `code` without its backticks. */
export const plain = (markdown: string) => markdown.replaceAll('`', '');

function wrap(text: string, indent: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(indent + line);
  return lines;
}

/** `default: …` as documented, plus this machine's value where the default depends on it. */
function defaultOf(spec: ConfigSchema[keyof ConfigSchema], platform: PlatformDefaults | undefined): string {
  const documented = plain(spec.defaultDoc);
  if (typeof spec.default !== 'function' || !platform) return documented;
  return `${documented}; here: ${spec.default(platform)}`;
}

export function helpText({ version, platform, width = 80 }: HelpOptions): string {
  const out = [
    `Jan Server ${version}: the /v1 API, the dashboard and /metrics on this machine.`,
    '',
    'Usage:',
    '  npm start -- [options]               from a checkout (builds first when needed)',
    '  npx jan-server [serve] [options]     the same, as the package\'s command (headless servers, containers)',
    '  node dist/server/main.js [options]   the built server',
    '  npm start -- --help | --version',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, what]) => `  ${name.padEnd(8)}${what}`),
    '',
    ...wrap(
      'Every option is a flag (--name value or --name=value) or an environment variable; flags win. ' +
        'The server prints its Server: and Dashboard: lines and warnings; its JSON log goes to logs/jan-server.log ' +
        'in the data folder, or to stdout with --log-format json.',
      '',
      width,
    ),
  ];
  const starts = new Map<string, string>(GROUPS.map(([title, first]) => [first, title]));
  for (const [name, spec] of Object.entries(configSchema)) {
    const title = starts.get(name);
    if (title) out.push('', title);
    out.push(`  ${spec.flag}, ${spec.env}  [default: ${defaultOf(spec, platform)}]`);
    out.push(...wrap(plain(spec.description), '      ', width));
  }
  return `${out.join('\n')}\n`;
}

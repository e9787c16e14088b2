/**
 * Reads the configuration once: defaults, then environment, then flags (flags win). This folder is the
 * only place in the server that reads `process.env`. Folder settings (env names ending in `_DIR`) come out
 * absolute and in the OS's own separators, resolved against the working directory at start.
 */
import path from 'node:path';
import envPaths from 'env-paths';
import { configSchema, type Config, type PlatformDefaults } from './schema.js';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export interface LoadConfigOptions {
  argv?: readonly string[];
  env?: Readonly<Record<string, string | undefined>>;
  platform?: PlatformDefaults;
  /** Values that win over everything (used by the desktop shell and tests). */
  overrides?: Partial<Config>;
}

/** This machine's facts for OS-dependent defaults (also shown by `--help`). */
export function defaultPlatform(): PlatformDefaults {
  return { dataDir: envPaths('jan-server', { suffix: '' }).data, cwd: process.cwd() };
}

/** `JAN_DATA_DIR`, `JAN_MODELS_DIR`, `JAN_BACKUP_DIR`: relative values and `${cwd}/models` made absolute once. */
const isFolder = (env: string) => env.endsWith('_DIR');

/** Parses `--flag value` and `--flag=value` pairs; unknown flags are an error so typos do not pass silently. */
function parseFlags(argv: readonly string[]): Map<string, string> {
  const known = new Set(Object.values(configSchema).map((k) => k.flag));
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg : arg.slice(0, eq);
    if (!known.has(name)) {
      throw new ConfigError(`Unknown option ${name}. Known options: ${[...known].join(', ')}. Run with --help to see what each does.`);
    }
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined) throw new ConfigError(`Option ${name} needs a value`);
    flags.set(name, value);
  }
  return flags;
}

export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env;
  const platform = options.platform ?? defaultPlatform();
  const flags = parseFlags(options.argv ?? process.argv.slice(2));
  const config: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(configSchema)) {
    const fallback = typeof spec.default === 'function' ? spec.default(platform) : spec.default;
    const raw = flags.get(spec.flag) ?? env[spec.env] ?? fallback;
    const parsed = spec.parse.safeParse(raw);
    if (!parsed.success) {
      const reason = parsed.error.issues.map((issue) => issue.message).join('; ');
      throw new ConfigError(`Invalid ${spec.env} / ${spec.flag} = ${JSON.stringify(raw)}: ${reason}`);
    }
    config[name] = isFolder(spec.env) && typeof parsed.data === 'string' && parsed.data !== ''
      ? (platform.path ?? path).resolve(platform.cwd, parsed.data)
      : parsed.data;
  }
  const result = { ...(config as Config), ...options.overrides };
  checkConsistency(result);
  return result;
}

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function checkConsistency(config: Config): void {
  if (!config.auth && !isLoopbackHost(config.host)) {
    throw new ConfigError(
      `Refusing to listen on ${config.host} with authentication off: anyone on the network could use the ` +
        'server. Set JAN_AUTH=on (the default) or listen on 127.0.0.1.',
    );
  }
}

/** The config with secrets replaced, for the start-up log. */
export function redactConfig(config: Config): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(configSchema)) {
    const value = config[name as keyof Config];
    out[name] = 'secret' in spec && spec.secret && value ? '***' : value;
  }
  return out;
}

/**
 * Reads the configuration once: defaults, then environment, then flags (flags win). This folder is the
 * only place in the server that reads `process.env`. Folder settings (env names ending in `_DIR`) come out
 * absolute and in the OS's own separators, resolved against the working directory at start.
 */
import path from 'node:path';
import envPaths from 'env-paths';
import type { z } from 'zod';
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

/** Where a key's value came from, strongest first: flag (or a caller's override) > environment > saved in Settings > default. */
export type ConfigSource = 'flag' | 'env' | 'saved' | 'default';
export type ConfigSources = Record<keyof Config, ConfigSource>;

export interface LoadedConfig {
  config: Config;
  sources: ConfigSources;
  /** Each key's default as its schema parses it (OS-dependent ones for this machine), for Settings to show. */
  defaults: Record<keyof Config, unknown>;
}

/** One key's raw string through its schema (folders made absolute against `cwd`); the schema's message when it fails. */
export function parseConfigValue(
  name: keyof Config, raw: string, platform: Pick<PlatformDefaults, 'cwd' | 'path'> = { cwd: process.cwd() },
): { ok: true; value: unknown } | { ok: false; message: string } {
  const spec = configSchema[name];
  const parsed = (spec.parse as z.ZodType).safeParse(raw);
  if (!parsed.success) return { ok: false, message: parsed.error.issues.map((issue) => issue.message).join('; ') };
  const value = isFolder(spec.env) && typeof parsed.data === 'string' && parsed.data !== ''
    ? (platform.path ?? path).resolve(platform.cwd, parsed.data)
    : parsed.data;
  return { ok: true, value };
}

export function loadConfig(options: LoadConfigOptions = {}): Config {
  return loadConfigWithSources(options).config;
}

/**
 * Step one of two: flags, environment and defaults, with where each value came from. Step two
 * (`overlaySavedSettings`) runs once the database is open, in start-server.ts.
 */
export function loadConfigWithSources(options: LoadConfigOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const platform = options.platform ?? defaultPlatform();
  const flags = parseFlags(options.argv ?? process.argv.slice(2));
  const config: Record<string, unknown> = {};
  const sources: Record<string, ConfigSource> = {};
  const defaults: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(configSchema)) {
    const fallback = typeof spec.default === 'function' ? spec.default(platform) : spec.default;
    const parsedDefault = parseConfigValue(name as keyof Config, fallback, platform);
    defaults[name] = parsedDefault.ok ? parsedDefault.value : fallback;
    const flag = flags.get(spec.flag);
    const fromEnv = env[spec.env];
    const raw = flag ?? fromEnv ?? fallback;
    sources[name] = flag !== undefined ? 'flag' : fromEnv !== undefined ? 'env' : 'default';
    const parsed = parseConfigValue(name as keyof Config, raw, platform);
    // A secret's value is never echoed: the message goes to the terminal and the log.
    const shown = 'secret' in spec && spec.secret ? '(a secret, not shown)' : JSON.stringify(raw);
    if (!parsed.ok) throw new ConfigError(`Invalid ${spec.env} / ${spec.flag} = ${shown}: ${parsed.message}`);
    config[name] = parsed.value;
  }
  for (const name of Object.keys(options.overrides ?? {})) sources[name] = 'flag';
  const result = { ...(config as Config), ...options.overrides };
  checkConsistency(result);
  return { config: result, sources: sources as ConfigSources, defaults: defaults as LoadedConfig['defaults'] };
}

/**
 * Step two: values an admin saved in Settings (raw strings, as the environment would give them) fill in the keys
 * that no flag or environment variable set. Each goes through its key's schema again: a saved value the schema
 * no longer accepts (a newer version narrowed it) is skipped and reported, never fatal.
 */
export function overlaySavedSettings(
  loaded: LoadedConfig, saved: Readonly<Record<string, string>>, platform?: Pick<PlatformDefaults, 'cwd' | 'path'>,
): LoadedConfig & { skipped: Array<{ name: string; message: string }> } {
  const config: Record<string, unknown> = { ...loaded.config };
  const sources: Record<string, ConfigSource> = { ...loaded.sources };
  const skipped: Array<{ name: string; message: string }> = [];
  for (const [name, raw] of Object.entries(saved)) {
    if (!(name in configSchema) || !isSavable(name as keyof Config) || sources[name] !== 'default') continue;
    const parsed = parseConfigValue(name as keyof Config, raw, platform);
    if (!parsed.ok) {
      skipped.push({ name, message: parsed.message });
      continue;
    }
    config[name] = parsed.value;
    sources[name] = 'saved';
  }
  checkConsistency(config as Config);
  return { config: config as Config, sources: sources as ConfigSources, defaults: loaded.defaults, skipped };
}

/** Whether Settings may save the key: not the ones needed before the database opens, never a secret. */
export function isSavable(name: keyof Config): boolean {
  const spec: { savable?: false; secret?: boolean } = configSchema[name];
  return spec.savable !== false && !spec.secret;
}

/** The same check the loader runs, for a would-be configuration (Settings refuses a change that fails it). */
export function checkConfigConsistency(config: Config): void {
  checkConsistency(config);
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

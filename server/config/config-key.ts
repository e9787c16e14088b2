/** How one configuration key is described, and the small parsers the schema's keys share. */
import type { PlatformPath } from 'node:path';
import { z } from 'zod';

export interface ConfigKey<T> {
  /** Environment variable that sets it. */
  env: string;
  /** Command-line flag that sets it (flags win over env). */
  flag: string;
  /** What it does, for the README and `--help`. */
  description: string;
  /** The default as a user reads it in the docs. */
  defaultDoc: string;
  /** Parses the raw string (or the default when unset). */
  parse: z.ZodType<T>;
  /** Raw default, or a function of the platform for OS-dependent defaults. */
  default: string | ((platform: PlatformDefaults) => string);
  secret?: boolean;
  /**
   * A changed value takes effect in the running server (Settings applies it at once; server/settings/live-settings.ts
   * says how). Absent or false: it is read at start, so a saved change waits for a restart.
   */
  live?: boolean;
  /**
   * `false`: only a flag or the environment can set it, because it is needed before the database (where Settings
   * saves values) is open, or is a secret that is never stored there. Absent: an admin may save it in Settings.
   */
  savable?: false;
}

/** Facts about the machine that some defaults depend on (injected so tests can fake them). */
export interface PlatformDefaults {
  dataDir: string;
  cwd: string;
  /** Path flavour for folder settings: node:path by default; tests pass path.win32 or path.posix. */
  path?: PlatformPath;
}

export const csv = z.string().transform((s) =>
  s.split(',').map((part) => part.trim()).filter((part) => part.length > 0),
);
export const onOff = z.enum(['on', 'off']).transform((v) => v === 'on');
/** Whole decimal numbers only: `Number('')` is 0 (an empty JAN_PORT would mean "any port") and `Number('0x50')` is 80. */
export const integer = (min: number, max: number) =>
  z.string().trim().regex(/^\d+$/, 'must be a whole decimal number').transform(Number).pipe(z.number().int().min(min).max(max));

export function key<T>(spec: ConfigKey<T>): ConfigKey<T> {
  return spec;
}

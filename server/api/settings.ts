/** Settings (`/v1/admin/settings`): every config option, where its value comes from, and an admin's saved changes. */
import { z } from 'zod';

/** A value as the schema parsed it: a number, a string, on/off as a boolean, a list of strings. */
const SettingValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]);

export const SettingSource = z.enum(['flag', 'env', 'saved', 'default']);

export const Setting = z.object({
  object: z.literal('setting'),
  /** The config key, e.g. `rateHardLimit`. */
  name: z.string(),
  env: z.string(),
  flag: z.string(),
  /** The heading it sits under (the README table's and `--help`'s groups). */
  group: z.string(),
  description: z.string(),
  /** The value the server runs with now; null for a secret (see `is_set`). */
  value: SettingValue.nullable(),
  /** Where `value` came from: flag > env > saved > default. */
  source: SettingSource,
  /** The default as the schema parses it; null for a secret. */
  default: SettingValue.nullable(),
  /** The default as the docs say it (OS-dependent defaults in words). */
  default_doc: z.string(),
  /** The raw string saved in Settings, or null; a flag or env value hides it until they are gone. */
  saved_value: z.string().nullable(),
  /** Allowed values, when the schema names them (else any value its parse accepts). */
  choices: z.array(z.string()).nullable(),
  /** A change takes effect at once; false: after a restart. */
  live: z.boolean(),
  /** An admin may save it here now: not set by a flag or the environment, and savable at all. */
  editable: z.boolean(),
  /** Why it is not editable: `flag`/`env` (set there), `not_savable` (needed before the database opens), `secret`. */
  locked_by: z.enum(['flag', 'env', 'not_savable', 'secret']).nullable(),
  /** Never returned, only whether one is set. */
  secret: z.boolean(),
  is_set: z.boolean(),
  /** A saved value differs from the running one and waits for a restart. */
  pending_restart: z.boolean(),
});
export type Setting = z.infer<typeof Setting>;

export const SettingsList = z.object({
  object: z.literal('list'),
  data: z.array(Setting),
  /** Some saved value waits for a restart. */
  restart_required: z.boolean(),
  /** Whether this server can be restarted from the dashboard (the desktop app can; `npm start` cannot). */
  restart_available: z.boolean(),
});
export type SettingsList = z.infer<typeof SettingsList>;

export const SettingsUpdateBody = z.object({
  /**
   * Key → new value (as the environment variable would take it; numbers, booleans as on/off and lists are also
   * accepted), or null to remove the saved value (the default applies again). All or nothing: one invalid value
   * changes nothing.
   */
  values: z.record(z.string(), SettingValue.nullable()).refine((v) => Object.keys(v).length > 0, 'name at least one setting'),
}).strict();
export type SettingsUpdateBody = z.infer<typeof SettingsUpdateBody>;

export const SettingsUpdate = SettingsList.extend({
  /** Keys whose change the running server applied at once. */
  applied: z.array(z.string()),
  /** Keys whose change waits for a restart. */
  pending_restart: z.array(z.string()),
});
export type SettingsUpdate = z.infer<typeof SettingsUpdate>;

export const RestartAccepted = z.object({
  object: z.literal('restart'),
  /** The server stops and the desktop app starts it again on the same port. */
  status: z.literal('restarting'),
});

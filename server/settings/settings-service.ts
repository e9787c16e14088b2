/**
 * Settings: every config option with where its value comes from, and the admin's saved changes.
 *
 * Precedence is flag > environment > saved > default. `base` is what flags, the environment and the defaults
 * gave at start (step one of loading, config/load-config.ts); saved values (table `saved_settings`) fill the
 * keys none of those set (step two). A change is checked with the key's own schema parse and the loader's
 * consistency check, saved in one transaction, and then either applied at once (keys marked `live`, through
 * live-settings.ts) or left pending until the next start (`pending_restart`).
 *
 * Concurrency: updates run one at a time (each waits for the one before it, from reading the saved values to
 * the last live apply), so two updates never interleave across the store's awaits.
 */
import type { Setting, SettingsList, SettingsUpdate, SettingsUpdateBody } from '../api/settings.js';
import { CONFIG_GROUPS, configGroupOf } from '../config/config-groups.js';
import {
  ConfigError, isSavable, overlaySavedSettings, parseConfigValue, type ConfigSource, type LoadedConfig,
} from '../config/load-config.js';
import { configSchema, type Config } from '../config/schema.js';
import { AppError } from '../errors/app-error.js';
import { applyLive, isLiveKey, type LiveTargets } from './live-settings.js';
import { choicesOf, sameValue, toRaw } from './setting-values.js';

/** The saved-settings table, as this service uses it (store/saved-settings-repo.ts). */
export interface SavedSettingsStore {
  all(): Promise<Array<{ key: string; value: string }>>;
  set(key: string, value: string, updatedBy: string | null): Promise<void>;
  remove(key: string): Promise<void>;
}

export interface SettingsServiceOptions {
  /** Flags, environment and defaults, before saved values. */
  base: LoadedConfig;
  /** What the server started with (base plus saved values); live changes update it. */
  running: LoadedConfig;
  saved: SavedSettingsStore;
  /** Runs the writes of one update as one transaction. */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  live: LiveTargets;
  /** Asks whoever started the server to restart it (the desktop app); absent under `npm start`. */
  restart?: () => void;
}

type Name = keyof Config;
const names = Object.keys(configSchema) as Name[];
const groupOf = configGroupOf();

const invalid = (message: string, param: string, code: string) => new AppError(400, 'invalid_request_error', message, { param, code });

export class SettingsService {
  private readonly config: Record<string, unknown>;
  private readonly sources: Record<string, ConfigSource>;
  private restarting = false;
  /** The update in progress (the next one waits for it). */
  private updating: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: SettingsServiceOptions) {
    this.config = { ...options.running.config };
    this.sources = { ...options.running.sources };
  }

  /** The running value of a key (after live changes). */
  value<K extends Name>(name: K): Config[K] {
    return this.config[name] as Config[K];
  }

  async list(): Promise<SettingsList> {
    return this.listWith(await this.savedMap());
  }

  /** Validates every change first (nothing is saved when one is refused), saves them together, applies the live ones. */
  update(body: SettingsUpdateBody, userId: string | null): Promise<SettingsUpdate> {
    const run = this.updating.then(() => this.applyUpdate(body, userId));
    this.updating = run.catch(() => undefined);
    return run;
  }

  private listWith(saved: Record<string, string>): SettingsList {
    const next = this.nextStart(saved);
    const data = names.map((name) => this.describe(name, saved, next.config));
    return { object: 'list', data, restart_required: data.some((s) => s.pending_restart), restart_available: this.restartAvailable };
  }

  private async applyUpdate(body: SettingsUpdateBody, userId: string | null): Promise<SettingsUpdate> {
    const saved = await this.savedMap();
    const changes = new Map<Name, string | null>();
    for (const [name, value] of Object.entries(body.values)) {
      const key = this.editableKey(name);
      if (value === null) {
        changes.set(key, null);
        continue;
      }
      const raw = toRaw(value);
      const parsed = parseConfigValue(key, raw);
      if (!parsed.ok) {
        throw invalid(`Invalid value for ${key} (${configSchema[key].env}): ${parsed.message}`, `values.${key}`, 'invalid_setting_value');
      }
      changes.set(key, raw);
    }
    for (const [key, raw] of changes) {
      if (raw === null) delete saved[key];
      else saved[key] = raw;
    }
    const next = this.nextStart(saved, true);
    await this.options.transaction(async () => {
      for (const [key, raw] of changes) {
        if (raw === null) await this.options.saved.remove(key);
        else await this.options.saved.set(key, raw, userId);
      }
    });
    const applied = [...changes.keys()].filter((key) => isLiveKey(key));
    const liveChanged = applied.filter((key) => !sameValue(this.config[key], next.config[key]));
    for (const key of applied) {
      this.config[key] = next.config[key];
      this.sources[key] = next.sources[key];
    }
    applyLive(liveChanged, this.config as Config, this.options.live);
    // `saved` holds what was just written: the list need not read it back.
    const list = this.listWith(saved);
    const pending = [...changes.keys()].filter((key) => list.data.find((s) => s.name === key)?.pending_restart);
    return { ...list, applied, pending_restart: pending };
  }

  get restartAvailable(): boolean {
    return this.options.restart !== undefined;
  }

  /** Asks the desktop app to restart the server (it stops it cleanly and starts it again on the same port). */
  restart(): { object: 'restart'; status: 'restarting' } {
    if (!this.options.restart) {
      throw new AppError(409, 'conflict_error', 'This server was started from a terminal (npm start): restart it there to apply the saved settings.', {
        code: 'restart_unavailable',
      });
    }
    if (!this.restarting) {
      this.restarting = true;
      // After this answer is written: the parent stops the server (in-flight requests finish) and starts it again.
      setImmediate(() => this.options.restart?.());
    }
    return { object: 'restart', status: 'restarting' };
  }

  private editableKey(name: string): Name {
    if (!Object.hasOwn(configSchema, name)) {
      throw invalid(`Unknown setting ${name}. GET /v1/admin/settings lists them.`, `values.${name}`, 'unknown_setting');
    }
    const key = name as Name;
    const source = this.options.base.sources[key];
    if (source === 'flag' || source === 'env') {
      const where = source === 'flag' ? `the ${configSchema[key].flag} flag` : `the environment (${configSchema[key].env})`;
      throw new AppError(409, 'conflict_error', `${key} is set by ${where}, which wins over saved settings; change it there.`, {
        param: `values.${key}`, code: 'setting_locked',
      });
    }
    if (!isSavable(key)) {
      const why = configSchema[key].secret
        ? 'it is a secret, never stored in the database'
        : 'it is needed before the database is open';
      throw invalid(`${key} can only be set by ${configSchema[key].flag} or ${configSchema[key].env}: ${why}.`, `values.${key}`, 'setting_not_savable');
    }
    return key;
  }

  private async savedMap(): Promise<Record<string, string>> {
    return Object.fromEntries((await this.options.saved.all()).map((row) => [row.key, row.value]));
  }

  /** What the next start would run with; `strict`: a combination the loader would refuse is a 400 here. */
  private nextStart(saved: Record<string, string>, strict = false): LoadedConfig {
    try {
      return overlaySavedSettings(this.options.base, saved);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      if (strict) throw invalid(error.message, 'values', 'invalid_setting_combination');
      return this.options.running; // a combination saved by an older version: show the running values
    }
  }

  private describe(name: Name, saved: Record<string, string>, next: Config): Setting {
    const spec: { env: string; flag: string; description: string; defaultDoc: string; secret?: boolean } = configSchema[name];
    const secret = spec.secret === true;
    const source = this.sources[name] as ConfigSource;
    const baseSource = this.options.base.sources[name];
    const live = isLiveKey(name);
    const lockedBy = baseSource === 'flag' || baseSource === 'env' ? baseSource : secret ? 'secret' : isSavable(name) ? null : 'not_savable';
    const value = this.config[name];
    return {
      object: 'setting',
      name,
      env: spec.env,
      flag: spec.flag,
      group: groupOf.get(name) ?? CONFIG_GROUPS[0]![0],
      description: spec.description,
      value: secret ? null : (value as Setting['value']),
      source,
      default: secret ? null : (this.options.base.defaults[name] as Setting['default']),
      default_doc: spec.defaultDoc,
      saved_value: secret ? null : (saved[name] ?? null),
      choices: choicesOf(configSchema[name].parse),
      live,
      editable: lockedBy === null,
      locked_by: lockedBy,
      secret,
      is_set: value !== '' && value !== undefined && value !== null,
      pending_restart: !live && !secret && !sameValue(value, next[name]),
    };
  }
}

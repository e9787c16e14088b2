/**
 * What "live" means for each option marked `live: true` in the config schema: the one call that applies a new
 * value to the service that owns it. test/unit/settings-live.test.ts holds this table and the schema's `live`
 * marks to the same keys. Keys not marked live are read at start and wait for a restart.
 */
import { configSchema, type Config } from '../config/schema.js';

export type LiveKey = keyof Config;

/** The parts of the services a live change reaches (plain interfaces: this domain imports no other). */
export interface LiveTargets {
  limits: {
    reconfigure(figures: Pick<Config, 'rateSoftLimit' | 'rateHardLimit' | 'clientRateLimit' | 'connectionsSoftLimit' | 'connectionsHardLimit' | 'streamsSoftLimit' | 'streamsHardLimit' | 'queueDepthLimit'>): void;
  };
  lan: { setGuestLogin(mode: Config['guestLogin']): void };
  models: {
    reconfigure(figures: { load: { contextSize: number; slots: number; threads: number }; maxQueue: number; maxLoaded: number; idleTtlSeconds: number }): void;
  };
  responseCache: { resize(maxBytes: number): void };
  /** Remote engines: added, removed or changed ones apply to the next request; the health checks follow the interval. */
  engines: { reconfigure(config: Pick<Config, 'engines' | 'engineKeys' | 'engineCheckMs'>): void };
  logger: { level: string };
  /** `auto` → this machine's default thread count. */
  resolveThreads(threads: Config['threads']): number;
}

type Apply = (config: Config, targets: LiveTargets) => void;

const limits: Apply = (c, t) => t.limits.reconfigure({
  rateSoftLimit: c.rateSoftLimit, rateHardLimit: c.rateHardLimit, clientRateLimit: c.clientRateLimit,
  connectionsSoftLimit: c.connectionsSoftLimit, connectionsHardLimit: c.connectionsHardLimit,
  streamsSoftLimit: c.streamsSoftLimit, streamsHardLimit: c.streamsHardLimit, queueDepthLimit: c.queueDepthLimit,
});
/** Loaded models keep what they were loaded with; the next load (and the next idle check) uses these. */
const models: Apply = (c, t) => t.models.reconfigure({
  load: { contextSize: c.contextSize, slots: c.parallel, threads: t.resolveThreads(c.threads) },
  maxQueue: c.maxQueue, maxLoaded: c.maxLoadedModels, idleTtlSeconds: c.modelIdleTtlSeconds,
});

const engines: Apply = (c, t) => t.engines.reconfigure({ engines: c.engines, engineKeys: c.engineKeys, engineCheckMs: c.engineCheckMs });

export const LIVE_APPLIERS: Readonly<Partial<Record<LiveKey, Apply>>> = {
  logLevel: (c, t) => void (t.logger.level = c.logLevel),
  guestLogin: (c, t) => t.lan.setGuestLogin(c.guestLogin),
  threads: models,
  parallel: models,
  maxQueue: models,
  contextSize: models,
  maxLoadedModels: models,
  modelIdleTtlSeconds: models,
  rateSoftLimit: limits,
  rateHardLimit: limits,
  clientRateLimit: limits,
  connectionsSoftLimit: limits,
  connectionsHardLimit: limits,
  streamsSoftLimit: limits,
  streamsHardLimit: limits,
  queueDepthLimit: limits,
  responseCacheBytes: (c, t) => t.responseCache.resize(c.responseCacheBytes),
  engines,
  engineCheckMs: engines,
};

/** Marked live in the schema (a key marked live with no applier here fails its test, and is treated as restart-required). */
export function isLiveKey(name: keyof Config): boolean {
  const spec: { live?: boolean } = configSchema[name];
  return spec.live === true && LIVE_APPLIERS[name] !== undefined;
}

/** Applies the changed keys to the running services, each owner once even when several of its keys changed. */
export function applyLive(changed: readonly LiveKey[], config: Config, targets: LiveTargets): void {
  for (const apply of new Set(changed.map((name) => LIVE_APPLIERS[name]))) apply?.(config, targets);
}

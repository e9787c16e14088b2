/** Wires the dashboard's KPI services (snapshot and streams, SLA report and history) for createServices. */
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { Metrics } from '../metrics/create-metrics.js';
import { RegistryWindows } from '../metrics/live-registry.js';
import { ResourceSampler } from '../metrics/resources.js';
import type { Store } from '../store/store.js';
import { KpiService } from './kpi-service.js';
import { WINDOWED_METRICS } from './registry-figures.js';
import { instanceId } from './instance-id.js';
import { KpiRollups } from './kpi-rollups.js';
import { SlaService } from './sla-service.js';
import { UptimeRecorder } from './uptime-recorder.js';

export interface KpiDeps {
  logger?: Logger;
  /** Ids of the models in memory now (the registry only counts them). */
  loadedModels?: () => Promise<string[]> | string[];
  /** The port the server listens on, once it does (for the accept queue). */
  listenPort?: () => number | undefined;
  /** This server's id among replicas on one database; by default `host:port` (instance-id.ts). */
  instance?: string;
}

export function createKpiServices(store: Store, config: Config, metrics: Metrics, deps: KpiDeps = {}) {
  const { live } = metrics;
  // Replicas on one database keep their own rollup rows and runs under this id (migration 014).
  const instance = deps.instance ?? instanceId(config.port);
  const rollups = new KpiRollups(store.metricsRollups, live, { logger: deps.logger, instance });
  const kpi = new KpiService({
    live,
    registry: new RegistryWindows(metrics.registry, WINDOWED_METRICS, { now: live.now }),
    resources: new ResourceSampler({ dataDir: config.dataDir, databaseFile: store.file, listenPort: deps.listenPort }),
    rollups,
    loadedModels: deps.loadedModels,
  });
  const uptime = new UptimeRecorder(store.uptime, live.now, undefined, instance);
  return { kpi, uptime, sla: new SlaService(live, rollups, store.metricsRollups, uptime) };
}

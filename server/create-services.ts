/** Wires the services over one store. Called by start-server.ts (the composition root) only. */
import { hostname } from 'node:os';
import type { Config } from './config/schema.js';
import type { Metrics } from './metrics/create-metrics.js';
import { registerOperationsGauges } from './metrics/operations-gauges.js';
import type { OcrRuntime } from './ocr/create-ocr.js';
import type { Store } from './store/store.js';
import { ApiKeysService } from './auth/index.js';
import { Authenticator } from './auth/index.js';
import { LoginLinks } from './auth/index.js';
import { SessionsService } from './auth/index.js';
import { TokenSigner } from './auth/index.js';
import { UsersService } from './auth/index.js';
import { ConversationsService } from './conversations/index.js';
import { DiskSpaceMonitor, HealthService, Readiness } from './health/index.js';
import { createHubServices } from './hub/index.js';
import { ItemsService } from './conversations/index.js';
import { createKpiServices } from './kpi/index.js';
import { LanAccessService } from './lan/index.js';
import { createTeamServices } from './team/index.js';
import { createUsageServices } from './usage/index.js';
import { createJobs, createOperations } from './lifecycle/index.js';
import { createMediaServices } from './media/index.js';
import { createAnalysisService } from './analysis/index.js';
import { createAnthropicMessages } from './anthropic/index.js';
import { createInferenceServices, type InferenceDeps } from './inference/index.js';
import { EnginesService } from './engines/index.js';
import { ProjectsService } from './conversations/index.js';
import { SettingsService, type SettingsServiceOptions } from './settings/index.js';
import { openCluster } from './cluster/index.js';

export type Services = Awaited<ReturnType<typeof createServices>>;

/** What Settings needs from the composition root: the config's two steps, and how to restart and count threads. */
export interface SettingsDeps extends Pick<SettingsServiceOptions, 'base' | 'running' | 'restart'> {
  resolveThreads(threads: Config['threads']): number;
}

export async function createServices(store: Store, config: Config, metrics: Metrics, version: string, ocr: OcrRuntime, inference: InferenceDeps, settingsDeps: SettingsDeps) {
  const users = new UsersService(store);
  const owner = await users.ensureOwner();
  const signer = await TokenSigner.open(store.settings);
  const apiKeys = new ApiKeysService(store);
  // Several replicas (JAN_REDIS_URL): client rate limits, login counts, job leases and cache invalidation go
  // through Redis (server/cluster/); without it all of that stays in this process.
  const cluster = config.redisUrl ? openCluster({ url: config.redisUrl, changes: store.changes, metrics, logger: inference.logger }) : undefined;
  const operations = createOperations(store, config, metrics, { ...(cluster && { clientRates: cluster.clientRates }) });
  cluster?.shareCache(operations.responseCache);
  // `disk_full` in /v1/health from the first write that failed for lack of space until space returns.
  const diskSpace = new DiskSpaceMonitor({ dir: config.dataDir });
  const { limits } = operations;
  registerOperationsGauges(metrics.registry, {
    dataDir: config.dataDir, diskFull: () => diskSpace.degradedReasons().length > 0,
    hardLimits: () => ({ connections: limits.connections.hard, streams: limits.streams.hard, queue: limits.queue.hard }),
  });
  const conversations = new ConversationsService(store, { archive: operations.archive });
  const items = new ItemsService(store, conversations);
  const lan = new LanAccessService(config);
  const sessions = new SessionsService({
    store,
    signer,
    users,
    loginLinks: new LoginLinks(),
    ownerId: owner.id,
    // Read on every guest login: it follows the LAN switch (off beyond loopback unless switched on).
    get guestLoginEnabled() {
      return lan.guestLoginEnabled;
    },
    tokenTtlSeconds: config.tokenTtlSeconds,
    sessionTtlSeconds: config.sessionTtlSeconds,
  });
  const team = createTeamServices(store, {
    sessions,
    // Invitation links name the address other machines use: the LAN URL while LAN access is on.
    publicOrigin: () => {
      const status = lan.status();
      return (status.enabled && status.lan_urls[0]) || status.local_url;
    },
    serverName: () => hostname(),
    ...(cluster && { loginThrottle: cluster.loginThrottle }),
  });
  const usage = createUsageServices(store, config, {
    logger: inference.logger,
    onQuotaChange: ({ actorId, userId, before, after }) => team.audit.record(actorId, 'member.quotas', userId, { before, after }),
  });
  const { requestAccounting: accounting } = usage;
  const mediaServices = createMediaServices(store, config, metrics, ocr, inference.logger);
  const inferenceServices = createInferenceServices(store, config, metrics, inference, {
    accounting,
    conversations,
    items,
    documents: mediaServices.mediaDocuments,
  });
  // Remote inference engines (JAN_ENGINES): requests for their models are proxied there (routes ask first).
  const engines = new EnginesService({ engines: config.engines, engineKeys: config.engineKeys, engineCheckMs: config.engineCheckMs, registry: metrics.registry, logger: inference.logger });
  // Live settings reach their owners through these (settings/live-settings.ts); the rest wait for a restart.
  const settings = new SettingsService({
    base: settingsDeps.base, running: settingsDeps.running, restart: settingsDeps.restart,
    saved: store.savedSettings, transaction: (fn) => store.transaction(fn),
    live: {
      limits: operations.limits, lan, models: inferenceServices.models, responseCache: operations.responseCache, engines,
      logger: inference.logger, resolveThreads: settingsDeps.resolveThreads,
    },
  });
  return {
    settings,
    health: new HealthService(store, version, () => [...operations.limits.degradedReasons(), ...diskSpace.degradedReasons(), ...(cluster?.degradedReasons() ?? [])]),
    // `/readyz`: the database (and Redis, with JAN_REDIS_URL) answers and the server is not draining.
    readiness: new Readiness({
      probes: [
        { name: 'database', ready: async () => (await store.health()).ok },
        ...(cluster ? [{ name: 'redis', ready: () => cluster.ready() }] : []),
      ],
    }),
    diskSpace,
    users,
    apiKeys,
    authenticator: new Authenticator({ enabled: config.auth, ownerId: owner.id, adminKey: config.apiKey, apiKeys, sessions, signer, users }),
    sessions,
    ...team,
    ...usage,
    conversations,
    items,
    projects: new ProjectsService(store),
    lan,
    ...mediaServices,
    ...inferenceServices,
    engines,
    anthropic: createAnthropicMessages(metrics, { models: inferenceServices.models, accounting }),
    ...createHubServices(store, config, { logger: inference.logger }),
    analysis: createAnalysisService(config, metrics, { models: inferenceServices.models, accounting, conversations, items, textExtraction: mediaServices.textExtraction }),
    ...createKpiServices(store, config, metrics, {
      logger: inference.logger,
      loadedModels: async () => (await inferenceServices.models.list()).data.filter((m) => m.status === 'loaded').map((m) => m.id),
      listenPort: () => lan.port,
    }),
    ...operations,
    ...createJobs(store, config, metrics, {
      operations, sweepUploads: () => mediaServices.mediaUploads.sweep(), logger: inference.logger, onStorageFull: () => diskSpace.reportFull(),
      ...(cluster && { lease: cluster.jobLease }),
    }),
    /** Redis-shared state when JAN_REDIS_URL is set (its `ready()` belongs in /readyz); undefined otherwise. */
    cluster,
    /** The metrics registry, for the `/metrics` exposition. */
    metrics,
  };
}

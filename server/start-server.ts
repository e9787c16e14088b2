/**
 * The one composition root: opens the store, creates metrics and services, builds the app and listens.
 * The CLI (`main.ts`), the desktop shell and the tests all start the server through `startServer`.
 * `close()` stops accepting, lets in-flight requests finish (up to the shutdown timeout), then closes the
 * database — the reverse order of creation.
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import { createApp } from './app.js';
import { createArrivalClock } from './http/arrival-clock.js';
import { connectionGuard } from './http/middleware/limits-connections.js';
import { warmDashboardFiles } from './http/routes/dashboard.js';
import { openApiBodyFor } from './http/routes/openapi.js';
import { ConfigError, overlaySavedSettings, redactConfig, type LoadedConfig } from './config/load-config.js';
import type { Config } from './config/schema.js';
import { Listeners } from './listeners.js';
import { createLogger } from './log/create-logger.js';
import { createMetrics, SLOW_QUERY_SECONDS } from './metrics/create-metrics.js';
import { createOcr } from './ocr/create-ocr.js';
import type { InferenceRuntime } from './runtime/inference-runtime.js';
import { defaultThreads, LlamaRuntime } from './runtime/llama-runtime.js';
import { explainStoreOpenFailure, lockDataDir } from './lifecycle/index.js';
import { createServices, type Services } from './create-services.js';
import { closingConnectionsWhileDraining, startDrain } from './drain.js';
import { openConfiguredStore, type Store } from './store/store.js';
import { readVersion } from './version.js';

export interface RunningServer {
  /** `http://host:port` as a client on this machine reaches it. */
  url: string;
  /** The dashboard with a fresh one-time login token. */
  dashboardUrl: string;
  port: number;
  services: Services;
  close(): Promise<void>;
}

export interface StartServerOptions {
  logger?: Logger;
  /** The inference runtime (tests pass a scripted one); default: node-llama-cpp, loaded on first use. */
  runtime?: InferenceRuntime;
  /**
   * Asks whoever started this process to restart it (the desktop app, over parent-channel.ts); the dashboard's
   * "Restart now". Absent (a terminal's `npm start`): the dashboard says to restart the server by hand.
   */
  requestRestart?: () => void;
}

/** A config given without where its values came from: every value counts as a flag (nothing saved overrides it). */
function asFixed(config: Config): LoadedConfig {
  const names = Object.keys(config) as Array<keyof Config>;
  return {
    config,
    sources: Object.fromEntries(names.map((name) => [name, 'flag'])) as LoadedConfig['sources'],
    defaults: config,
  };
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * `input` is step one of the config (flags, environment, defaults: `loadConfigWithSources`); step two, the values
 * saved in Settings, is read here once the database is open. A plain `Config` is taken as it is.
 */
export async function startServer(input: Config | LoadedConfig, options: StartServerOptions = {}): Promise<RunningServer> {
  const base = 'sources' in input && 'defaults' in input ? (input as LoadedConfig) : asFixed(input as Config);
  let config = base.config;
  const logger = options.logger ?? createLogger(config.logLevel);
  const version = readVersion();
  logger.info({ config: redactConfig(config), version }, 'starting');

  // One process per data folder, for its whole life (an OS lock the restore command takes too): a second
  // server stops here with DataDirInUseError, before it opens the database.
  const dataDirLock = lockDataDir(config.dataDir);
  // The metrics read the store's state and the store reports its query timings to the metrics; both
  // closures run only after both exist.
  const metrics = createMetrics({ databaseOpen: () => store.isOpen });
  let store: Store;
  try {
    store = await openConfiguredStore({
      databaseUrl: config.databaseUrl,
      file: join(config.dataDir, 'jan.sqlite'),
      synchronous: config.dbSynchronous,
      onQuery: (operation, seconds) => {
        metrics.dbQueryDuration.observe({ operation }, seconds);
        if (seconds >= SLOW_QUERY_SECONDS) metrics.dbSlowQueries.inc({ operation });
        metrics.live.observeQuery(operation, seconds);
      },
    });
  } catch (error) {
    dataDirLock.release();
    throw explainStoreOpenFailure(error, config); // an unreadable file: UnusableDatabaseError, which says how to restore
  }
  // Step two of the config: what an admin saved in Settings fills in the keys no flag or env var set.
  let running: LoadedConfig;
  try {
    const saved = overlaySavedSettings(base, Object.fromEntries((await store.savedSettings.all()).map((row) => [row.key, row.value])));
    for (const { name, message } of saved.skipped) logger.warn({ setting: name, reason: message }, 'a saved setting is no longer valid; using the default');
    running = saved;
  } catch (error) {
    await store.close();
    dataDirLock.release();
    throw error instanceof ConfigError ? new ConfigError(`Saved settings: ${error.message}`) : error;
  }
  config = running.config;
  const savedNames = Object.keys(running.sources).filter((name) => running.sources[name as keyof Config] === 'saved');
  if (savedNames.length > 0) logger.info({ settings: savedNames }, 'using settings saved in the dashboard');
  if (config.logLevel !== base.config.logLevel) logger.level = config.logLevel;
  if (config.dbSynchronous !== base.config.dbSynchronous) await store.setSynchronous(config.dbSynchronous);
  // OCR workers and the PDF reader start on first use; created here so that close() can stop them.
  const ocr = createOcr({
    dataDir: config.dataDir,
    workers: config.ocrWorkers,
    queueLimit: config.ocrQueueLimit,
    splitPages: config.ocrSplitPages,
    onQueueDepth: (depth) => metrics.ocrQueueDepth.set(depth),
    onWorkerError: (message) => logger.warn({ message }, 'OCR worker reported an error'),
  });
  // node-llama-cpp itself is loaded when the first model is, never at start.
  const threads = config.threads === 'auto' ? defaultThreads() : config.threads;
  const runtime = options.runtime ?? new LlamaRuntime({
    threads, gpu: config.gpu, logger, onDecodeStep: (sequences) => metrics.decodeBatchSequences.observe(sequences),
  });
  const services = await createServices(store, config, metrics, version, ocr, { runtime, threads, logger, version }, {
    base, running, restart: options.requestRestart, resolveThreads: (value) => (value === 'auto' ? defaultThreads() : value),
  });
  // Stamps each request with when it reached the server, so that latency includes waiting on a busy loop.
  const arrivals = createArrivalClock();
  const app = createApp({ config, services, logger, requestArrival: arrivals.arrivalOf });

  // The listening sockets; the LAN switch (services.lan) rebinds them without dropping accepted requests.
  // Connection limits: counted here, below Koa; requests on connections over the hard limit get a 503.
  const guard = connectionGuard(services.limits);
  const koa = app.callback(); // its Promise settles when Koa has answered, errors included: nothing waits for it
  const listeners = new Listeners({
    handler: closingConnectionsWhileDraining(arrivals.wrap(guard.wrap((req, res) => void koa(req, res))), services.readiness),
    drainTimeoutMs: config.shutdownTimeoutMs,
    logger,
    onConnection: (socket) => {
      arrivals.onConnection(socket);
      guard.onConnection(socket);
      metrics.activeConnections.inc();
      socket.once('close', () => metrics.activeConnections.dec());
    },
  });
  try {
    await listeners.listen(config.port, config.host);
  } catch (error) {
    services.engines.close();
    await services.cluster?.close();
    await services.kpi.close();
    await services.usageRecorder.close();
    await services.models.close();
    await runtime.close();
    services.mediaUploads.close();
    await ocr.close();
    await store.close();
    dataDirLock.release();
    throw error;
  }
  services.lan.attach(listeners);
  // An API-only replica (JAN_ROLE=api) runs no scheduled job and keeps no local model, so it resumes no model download either.
  if (config.role === 'all') services.jobs.start(); // maintenance and backups on their schedules
  await services.uptime.start(); // a run row and its heartbeat: downtime shows in the SLA's availability
  if (config.role === 'all') {
    // Model downloads a stopped server left running go on from where they were; a failure to resume is logged.
    services.pulls.start().catch((error: unknown) => logger.error({ err: error }, 'resuming model downloads failed'));
  }
  // The OpenAPI document and the dashboard's files, built and compressed now rather than on the dashboard's
  // first load (see http/precompressed.ts); compression runs on the thread pool.
  const warmUp = () => Promise.all([openApiBodyFor(services).warm(), warmDashboardFiles(services)]);
  setTimeout(() => void warmUp().catch((error: unknown) => logger.warn({ err: error }, 'warming up static responses failed')), 0).unref();
  const port = listeners.port;
  const url = `http://${urlHost(config.host)}:${port}`;
  dataDirLock.setUrl(url); // for a second server's message

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      logger.info('shutting down');
      // /readyz fails and responses say Connection: close; the listener closes after JAN_DRAIN_DELAY_MS (drain.ts).
      await startDrain({ readiness: services.readiness, delayMs: config.drainDelayMs, logger });
      services.kpi.endStreams(); // dashboards' KPI streams would otherwise hold the drain until its timeout
      await services.pulls.close(); // downloads stop (resumed at the next start) and their event streams end
      await listeners.close(); // in-flight requests finish (up to the shutdown timeout)
      services.engines.close(); // remote engines' health checks stop
      await services.jobs.close(); // a running maintenance job stops at its next step
      await services.cluster?.close(); // Redis: the last invalidations have been sent; both connections end
      await services.kpi.close(); // writes the last rollups, so before the store closes
      await services.usageRecorder.close(); // writes the last usage counters, before the store closes
      await services.uptime.stop(); // a clean stop: the time until the next start is maintenance
      await services.models.close();
      await runtime.close();
      services.mediaUploads.close();
      await ocr.close();
      await store.close();
      dataDirLock.release();
      logger.info('stopped');
    })());

  logger.info({ url }, 'listening');
  return { url, dashboardUrl: `${url}/?token=${services.sessions.newLoginLinkToken()}`, port, services, close };
}

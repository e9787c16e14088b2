/**
 * The one configuration schema. Every key has its env name, its flag, a default and a description; the
 * README's configuration table is checked against this file by a test, so adding a key here is how a
 * setting comes to exist.
 */
import { z } from 'zod';

import { csv, integer, key, onOff } from './config-key.js';
import { mediaKeys } from './media-keys.js';
import { scaleOutKeys } from './scale-out-keys.js';

export type { ConfigKey, PlatformDefaults } from './config-key.js';

export const configSchema = {
  host: key({
    env: 'JAN_HOST', flag: '--host', default: '127.0.0.1', defaultDoc: '`127.0.0.1`',
    description: 'Address to listen on. Anything but loopback requires authentication (`JAN_AUTH=on`).',
    parse: z.string().min(1),
  }),
  port: key({
    env: 'JAN_PORT', flag: '--port', default: '1337', defaultDoc: '`1337`',
    description: 'TCP port; `0` picks a free port (printed at start).',
    parse: integer(0, 65535),
  }),
  dataDir: key({
    savable: false,
    env: 'JAN_DATA_DIR', flag: '--data-dir', default: (p) => p.dataDir,
    defaultDoc: 'the OS per-user data folder (`$XDG_DATA_HOME/jan-server` on Linux)',
    description: 'Folder for the SQLite database and other data.',
    parse: z.string().min(1),
  }),
  modelsDir: key({
    env: 'JAN_MODELS_DIR', flag: '--models-dir', default: (p) => `${p.cwd}/models`, defaultDoc: '`./models`',
    description: 'Folder scanned for `*.gguf` model files.',
    parse: z.string().min(1),
  }),
  apiKey: key({
    savable: false,
    env: 'JAN_API_KEY', flag: '--api-key', default: '', defaultDoc: 'none', secret: true,
    description: 'An extra admin API key accepted as given (for automation). At least 16 characters.',
    parse: z.string().refine((v) => v === '' || v.length >= 16, 'must be empty or at least 16 characters'),
  }),
  logLevel: key({
    live: true,
    env: 'JAN_LOG_LEVEL', flag: '--log-level', default: 'info', defaultDoc: '`info`',
    description: 'One of `fatal`, `error`, `warn`, `info`, `debug`, `trace`, `silent`.',
    parse: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  }),
  logFormat: key({
    savable: false,
    env: 'JAN_LOG_FORMAT', flag: '--log-format', default: 'text', defaultDoc: '`text`',
    description: 'How the CLI logs: `text` prints short human lines (the URLs, warnings, errors) and writes JSON logs to `logs/jan-server.log` in the data folder (rotated at 10 MB, 5 files kept); `json` writes JSON lines to stdout and no file (servers, containers).',
    parse: z.enum(['text', 'json']),
  }),
  auth: key({
    env: 'JAN_AUTH', flag: '--auth', default: 'on', defaultDoc: '`on`',
    description: '`off` treats every request as the local admin. Only allowed on a loopback host.',
    parse: onOff,
  }),
  guestLogin: key({
    live: true,
    env: 'JAN_GUEST_LOGIN', flag: '--guest-login', default: 'auto', defaultDoc: '`auto`',
    description: '`POST /auth/guest-login`: `auto` = on for a loopback host, off otherwise; `on`; `off`.',
    parse: z.enum(['auto', 'on', 'off']),
  }),
  tokenTtlSeconds: key({
    env: 'JAN_TOKEN_TTL_SECONDS', flag: '--token-ttl-seconds', default: '3600', defaultDoc: '`3600`',
    description: 'Lifetime of guest access tokens.',
    parse: integer(60, 30 * 24 * 3600),
  }),
  sessionTtlSeconds: key({
    env: 'JAN_SESSION_TTL_SECONDS', flag: '--session-ttl-seconds', default: '43200', defaultDoc: '`43200`',
    description: 'Lifetime of the dashboard session cookie made from the one-time login link.',
    parse: integer(60, 30 * 24 * 3600),
  }),
  corsOrigins: key({
    env: 'JAN_CORS_ORIGINS', flag: '--cors-origins', default: '', defaultDoc: 'none (same origin only)',
    description: 'Comma-separated origins allowed to call the API from a browser (e.g. `http://localhost:5173`).',
    parse: csv,
  }),
  allowedHosts: key({
    env: 'JAN_ALLOWED_HOSTS', flag: '--allowed-hosts', default: '', defaultDoc: 'none',
    description: 'Extra host names accepted in the `Host` header (IP literals and `localhost` always are).',
    parse: csv,
  }),
  bodyLimitBytes: key({
    env: 'JAN_BODY_LIMIT_BYTES', flag: '--body-limit-bytes', default: String(4 * 1024 * 1024),
    defaultDoc: '`4194304` (4 MiB)', description: 'Largest JSON request body; larger ones get 413.',
    parse: integer(1024, 512 * 1024 * 1024),
  }),
  requestTimeoutMs: key({
    env: 'JAN_REQUEST_TIMEOUT_MS', flag: '--request-timeout-ms', default: '30000', defaultDoc: '`30000`',
    description: 'Default request timeout; routes may set their own, all capped at 60 s.',
    parse: integer(100, 60_000),
  }),
  shutdownTimeoutMs: key({
    env: 'JAN_SHUTDOWN_TIMEOUT_MS', flag: '--shutdown-timeout-ms', default: '10000', defaultDoc: '`10000`',
    description: 'How long shutdown waits for in-flight requests before closing connections.',
    parse: integer(0, 120_000),
  }),
  // Media and OCR
  ...mediaKeys,
  // Local inference
  threads: key({
    live: true,
    env: 'JAN_THREADS', flag: '--threads', default: 'auto', defaultDoc: '`auto` (half the CPU cores, at least 1)',
    description: 'CPU threads for model evaluation. More threads than free cores makes generation many times slower.',
    parse: z.union([z.literal('auto'), integer(1, 256)]),
  }),
  gpu: key({
    env: 'JAN_GPU', flag: '--gpu', default: 'auto', defaultDoc: '`auto`',
    description: '`auto` uses a GPU when its prebuilt llama.cpp binary is installed (Metal, CUDA, Vulkan); `off` is CPU only.',
    parse: z.enum(['auto', 'off']),
  }),
  parallel: key({
    live: true,
    env: 'JAN_PARALLEL', flag: '--parallel', default: '4', defaultDoc: '`4`',
    description: 'Requests one loaded model generates for at once (parallel sequences, each with its own KV cache).',
    parse: integer(1, 64),
  }),
  maxQueue: key({
    live: true,
    env: 'JAN_MAX_QUEUE', flag: '--max-queue', default: '100', defaultDoc: '`100`',
    description: 'Inference requests waiting for a free sequence, per model; more get 503 with `Retry-After`.',
    parse: integer(0, 1000),
  }),
  fairQueue: key({
    env: 'JAN_FAIR_QUEUE', flag: '--fair-queue', default: 'on', defaultDoc: '`on`',
    description: 'Waiting inference requests are served round robin across members (one member\'s burst cannot starve the others); `off` serves them in arrival order. With it on, one member may hold at most three quarters of the queue, so the others can still get in line.',
    parse: onOff,
  }),
  contextSize: key({
    live: true,
    env: 'JAN_CONTEXT_SIZE', flag: '--context-size', default: '4096', defaultDoc: '`4096`',
    description: 'Tokens of context per sequence (prompt plus reply), capped at what the model was trained for.',
    parse: integer(256, 1_048_576),
  }),
  maxLoadedModels: key({
    live: true,
    env: 'JAN_MAX_LOADED_MODELS', flag: '--max-loaded-models', default: '1', defaultDoc: '`1`',
    description: 'Models kept in memory at once; loading another unloads the least recently used idle one.',
    parse: integer(1, 16),
  }),
  modelIdleTtlSeconds: key({
    live: true,
    env: 'JAN_MODEL_IDLE_TTL_SECONDS', flag: '--model-idle-ttl-seconds', default: '900', defaultDoc: '`900`',
    description: 'A loaded model unused this long is unloaded (`0` keeps it loaded).',
    parse: integer(0, 7 * 24 * 3600),
  }),
  modelImportHosts: key({
    env: 'JAN_MODEL_IMPORT_HOSTS', flag: '--model-import-hosts', default: 'public', defaultDoc: '`public`',
    description: '`POST /v1/models/import` from a URL: `public` downloads only from public addresses, `any` also from loopback and private networks, `off` refuses URLs.',
    parse: z.enum(['public', 'any', 'off']),
  }),
  // Model hub (Hugging Face)
  hub: key({
    env: 'JAN_HUB', flag: '--hub', default: 'on', defaultDoc: '`on`',
    description: '`off` switches the model hub off: `/v1/hub/*` and `POST /v1/models/pull` answer 403 (local import still works).',
    parse: onOff,
  }),
  hfEndpoint: key({
    env: 'JAN_HF_ENDPOINT', flag: '--hf-endpoint', default: 'https://huggingface.co', defaultDoc: '`https://huggingface.co`',
    description: 'The Hugging Face Hub (or a mirror) the hub searches and downloads from (the `HF_ENDPOINT` convention).',
    parse: z.string().url().refine((v) => /^https?:\/\//.test(v), 'must be an http(s) URL').transform((v) => v.replace(/\/+$/, '')),
  }),
  hfToken: key({
    env: 'JAN_HF_TOKEN', flag: '--hf-token', default: '', defaultDoc: 'none', secret: true,
    description: 'Hugging Face access token for gated repositories; sent as `Bearer` to the hub host only (not to the download CDN), never logged or returned.',
    parse: z.string().trim().max(500),
  }),
  hubAllow: key({
    env: 'JAN_HUB_ALLOW', flag: '--hub-allow', default: '', defaultDoc: 'none (public addresses only)',
    description: 'Comma-separated addresses or CIDR ranges the hub may also be reached at beyond public ones (a LAN mirror: `192.168.1.10`; tests: `127.0.0.1`).',
    parse: csv,
  }),
  hubTimeoutMs: key({
    env: 'JAN_HUB_TIMEOUT_MS', flag: '--hub-timeout-ms', default: '15000', defaultDoc: '`15000`',
    description: 'How long the hub may stay silent (connecting, answering, between chunks of a download) before the request fails with 502/504 and a download retries.',
    parse: integer(100, 600_000),
  }),
  hubMaxPulls: key({
    env: 'JAN_HUB_MAX_PULLS', flag: '--hub-max-pulls', default: '2', defaultDoc: '`2`',
    description: 'Model downloads (`POST /v1/models/pull`) running at once; more wait as `queued`.',
    parse: integer(1, 16),
  }),
  // Response API (sentiment, summary, content analysis)
  analysisModel: key({
    env: 'JAN_ANALYSIS_MODEL', flag: '--analysis-model', default: '', defaultDoc: 'none (a loaded model, else the first installed one)',
    description: 'Model id the analysis endpoints (`/v1/response/*`) use when a request names none. With no model installed, sentiment and content analysis use the lexicon engine.',
    parse: z.string().trim().max(200),
  }),
  analysisCacheBytes: key({
    env: 'JAN_ANALYSIS_CACHE_BYTES', flag: '--analysis-cache-bytes', default: String(16 * 1024 * 1024), defaultDoc: '`16777216` (16 MiB)',
    description: 'Memory for cached analysis results (by input, options and model); `0` turns the cache off.',
    parse: integer(0, 16 * 1024 ** 3),
  }),
  analysisMaxChunks: key({
    env: 'JAN_ANALYSIS_MAX_CHUNKS', flag: '--analysis-max-chunks', default: '8', defaultDoc: '`8`',
    description: 'Most context-sized chunks of one input a model reads for an analysis; the rest is skipped and the answer says `truncated`.',
    parse: integer(1, 256),
  }),
  // Limits, response cache, data lifecycle, backups
  rateSoftLimit: key({
    live: true,
    env: 'JAN_RATE_SOFT_LIMIT', flag: '--rate-soft-limit', default: '1000', defaultDoc: '`1000`',
    description: 'Requests per second over the whole server above which requests are still served but counted and `/v1/health` says `degraded`.',
    parse: integer(1, 1_000_000),
  }),
  rateHardLimit: key({
    live: true,
    env: 'JAN_RATE_HARD_LIMIT', flag: '--rate-hard-limit', default: '5000', defaultDoc: '`5000`',
    description: 'Requests per second over the whole server (token bucket, one second of burst); more get 429 with `Retry-After`. Health checks and `/metrics` are never limited.',
    parse: integer(1, 1_000_000),
  }),
  clientRateLimit: key({
    live: true,
    env: 'JAN_CLIENT_RATE_LIMIT', flag: '--client-rate-limit', default: '5000', defaultDoc: '`5000`',
    description: 'Requests per second per client: per credential sent (API key, token, session), else per client address; more get 429.',
    parse: integer(1, 1_000_000),
  }),
  connectionsSoftLimit: key({
    live: true,
    env: 'JAN_CONNECTIONS_SOFT_LIMIT', flag: '--connections-soft-limit', default: '500', defaultDoc: '`500`',
    description: 'Open TCP connections above which `/v1/health` says `degraded`.',
    parse: integer(1, 1_000_000),
  }),
  connectionsHardLimit: key({
    live: true,
    env: 'JAN_CONNECTIONS_HARD_LIMIT', flag: '--connections-hard-limit', default: '2000', defaultDoc: '`2000`',
    description: 'Open TCP connections; requests on connections beyond it get 503 with `Retry-After` and the connection is closed (health checks are still answered).',
    parse: integer(1, 1_000_000),
  }),
  streamsSoftLimit: key({
    live: true,
    env: 'JAN_STREAMS_SOFT_LIMIT', flag: '--streams-soft-limit', default: '100', defaultDoc: '`100`',
    description: 'Open streamed responses (`"stream": true`) above which `/v1/health` says `degraded`.',
    parse: integer(1, 1_000_000),
  }),
  streamsHardLimit: key({
    live: true,
    env: 'JAN_STREAMS_HARD_LIMIT', flag: '--streams-hard-limit', default: '500', defaultDoc: '`500`',
    description: 'Open streamed responses; new stream requests beyond it get 503 with `Retry-After`.',
    parse: integer(1, 1_000_000),
  }),
  queueDepthLimit: key({
    live: true,
    env: 'JAN_QUEUE_DEPTH_LIMIT', flag: '--queue-depth-limit', default: '1000', defaultDoc: '`1000`',
    description: 'Requests accepted and not yet answered; more get 503 with `Retry-After`.',
    parse: integer(1, 1_000_000),
  }),
  responseCacheBytes: key({
    live: true,
    env: 'JAN_RESPONSE_CACHE_BYTES', flag: '--response-cache-bytes', default: String(64 * 1024 * 1024), defaultDoc: '`67108864` (64 MiB)',
    description: 'Memory for cached responses of the hot reads (conversation list and get, items list); `0` turns the cache off.',
    parse: integer(0, 16 * 1024 ** 3),
  }),
  archiveAfterDays: key({
    env: 'JAN_ARCHIVE_AFTER_DAYS', flag: '--archive-after-days', default: '90', defaultDoc: '`90`',
    description: 'Conversations unchanged this long move to compressed files in `archive/` of the data folder (restored when opened); `0` turns archiving off.',
    parse: integer(0, 36_500),
  }),
  maintenanceIntervalMinutes: key({
    env: 'JAN_MAINTENANCE_INTERVAL_MINUTES', flag: '--maintenance-interval-minutes', default: '60', defaultDoc: '`60`',
    description: 'How often the archive, cleanup and optimize jobs run; `0` runs them only on demand (`POST /v1/admin/jobs/{name}/run`).',
    parse: integer(0, 7 * 24 * 60),
  }),
  backupDir: key({
    env: 'JAN_BACKUP_DIR', flag: '--backup-dir', default: '', defaultDoc: '`backups` in the data folder',
    description: 'Folder for the database backups.',
    parse: z.string(),
  }),
  backupIntervalHours: key({
    env: 'JAN_BACKUP_INTERVAL_HOURS', flag: '--backup-interval-hours', default: '24', defaultDoc: '`24`',
    description: 'How often an online backup of the database is made; `0` makes them only on demand.',
    parse: integer(0, 24 * 365),
  }),
  backupKeep: key({
    env: 'JAN_BACKUP_KEEP', flag: '--backup-keep', default: '3', defaultDoc: '`3`',
    description: 'Backups kept; the oldest beyond this are deleted after each new one.',
    parse: integer(1, 1000),
  }),
  importMaxBytes: key({
    env: 'JAN_IMPORT_MAX_BYTES', flag: '--import-max-bytes', default: String(1024 ** 3), defaultDoc: '`1073741824` (1 GiB)',
    description: 'Largest body of `POST /v1/import` (after decompression); larger ones get 413.',
    parse: integer(1024, 64 * 1024 ** 3),
  }),
  dbSynchronous: key({
    env: 'JAN_DB_SYNCHRONOUS', flag: '--db-synchronous', default: 'normal', defaultDoc: '`normal`',
    description: 'SQLite `synchronous` in WAL mode: `normal` loses no acknowledged write when the process is killed; `full` also survives power loss, at the cost of a disk flush per write.',
    parse: z.enum(['normal', 'full']),
  }),
  ...scaleOutKeys,
} as const;

export type ConfigSchema = typeof configSchema;
export type Config = { [K in keyof ConfigSchema]: z.output<ConfigSchema[K]['parse']> };

/**
 * Options for running headless beside other replicas (README "Running on a server"). Kept apart from schema.ts,
 * which spreads them in last, so they form the last group of the configuration table. None is needed on a
 * desktop: with none set, the server keeps SQLite in its data folder and its state in memory, as before.
 */
import { z } from 'zod';

import { parseEngineKeys, parseEngineSpecs } from '../api/engines.js';
import { integer, key } from './config-key.js';

const connectionUrl = (schemes: string[]) =>
  z.string().trim().refine(
    (v) => v === '' || schemes.some((scheme) => v.startsWith(`${scheme}://`)),
    `must be empty or start with ${schemes.map((s) => `${s}://`).join(' or ')}`,
  );

export const scaleOutKeys = {
  databaseUrl: key({
    savable: false,
    env: 'JAN_DATABASE_URL', flag: '--database-url', default: '', defaultDoc: 'none (SQLite in the data folder)', secret: true,
    description: 'A PostgreSQL connection URL (`postgres://user:pass@host:5432/db`): keeps all data there instead of the SQLite file, so several replicas can share it.',
    parse: connectionUrl(['postgres', 'postgresql']),
  }),
  redisUrl: key({
    savable: false,
    env: 'JAN_REDIS_URL', flag: '--redis-url', default: '', defaultDoc: 'none (state kept in memory)', secret: true,
    description: 'A Redis URL (`redis://host:6379`): rate limits, cache invalidation, login throttling and scheduled-job leases shared by all replicas.',
    parse: connectionUrl(['redis', 'rediss']),
  }),
  mediaDir: key({
    savable: false,
    env: 'JAN_MEDIA_DIR', flag: '--media-dir', default: '', defaultDoc: '`media` in the data folder',
    description: 'Folder for uploaded files and resumable uploads in progress. Replicas share one (a folder every replica mounts, e.g. a ReadWriteMany volume), so a file or an interrupted upload is found through any of them.',
    parse: z.string(),
  }),
  role: key({
    savable: false,
    env: 'JAN_ROLE', flag: '--role', default: 'all', defaultDoc: '`all`',
    description: '`all` serves the API and runs local inference and scheduled jobs; `api` serves the API only (inference through `JAN_ENGINES`), for stateless replicas.',
    parse: z.enum(['all', 'api']),
  }),
  engines: key({
    live: true,
    env: 'JAN_ENGINES', flag: '--engines', default: '', defaultDoc: 'none (local models only)',
    description: 'Remote OpenAI-compatible inference engines (llama-server, vLLM, Ollama, another Jan server), a JSON array of `{"name", "url", "models"?, "timeout_ms"?}`, e.g. `[{"name": "gpu1", "url": "http://10.0.0.5:8080"}]`. Requests for their models are proxied there; without `models` they are discovered from the engine\'s `/v1/models`; `timeout_ms` (default 60000) is how long it may stay silent. Their hosts may be private addresses. Keys go in `JAN_ENGINE_KEYS`.',
    parse: z.string().trim().superRefine((raw, ctx) => {
      const parsed = parseEngineSpecs(raw);
      if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message });
    }),
  }),
  engineKeys: key({
    savable: false,
    env: 'JAN_ENGINE_KEYS', flag: '--engine-keys', default: '', defaultDoc: 'none', secret: true,
    description: 'API keys of the engines in `JAN_ENGINES`, sent as `Authorization: Bearer`: `gpu1=sk-…,gpu2=sk-…`. A secret: never stored, logged or returned.',
    parse: z.string().trim().superRefine((raw, ctx) => {
      const parsed = parseEngineKeys(raw);
      if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message });
    }),
  }),
  engineCheckMs: key({
    live: true,
    env: 'JAN_ENGINE_CHECK_MS', flag: '--engine-check-ms', default: '10000', defaultDoc: '`10000`',
    description: 'How often each engine is health-checked (`GET /v1/models`); three failures in a row eject it, one success brings it back.',
    parse: integer(100, 600_000),
  }),
  drainDelayMs: key({
    savable: false,
    env: 'JAN_DRAIN_DELAY_MS', flag: '--drain-delay-ms', default: '0', defaultDoc: '`0`',
    description: 'On SIGTERM, how long the server keeps serving with `/readyz` answering 503 before it stops accepting connections, so that the load balancer stops sending first (its check interval times its fall count). In-flight requests then get `JAN_SHUTDOWN_TIMEOUT_MS`.',
    parse: integer(0, 120_000),
  }),
} as const;

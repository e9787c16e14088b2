/** Wires the inference services (models, chat, completions, embeddings, responses) for createServices. */
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { Metrics } from '../metrics/create-metrics.js';
import type { InferenceRuntime } from '../runtime/inference-runtime.js';
import type { Store } from '../store/store.js';
import { ChatService, type DocumentExpander } from './chat-service.js';
import { CompletionsService } from './completions-service.js';
import type { ConversationsService } from '../conversations/index.js';
import { EmbeddingsService } from './embeddings-service.js';
import { ConversationLink } from './conversation-link.js';
import { InferenceRunner, type InferenceAccounting } from './inference-runner.js';
import type { ItemsService } from '../conversations/index.js';
import { ModelsService } from '../models/index.js';
import { ResponsesService } from './responses-service.js';
import { fingerprinter } from './system-fingerprint.js';

export interface InferenceDeps {
  runtime: InferenceRuntime;
  /** Threads after resolving `auto` (the runtime decides the default). */
  threads: number;
  logger: Logger;
  /** The server's version, for `system_fingerprint`. */
  version: string;
}

export function createInferenceServices(
  store: Store,
  config: Config,
  metrics: Metrics,
  deps: InferenceDeps,
  data: { conversations: ConversationsService; items: ItemsService; documents?: DocumentExpander; accounting?: InferenceAccounting },
) {
  const models = new ModelsService({
    modelsDir: config.modelsDir,
    runtime: deps.runtime,
    metrics,
    load: { contextSize: config.contextSize, slots: config.parallel, threads: deps.threads },
    maxQueue: config.maxQueue,
    maxLoaded: config.maxLoadedModels,
    idleTtlSeconds: config.modelIdleTtlSeconds,
    importHosts: config.modelImportHosts,
    logger: deps.logger,
    local: config.role !== 'api', // an API-only replica serves models through remote engines only
  });
  const runner = new InferenceRunner(models, metrics, data.accounting);
  const fingerprint = fingerprinter(deps.version);
  const link = new ConversationLink(data.conversations, data.items);
  return {
    models,
    chat: new ChatService(runner, link, fingerprint, data.documents),
    completions: new CompletionsService(runner, fingerprint),
    embeddings: new EmbeddingsService(runner),
    responses: new ResponsesService(store, runner, link),
    /** For errors in event streams that started before they failed. */
    logger: deps.logger,
  };
}

/** Wires the analysis service (the guide's Response API) for createServices. */
import type { Config } from '../config/schema.js';
import type { Metrics } from '../metrics/create-metrics.js';
import { AnalysisService } from './analysis-service.js';
import { AnalysisInputs } from './analysis-inputs.js';
import { LexiconEngine } from './lexicon-engine.js';
import { LlmAnalyzer } from './llm-analyzer.js';
import type { ConversationsService } from '../conversations/index.js';
import { ConversationLink } from '../inference/index.js';
import { InferenceRunner, type InferenceAccounting } from '../inference/index.js';
import type { ItemsService } from '../conversations/index.js';
import type { ModelsService } from '../models/index.js';
import type { TextExtractionService } from '../media/index.js';
import { ResponseCache } from '../cache/index.js';

export interface AnalysisDeps {
  models: ModelsService;
  conversations: ConversationsService;
  items: ItemsService;
  textExtraction: TextExtractionService;
  /** Who asked (the slot queue's fairness, the usage counters). */
  accounting?: InferenceAccounting;
}

export function createAnalysisService(config: Config, metrics: Metrics, deps: AnalysisDeps): AnalysisService {
  // The runner holds no state of its own: this one shares the models' schedulers with chat's.
  const runner = new InferenceRunner(deps.models, metrics, deps.accounting);
  const cache = new ResponseCache({ maxBytes: config.analysisCacheBytes, name: 'analysis', metrics });
  return new AnalysisService(
    new AnalysisInputs(new ConversationLink(deps.conversations, deps.items), deps.textExtraction),
    deps.models,
    new LlmAnalyzer(deps.models, runner, config.analysisMaxChunks),
    new LexiconEngine(),
    cache,
    { defaultModel: config.analysisModel },
  );
}

/** Wires the analysis service (the guide's Response API) for createServices. */
import type { Config } from '../config/schema.js';
import type { Metrics } from '../metrics/create-metrics.js';
import { AnalysisService } from './analysis.js';
import { AnalysisInputs } from './analysis-input.js';
import { LexiconEngine } from './analysis-lexicon.js';
import { LlmAnalyzer } from './analysis-llm.js';
import type { ConversationsService } from './conversations.js';
import { ConversationLink } from './inference-conversation.js';
import { InferenceRunner } from './inference-runner.js';
import type { ItemsService } from './items.js';
import type { ModelsService } from './models.js';
import type { TextExtractionService } from './ocr-extraction.js';
import { ResponseCache } from './response-cache.js';

export interface AnalysisDeps {
  models: ModelsService;
  conversations: ConversationsService;
  items: ItemsService;
  textExtraction: TextExtractionService;
}

export function createAnalysisService(config: Config, metrics: Metrics, deps: AnalysisDeps): AnalysisService {
  // The runner holds no state of its own: this one shares the models' schedulers with chat's.
  const runner = new InferenceRunner(deps.models, metrics);
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

/**
 * The Anthropic domain: Anthropic's Messages API (`/v1/messages`, `/v1/messages/count_tokens`) as an adapter
 * over the inference domain's generation path. Other folders import this domain only through this file.
 */
import type { Metrics } from '../metrics/create-metrics.js';
import { InferenceRunner, type InferenceAccounting } from '../inference/index.js';
import type { ModelsService } from '../models/index.js';
import { AnthropicMessagesService } from './messages-service.js';

export { AnthropicMessagesService } from './messages-service.js';

export function createAnthropicMessages(metrics: Metrics, deps: { models: ModelsService; accounting?: InferenceAccounting }): AnthropicMessagesService {
  return new AnthropicMessagesService(new InferenceRunner(deps.models, metrics, deps.accounting), deps.models);
}

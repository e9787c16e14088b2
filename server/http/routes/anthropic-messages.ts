import {
  AnthropicCountTokensBody, AnthropicErrorBody, AnthropicMessage, AnthropicMessagesBody, AnthropicTokenCount,
} from '../../api/anthropic.js';
import { endpoint } from '../endpoint.js';
import { anthropicErrorFrame } from '../middleware/anthropic-errors.js';
import { streamEvents } from '../sse.js';

/**
 * Anthropic's Messages API. Keys come as `x-api-key` or `Authorization: Bearer`, like every route's;
 * `anthropic-version` and `anthropic-beta` are accepted and ignored. Errors are Anthropic's
 * (middleware/anthropic-errors.ts). The timeout is chat's: model load, slot wait and an unstreamed reply.
 */
const tags = ['anthropic'];

export const create = endpoint({
  summary: "Create a message (Anthropic's Messages API): JSON, or Anthropic's server-sent events with `stream: true`.", tags,
  body: AnthropicMessagesBody, response: AnthropicMessage, errorResponse: AnthropicErrorBody, timeoutMs: 60_000,
  async handle({ body, ctx }, s) {
    if (!body.stream) return s.anthropic.create(body, ctx.state.signal);
    const produce = await s.anthropic.stream(body, ctx.state.signal);
    streamEvents(ctx, produce, { metrics: s.metrics, logger: s.logger, errorFrame: anthropicErrorFrame });
    return undefined;
  },
});

export const countTokens = endpoint({
  summary: "Count a prompt's tokens (Anthropic's count_tokens): what `POST /v1/messages` would read.", tags,
  body: AnthropicCountTokensBody, response: AnthropicTokenCount, errorResponse: AnthropicErrorBody, timeoutMs: 60_000,
  handle: ({ body }, s) => s.anthropic.countTokens(body),
});

import { ChatCompletion, ChatCompletionBody } from '../../api/chat.js';
import { endpoint } from '../endpoint.js';
import { sendEngineReply } from '../engine-reply.js';
import { streamEvents } from '../sse.js';

/**
 * The timeout covers loading the model, the wait for a slot and, without streaming, the whole generation
 * (60 s, the cap); a stream, once started, runs until the reply is complete or the client goes away.
 */
const INFERENCE_TIMEOUT_MS = 60_000;

export const create = endpoint({
  summary: 'Create a chat completion (JSON, or server-sent events with `stream: true`).', tags: ['inference'],
  body: ChatCompletionBody, response: ChatCompletion, timeoutMs: INFERENCE_TIMEOUT_MS,
  async handle({ body, principal, ctx }, s) {
    const remote = await s.engines.forward('chat/completions', body, ctx.state.signal); // a remote engine's model
    if (remote) return sendEngineReply(ctx, remote, s);
    if (!body.stream) return s.chat.complete(principal.userId, body, ctx.state.signal);
    const produce = await s.chat.stream(principal.userId, body, ctx.state.signal);
    streamEvents(ctx, produce, { done: '[DONE]', metrics: s.metrics, logger: s.logger, onStorageFull: () => s.diskSpace.reportFull() });
    return undefined;
  },
});

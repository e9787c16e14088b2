import { Completion, CompletionBody } from '../../api/completions.js';
import { endpoint } from '../endpoint.js';
import { sendEngineReply } from '../engine-reply.js';
import { streamEvents } from '../sse.js';

export const create = endpoint({
  summary: 'Create a text completion from a raw prompt (legacy; JSON or server-sent events).', tags: ['inference'],
  body: CompletionBody, response: Completion, timeoutMs: 60_000,
  async handle({ body, ctx }, s) {
    const remote = await s.engines.forward('completions', body, ctx.state.signal); // a remote engine's model
    if (remote) return sendEngineReply(ctx, remote, s);
    if (!body.stream) return s.completions.complete(body, ctx.state.signal);
    const produce = await s.completions.stream(body, ctx.state.signal);
    streamEvents(ctx, produce, { done: '[DONE]', metrics: s.metrics, logger: s.logger });
    return undefined;
  },
});

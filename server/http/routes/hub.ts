import {
  HubRepoList, HubRepoPath, HubRepoView, HubSearchQuery, Pull, PullBody, PullList, PullPath, RecommendedList,
} from '../../api/hub.js';
import { endpoint } from '../endpoint.js';
import { streamEvents } from '../sse.js';

const tags = ['hub'];
/** The hub's answers come over the network: up to its stall timeout per request, more for a repository view. */
const HUB_TIMEOUT_MS = 60_000;

export const search = endpoint({
  summary: 'Search the Hugging Face Hub for GGUF repositories (cursor pagination with `next_cursor`).', tags,
  query: HubSearchQuery, response: HubRepoList, timeoutMs: HUB_TIMEOUT_MS,
  handle: ({ query, ctx }, s) => s.hub.search(query, ctx.state.signal),
});

export const recommended = endpoint({
  summary: 'The curated list of recommended GGUF repositories, with live figures when the hub is reachable.', tags,
  response: RecommendedList, timeoutMs: HUB_TIMEOUT_MS,
  handle: ({ ctx }, s) => s.hub.recommended(ctx.state.signal),
});

export const repo = endpoint({
  summary: "One repository's GGUF files by quantization, with SHA-256 and fit on this machine (RAM, disk, verdict).", tags,
  params: HubRepoPath, response: HubRepoView, timeoutMs: HUB_TIMEOUT_MS,
  handle: ({ params, ctx }, s) => s.hub.view(`${params.owner}/${params.repo}`, ctx.state.signal),
});

export const pull = endpoint({
  summary: 'Download a model from the hub (`hf.co/{owner}/{repo}:{quantization}`): 202 with the pull, or its progress as events with `stream: true`.',
  tags, access: 'admin', body: PullBody, status: 202, response: Pull, timeoutMs: HUB_TIMEOUT_MS,
  async handle({ body, ctx }, s) {
    const started = await s.pulls.create(body, ctx.state.signal);
    if (!body.stream) return started;
    // The pull goes on when the client goes away; only the events stop.
    streamEvents(ctx, (send) => s.pulls.follow(started.id, ctx.state.signal, send), { metrics: s.metrics, logger: s.logger });
    return undefined;
  },
});

export const list = endpoint({
  summary: 'Model pulls: running, queued, paused and recently finished, newest first.', tags, access: 'admin', response: PullList,
  handle: (_, s) => s.pulls.list(),
});

export const get = endpoint({
  summary: 'One model pull.', tags, access: 'admin', params: PullPath, response: Pull,
  handle: ({ params }, s) => s.pulls.get(params.id),
});

export const pause = endpoint({
  summary: 'Pause a model pull (its downloaded bytes are kept).', tags, access: 'admin', params: PullPath, response: Pull,
  handle: ({ params }, s) => s.pulls.pause(params.id),
});

export const resume = endpoint({
  summary: 'Resume a paused or failed model pull from where it stopped.', tags, access: 'admin', params: PullPath, response: Pull,
  handle: ({ params }, s) => s.pulls.resume(params.id),
});

export const cancel = endpoint({
  summary: 'Cancel a model pull and delete its partial files.', tags, access: 'admin', params: PullPath, response: Pull,
  handle: ({ params }, s) => s.pulls.cancel(params.id),
});

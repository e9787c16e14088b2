/**
 * Token log probabilities are refused, never silently left out: node-llama-cpp's LlamaChat and
 * LlamaCompletion (the generation path of server/runtime) report no token probabilities; only the low-level
 * `LlamaContextSequence.evaluateWithMetadata` does, and using it would mean rewriting their generation loops
 * (stop triggers, grammars, function calls, penalties). A request that asks for them gets a 400 instead of a
 * reply whose `logprobs` is quietly null.
 */
import { badRequest } from '../errors/app-error.js';

const UNSUPPORTED = 'Log probabilities are not supported by this server (its llama.cpp runtime does not report token probabilities).';

/** Chat completions: `logprobs: true`, or `top_logprobs` above 0. */
export function refuseChatLogprobs(body: { logprobs?: boolean | null; top_logprobs?: number | null }): void {
  if (body.logprobs === true) throw badRequest(`${UNSUPPORTED} Leave out logprobs.`, 'logprobs', 'unsupported_value');
  if ((body.top_logprobs ?? 0) > 0) throw badRequest(`${UNSUPPORTED} Leave out top_logprobs.`, 'top_logprobs', 'unsupported_value');
}

/** Legacy completions: `logprobs` is a count there; any number (0 too, which asks for the chosen tokens') is refused. */
export function refuseCompletionLogprobs(body: { logprobs?: number | null }): void {
  if (body.logprobs !== undefined && body.logprobs !== null) throw badRequest(`${UNSUPPORTED} Leave out logprobs.`, 'logprobs', 'unsupported_value');
}

/** Responses: `top_logprobs` above 0, or `include` asking for `message.output_text.logprobs`. */
export function refuseResponseLogprobs(body: { top_logprobs?: number | null; include?: string[] | null }): void {
  if ((body.top_logprobs ?? 0) > 0) throw badRequest(`${UNSUPPORTED} Leave out top_logprobs.`, 'top_logprobs', 'unsupported_value');
  const at = body.include?.indexOf('message.output_text.logprobs') ?? -1;
  if (at !== -1) throw badRequest(`${UNSUPPORTED} Leave message.output_text.logprobs out of include.`, `include[${at}]`, 'unsupported_value');
}

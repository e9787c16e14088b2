/**
 * The plain-text generation loop: prompt tokens in, text out, on one context sequence, through the model's
 * `DecodeStepGate` so that concurrent generations share each decode step.
 *
 * LlamaChat stays in charge of everything that needs its machinery (function calling, grammars, repetition
 * penalties over the chat history, chat wrappers with thought segments or stripped response prefixes);
 * `llama-model.ts` only sends the common case here. That case does per token only what it needs: one
 * detokenization of the new token, a stop-string check on the text not yet released, and the `onText`
 * callback — LlamaChat's per-token work (stop-trigger and function-call detection over token streams,
 * segment tracking) was most of the gap to llama-server on one stream, and its token loop cannot wait at the
 * gate between tokens.
 */
import type { LlamaContextSequence, LlamaModel, LlamaText, Token } from 'node-llama-cpp';
import type { FinishReason } from './inference-runtime.js';
import { DecodeStepGate, SHARED_PROMPT_CHUNK, WHOLE_PROMPT_TOKENS } from './decode-step-gate.js';

export interface StopSet {
  /** Tokens that end the generation (besides end-of-generation tokens, which always do). */
  tokens: ReadonlySet<Token>;
  /** Strings that end it; the ones from the request are reported as `stopSequence`. */
  strings: readonly string[];
  requestStrings: readonly string[];
}

export interface TokenLoopOptions {
  maxTokens: number;
  temperature: number;
  topP?: number;
  topK?: number;
  minP?: number;
  seed?: number;
  signal?: AbortSignal;
  onText?: (text: string) => void;
}

export interface TokenLoopResult {
  text: string;
  finishReason: FinishReason;
  stopSequence?: string;
}

/**
 * A chat wrapper's stop triggers as tokens and strings, or undefined when one is neither a single token nor
 * plain text (LlamaChat handles those).
 */
export function toStopSet(model: LlamaModel, triggers: readonly LlamaText[], requestStops: readonly string[] = []): StopSet | undefined {
  const tokens = new Set<Token>();
  const strings: string[] = [...requestStops];
  for (const trigger of triggers) {
    if (trigger.values.every((value) => typeof value === 'string')) {
      const text = trigger.values.join('');
      if (text !== '') strings.push(text);
      continue;
    }
    const tokenized = trigger.tokenize(model.tokenizer);
    if (tokenized.length !== 1) return undefined;
    tokens.add(tokenized[0]!);
  }
  return { tokens, strings, requestStrings: requestStops };
}

/** Length of the longest end of `text` that begins one of `stops` (that text is held back until it is decided). */
function pendingStopPrefix(text: string, stops: readonly string[]): number {
  let longest = 0;
  for (const stop of stops) {
    for (let n = Math.min(stop.length - 1, text.length); n > longest; n--) {
      if (text.endsWith(stop.slice(0, n))) {
        longest = n;
        break;
      }
    }
  }
  return longest;
}

export async function runTokenLoop(
  model: LlamaModel,
  sequence: LlamaContextSequence,
  gate: DecodeStepGate,
  promptTokens: readonly Token[],
  stops: StopSet,
  options: TokenLoopOptions,
): Promise<TokenLoopResult> {
  // KV cache reuse: keep the common prefix, drop the rest; at least the last prompt token is evaluated again.
  await sequence.adaptStateToTokens(promptTokens.slice(0, -1), false);
  let rest = promptTokens.slice(sequence.nextTokenIndex);
  const id = gate.join();
  let text = '';
  /** Released text is text[0, released); the rest may be the start of a stop string. */
  let released = 0;
  const release = (upTo: number) => {
    if (upTo <= released) return;
    const chunk = text.slice(released, upTo);
    released = upTo;
    options.onText?.(chunk);
  };
  let iterator: AsyncGenerator<Token, void, Token | Token[] | undefined> | undefined;
  try {
    // A long newcomer prompt goes in chunks while others generate, one chunk per step, so their streams go on.
    const chunked = rest.length > WHOLE_PROMPT_TOKENS;
    while (chunked && rest.length > SHARED_PROMPT_CHUNK && gate.others(id) > 0) {
      await gate.arrive(id);
      if (options.signal?.aborted) return { text: '', finishReason: 'aborted' };
      await sequence.evaluateWithoutGeneratingNewTokens(rest.slice(0, SHARED_PROMPT_CHUNK));
      rest = rest.slice(SHARED_PROMPT_CHUNK);
    }
    await gate.arrive(id);
    iterator = sequence.evaluate(rest, {
      temperature: options.temperature,
      ...(options.topP !== undefined && { topP: options.topP }),
      ...(options.topK !== undefined && { topK: options.topK }),
      ...(options.minP !== undefined && { minP: options.minP }),
      ...(options.seed !== undefined && { seed: options.seed }),
    });
    let generated = 0;
    /** Tokens not yet turned into text (an incomplete UTF-8 character), and the ones before them. */
    let pending: Token[] = [];
    let previous: Token[] = [];
    for (let step = await iterator.next(); !step.done; step = await iterator.next()) {
      const token = step.value;
      generated++;
      if (stops.tokens.has(token)) return finish('stop');
      pending.push(token);
      const piece = model.detokenize(pending, false, previous);
      // A multi-byte character split over tokens detokenizes to U+FFFD until its last byte arrives.
      if (!piece.endsWith('\uFFFD') || pending.length >= 4) {
        previous = pending;
        pending = [];
        text += piece;
        if (stops.strings.length === 0) release(text.length);
        else {
          const found = firstStop(text, released, stops.strings);
          if (found) {
            text = text.slice(0, found.at);
            release(text.length);
            return finish('stop', stops.requestStrings.includes(found.stop) ? found.stop : undefined);
          }
          release(text.length - pendingStopPrefix(text, stops.strings));
        }
      }
      if (options.signal?.aborted) return finish('aborted');
      if (generated >= options.maxTokens) return finish('length');
      await gate.arrive(id);
    }
    return finish('stop');
  } finally {
    gate.leave(id);
    await iterator?.return();
  }

  function finish(finishReason: FinishReason, stopSequence?: string): TokenLoopResult {
    if (stopSequence === undefined) release(text.length);
    return { text, finishReason, ...(stopSequence !== undefined && { stopSequence }) };
  }
}

/** The earliest stop string in `text` that ends after `from` (text before `from` was checked already). */
function firstStop(text: string, from: number, stops: readonly string[]): { at: number; stop: string } | undefined {
  let best: { at: number; stop: string } | undefined;
  for (const stop of stops) {
    const at = text.indexOf(stop, Math.max(0, from - stop.length + 1));
    if (at !== -1 && (!best || at < best.at)) best = { at, stop };
  }
  return best;
}

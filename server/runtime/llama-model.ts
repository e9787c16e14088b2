/**
 * A model loaded in node-llama-cpp: the weights, one context with `slots` sequences, a LlamaChat per
 * sequence (LlamaChat, not LlamaChatSession: the session adds a long default system prompt), its
 * embeddings (llama-embedder.ts) and its structured-output grammars (llama-grammars.ts).
 *
 * This module imports node-llama-cpp at load time; `llama-runtime.ts` imports it lazily so that the server
 * starts without loading the native library.
 *
 * Lifecycle: the scheduler guarantees one generation per slot at a time; `dispose()` is called by the models
 * service once no slot is in use.
 */
import {
  LlamaChat, LlamaCompletion, type Llama, type LlamaContext, type LlamaContextSequence, type LlamaModel, type LlamaText, type Token,
} from 'node-llama-cpp';
import {
  PromptError, type ChatPrompt, type EmbeddingResult, type FinishReason, type GenerateOptions, type GenerationResult,
  type LoadedModel, type LoadOptions, type PreparedPrompt,
} from './inference-runtime.js';
import { readForcedCall, toLlamaChatInput, type LlamaChatInput } from './llama-chat-history.js';
import { LlamaEmbedder } from './llama-embedder.js';
import { LlamaGrammars } from './llama-grammars.js';
import { DecodeStepGate, type DecodeStepStats } from './decode-step-gate.js';
import { runTokenLoop, toStopSet } from './llama-token-loop.js';

interface ChatPrepared extends PreparedPrompt {
  kind: 'chat';
  tokens: Token[];
  input: LlamaChatInput;
  /** The chat wrapper's stop triggers when the plain token loop can run this prompt (see `plainTriggers`). */
  plainTriggers?: readonly LlamaText[];
}

interface CompletionPrepared extends PreparedPrompt {
  kind: 'completion';
  tokens: Token[];
  text: string;
}

type Prepared = ChatPrepared | CompletionPrepared;

function finishReasonOf(stopReason: string): FinishReason {
  if (stopReason === 'maxTokens') return 'length';
  if (stopReason === 'functionCalls') return 'tool_calls';
  if (stopReason === 'abort') return 'aborted';
  return 'stop';
}

/** The request's stop string that ended a generation, when node-llama-cpp says one did. */
function stopSequenceOf(
  metadata: { stopReason: string; customStopTrigger?: readonly (string | Token)[] },
  stops: readonly string[] | undefined,
): { stopSequence?: string } {
  if (metadata.stopReason !== 'customStopTrigger' || !metadata.customStopTrigger) return {};
  const text = metadata.customStopTrigger.filter((part): part is string => typeof part === 'string').join('');
  return { stopSequence: stops?.find((stop) => stop === text) ?? text };
}

export class LlamaLoadedModel implements LoadedModel {
  private readonly chats: LlamaChat[];
  private readonly completions: LlamaCompletion[];
  private readonly embedder: LlamaEmbedder;
  private readonly grammars: LlamaGrammars;
  /** One per context: the generations of the plain token loop advance in shared decode steps. */
  private readonly gate: DecodeStepGate;

  private constructor(
    private readonly llama: Llama,
    private readonly model: LlamaModel,
    private readonly context: LlamaContext,
    private readonly sequences: LlamaContextSequence[],
    private readonly threads: number,
    onDecodeStep?: (sequences: number) => void,
  ) {
    this.gate = new DecodeStepGate(onDecodeStep);
    this.embedder = new LlamaEmbedder(model, context.contextSize, threads);
    this.grammars = new LlamaGrammars(llama);
    // The chat wrapper is resolved once (from the model's Jinja template, a few hundred ms of rendering and
    // comparing) and shared: resolving it per slot made loading with 8 slots take seconds.
    const first = new LlamaChat({ contextSequence: sequences[0]! });
    this.chats = [first, ...sequences.slice(1).map((contextSequence) => new LlamaChat({ contextSequence, chatWrapper: first.chatWrapper }))];
    this.completions = sequences.map((contextSequence) => new LlamaCompletion({ contextSequence }));
  }

  static async load(llama: Llama, path: string, options: LoadOptions, onDecodeStep?: (sequences: number) => void): Promise<LlamaLoadedModel> {
    const model = await llama.loadModel({ modelPath: path });
    try {
      const contextSize = Math.max(256, Math.min(options.contextSize, model.trainContextSize));
      // Flash attention on the CPU: llama-server turns it on there too ("auto"), node-llama-cpp's "auto" leaves it
      // off. On this project's 55M F16 bench model it cut a 1,500-token prompt from 2.07 s to 1.57 s and made
      // decoding about 5 % faster. node-llama-cpp ignores it for a model that cannot use it; GPUs keep "auto".
      const flashAttention = llama.gpu === false ? true : 'auto';
      const context = await model.createContext({ sequences: options.slots, contextSize, threads: options.threads, flashAttention });
      const sequences = Array.from({ length: options.slots }, () => context.getSequence());
      return new LlamaLoadedModel(llama, model, context, sequences, options.threads, onDecodeStep);
    } catch (error) {
      await model.dispose();
      throw error;
    }
  }

  get slotCount(): number {
    return this.sequences.length;
  }

  get contextSize(): number {
    return this.context.contextSize;
  }

  async prepareChat(prompt: ChatPrompt): Promise<PreparedPrompt> {
    const input = toLlamaChatInput(prompt);
    const chatWrapper = this.chats[0]!.chatWrapper;
    const history = input.history.at(-1)?.type === 'model' ? input.history : [...input.history, { type: 'model' as const, response: [] }];
    // The same rendering LlamaChat does before it evaluates, so the token count and the cache match are exact.
    const state = chatWrapper.generateContextState({
      chatHistory: history,
      availableFunctions: input.functions,
      documentFunctionParams: true,
    });
    const tokens = state.contextText.tokenize(this.model.tokenizer);
    this.checkFits(tokens.length);
    const prepared: ChatPrepared = {
      kind: 'chat', tokenCount: tokens.length, tokens, input,
      ...(plainState(state, chatWrapper.settings.segments) && !input.functions && !input.forced && { plainTriggers: state.stopGenerationTriggers }),
    };
    return prepared;
  }

  async prepareCompletion(text: string): Promise<PreparedPrompt> {
    // As LlamaCompletion tokenizes a string prompt: BOS (when the model wants one) and the text.
    const bos = this.model.tokens.shouldPrependBosToken ? this.model.tokens.bos : null;
    const body = this.model.tokenize(text, false, bos !== null ? 'trimLeadingSpace' : undefined);
    const tokens = bos !== null ? [bos, ...body] : body;
    if (tokens.length === 0) throw new PromptError('The prompt is empty.', 'invalid_prompt', 'prompt');
    this.checkFits(tokens.length);
    const prepared: CompletionPrepared = { kind: 'completion', tokenCount: tokens.length, tokens, text };
    return prepared;
  }

  private checkFits(promptTokens: number): void {
    if (promptTokens >= this.contextSize) {
      throw new PromptError(
        `The prompt is ${promptTokens} tokens; this model's context holds ${this.contextSize} (including the reply). Shorten the messages.`,
        'context_length_exceeded',
        'messages',
      );
    }
  }

  cachedPrefix(slot: number, prompt: PreparedPrompt): number {
    const { tokens } = prompt as Prepared;
    // At least one prompt token is always evaluated again, to get the logits of the next token.
    return Math.min(this.sequences[slot]!.compareContextTokens(tokens).firstDifferentIndex, tokens.length - 1);
  }

  async generate(slot: number, prompt: PreparedPrompt, options: GenerateOptions): Promise<GenerationResult> {
    const prepared = prompt as Prepared;
    const sequence = this.sequences[slot]!;
    const cachedTokens = this.cachedPrefix(slot, prepared);
    const outputBefore = sequence.tokenMeter.usedOutputTokens;
    // Never past the end of the context: no context shift mid-reply, and `length` when it is full.
    const maxTokens = Math.max(1, Math.min(options.maxTokens, this.contextSize - prepared.tokenCount));
    const run = prepared.kind === 'chat'
      ? await (this.runPlain(slot, prepared, options, maxTokens) ?? this.runChat(slot, prepared, options, maxTokens))
      : await this.runCompletion(slot, prepared, options, maxTokens);
    return {
      ...run,
      promptTokens: prepared.tokenCount,
      cachedTokens,
      completionTokens: sequence.tokenMeter.usedOutputTokens - outputBefore,
    };
  }

  private samplingOptions(options: GenerateOptions, maxTokens: number) {
    const penalties = options.frequencyPenalty || options.presencePenalty || (options.repeatPenalty ?? 1) !== 1;
    return {
      maxTokens,
      temperature: options.temperature ?? 0,
      ...(options.topP !== undefined && { topP: options.topP }),
      ...(options.topK !== undefined && { topK: options.topK }),
      ...(options.minP !== undefined && { minP: options.minP }),
      ...(options.seed !== undefined && { seed: options.seed }),
      ...(options.stop?.length && { customStopTriggers: options.stop }),
      // OpenAI semantics: no repetition penalty unless asked for (node-llama-cpp applies one by default).
      repeatPenalty: penalties
        ? { penalty: options.repeatPenalty ?? 1, frequencyPenalty: options.frequencyPenalty ?? 0, presencePenalty: options.presencePenalty ?? 0 }
        : (false as const),
      signal: options.signal,
      stopOnAbortSignal: true,
    };
  }

  /**
   * The plain token loop for a chat without tools, grammar or penalties (undefined when it does not apply):
   * the same prompt tokens and sampling as LlamaChat, less work per token, and shared decode steps.
   */
  private runPlain(slot: number, prepared: ChatPrepared, options: GenerateOptions, maxTokens: number) {
    if (!prepared.plainTriggers || (options.format && options.format.type !== 'text')) return undefined;
    if (options.frequencyPenalty || options.presencePenalty || (options.repeatPenalty ?? 1) !== 1) return undefined;
    const stops = toStopSet(this.model, prepared.plainTriggers, options.stop ?? []);
    if (!stops) return undefined;
    return runTokenLoop(this.model, this.sequences[slot]!, this.gate, prepared.tokens, stops, {
      maxTokens, temperature: options.temperature ?? 0,
      ...(options.topP !== undefined && { topP: options.topP }),
      ...(options.topK !== undefined && { topK: options.topK }),
      ...(options.minP !== undefined && { minP: options.minP }),
      ...(options.seed !== undefined && { seed: options.seed }),
      ...(options.signal && { signal: options.signal }),
      ...(options.onText && { onText: options.onText }),
    }).then((result) => ({ ...result, toolCalls: [] }));
  }

  /** Decode steps of the plain token loop so far (`sequences / steps` is the mean batch width). */
  decodeStats(): DecodeStepStats {
    return this.gate.snapshot();
  }

  private async runChat(slot: number, prepared: ChatPrepared, options: GenerateOptions, maxTokens: number) {
    const { input } = prepared;
    const forced = input.forced;
    const grammar = forced ? await this.grammars.for({ type: 'json_schema', schema: forced.schema }) : await this.grammars.for(options.format);
    const onTextChunk = forced ? undefined : (text: string) => text !== '' && options.onText?.(text);
    const response = await abortable(options.signal, () =>
      this.chats[slot]!.generateResponse(input.history, {
        ...this.samplingOptions(options, maxTokens),
        ...(grammar ? { grammar } : input.functions ? { functions: input.functions, documentFunctionParams: true } : {}),
        onTextChunk,
      }),
    );
    if (!response) return { text: '', finishReason: 'aborted' as const, toolCalls: [] };
    let finishReason = finishReasonOf(response.metadata.stopReason);
    const toolCalls = (response.functionCalls ?? []).map((call) => ({ name: call.functionName, arguments: JSON.stringify(call.params ?? {}) }));
    if (forced && finishReason === 'stop') {
      const call = readForcedCall(forced, response.response);
      if (call) toolCalls.push(call);
      finishReason = 'tool_calls';
      return { text: '', finishReason, toolCalls };
    }
    return { text: response.response, finishReason, toolCalls, ...stopSequenceOf(response.metadata, options.stop) };
  }

  private async runCompletion(slot: number, prepared: CompletionPrepared, options: GenerateOptions, maxTokens: number) {
    const grammar = await this.grammars.for(options.format);
    const response = await abortable(options.signal, () =>
      this.completions[slot]!.generateCompletionWithMeta(prepared.text, {
        ...this.samplingOptions(options, maxTokens),
        ...(grammar && { grammar }),
        onTextChunk: (text: string) => text !== '' && options.onText?.(text),
      }),
    );
    if (!response) return { text: '', finishReason: 'aborted' as const, toolCalls: [] };
    return {
      text: response.response, finishReason: finishReasonOf(response.metadata.stopReason), toolCalls: [],
      ...stopSequenceOf(response.metadata, options.stop),
    };
  }

  embed(inputs: string[], signal?: AbortSignal): Promise<EmbeddingResult> {
    return this.embedder.embed(inputs, signal);
  }

  async dispose(): Promise<void> {
    for (const chat of this.chats) chat.dispose({ disposeSequence: true });
    for (const completion of this.completions) completion.dispose({ disposeSequence: false });
    await this.embedder.dispose();
    await this.context.dispose();
    await this.model.dispose();
  }
}

/**
 * Whether a rendered chat needs nothing of LlamaChat but the prompt and the stop triggers: no stripped
 * response prefix, no function-call or segment detection, no re-rendering mid-reply.
 */
function plainState(state: object, segments: object | undefined): boolean {
  const plainKeys = new Set(['contextText', 'stopGenerationTriggers']);
  const keys = Object.entries(state).filter(([, value]) => value !== undefined).map(([key]) => key);
  return keys.every((key) => plainKeys.has(key)) && !Object.values(segments ?? {}).some(Boolean);
}

/**
 * Runs a generation that may be aborted. With `stopOnAbortSignal` node-llama-cpp returns the partial result
 * when the abort comes mid-generation, but throws the signal's reason when it comes before the first token:
 * both end as `undefined` (aborted) here.
 */
async function abortable<T>(signal: AbortSignal | undefined, run: () => Promise<T>): Promise<T | undefined> {
  try {
    return await run();
  } catch (error) {
    if (signal?.aborted) return undefined;
    throw error;
  }
}

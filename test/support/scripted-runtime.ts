/**
 * A scripted `InferenceRuntime` for HTTP tests (as Ollama's tests swap in a fake `LlamaServer`): exact,
 * instant and controllable, with no native code.
 *
 * - One character is one token. A chat prompt renders as `role: text\n` per turn plus `assistant: `.
 * - The reply is `script.reply(prompt)` (default "Hello from the script."), cut by `stop` (the result names the
 *   stop string that cut it, as `stopSequence`) and `maxTokens`.
 * - `hold()` makes every generation wait before its first token until the returned function is called, so
 *   tests can fill slots and the queue deterministically, without timers.
 * - Every prepared prompt and generation is recorded for assertions.
 */
import type {
  ChatPrompt, EmbeddingResult, GenerateOptions, GenerationResult, InferenceRuntime, LoadedModel, LoadOptions,
  ModelFileInfo, PreparedPrompt,
} from '../../server/runtime/inference-runtime.js';
import { PromptError } from '../../server/runtime/inference-runtime.js';

export interface ScriptedPrompt extends PreparedPrompt {
  text: string;
  chat?: ChatPrompt;
}

export interface Generation {
  model: string;
  slot: number;
  prompt: ScriptedPrompt;
  options: GenerateOptions;
  result?: GenerationResult;
}

export const DEFAULT_REPLY = 'Hello from the script.';

export const SCRIPTED_MODEL_INFO: ModelFileInfo = {
  architecture: 'llama', name: 'scripted', parameters: 1234, quantization: 'F16', contextLength: 4096,
  embeddingLength: 8, hasChatTemplate: true,
};

export function renderChat(prompt: ChatPrompt): string {
  const lines = prompt.turns.map((turn) => {
    const calls = turn.role === 'assistant' ? (turn.toolCalls ?? []).map((c) => ` [${c.name}(${c.arguments}) -> ${c.result}]`).join('') : '';
    return `${turn.role}: ${turn.text}${calls}\n`;
  });
  const tools = prompt.tools?.length ? `tools: ${prompt.tools.map((t) => t.name).join(',')}\n` : '';
  return `${tools}${lines.join('')}assistant: `;
}

class ScriptedModel implements LoadedModel {
  private readonly slotText: string[];
  disposed = false;

  constructor(
    private readonly runtime: ScriptedRuntime,
    private readonly path: string,
    readonly slotCount: number,
    readonly contextSize: number,
  ) {
    this.slotText = Array.from({ length: slotCount }, () => '');
  }

  private prepared(text: string, chat?: ChatPrompt): ScriptedPrompt {
    if (text.length >= this.contextSize) throw new PromptError(`The prompt is ${text.length} tokens.`, 'context_length_exceeded', 'messages');
    return { tokenCount: text.length, text, chat };
  }

  async prepareChat(prompt: ChatPrompt): Promise<PreparedPrompt> {
    if (prompt.toolMode && typeof prompt.toolMode === 'object') {
      const name = prompt.toolMode.name;
      if (!prompt.tools?.some((t) => t.name === name)) throw new PromptError(`tool_choice names '${name}'.`, 'invalid_prompt', 'tool_choice');
    }
    return this.prepared(renderChat(prompt), prompt);
  }

  async prepareCompletion(prompt: string): Promise<PreparedPrompt> {
    return this.prepared(prompt);
  }

  cachedPrefix(slot: number, prompt: PreparedPrompt): number {
    const a = this.slotText[slot]!;
    const b = (prompt as ScriptedPrompt).text;
    let i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    return Math.min(i, b.length - 1);
  }

  async generate(slot: number, prompt: PreparedPrompt, options: GenerateOptions): Promise<GenerationResult> {
    const p = prompt as ScriptedPrompt;
    const record: Generation = { model: this.path, slot, prompt: p, options };
    this.runtime.generations.push(record);
    const cachedTokens = this.cachedPrefix(slot, p);
    await this.runtime.gate(options.signal);
    const result = await this.produce(p, options);
    this.slotText[slot] = p.text + result.text;
    record.result = { ...result, promptTokens: p.tokenCount, cachedTokens };
    return record.result;
  }

  private async produce(p: ScriptedPrompt, options: GenerateOptions) {
    const forced = p.chat?.toolMode && p.chat.toolMode !== 'auto' ? p.chat.toolMode : undefined;
    if (forced) {
      const name = typeof forced === 'object' ? forced.name : p.chat!.tools![0]!.name;
      const args = this.runtime.toolArguments;
      return { text: '', finishReason: 'tool_calls' as const, toolCalls: [{ name, arguments: args }], completionTokens: args.length };
    }
    let full = options.format && options.format.type !== 'text' ? this.runtime.jsonReply : this.runtime.reply(p);
    let finishReason: GenerationResult['finishReason'] = 'stop';
    let stopSequence: string | undefined;
    for (const stop of options.stop ?? []) {
      const at = full.indexOf(stop);
      if (at !== -1) {
        full = full.slice(0, at);
        stopSequence = stop;
      }
    }
    if (full.length > options.maxTokens) {
      full = full.slice(0, options.maxTokens);
      finishReason = 'length';
      stopSequence = undefined;
    }
    let text = '';
    for (const ch of full) {
      if (options.signal?.aborted) return { text, finishReason: 'aborted' as const, toolCalls: [], completionTokens: text.length };
      text += ch;
      options.onText?.(ch);
      await new Promise((resolve) => setImmediate(resolve));
    }
    // Like a real model, the end-of-sequence token counts as generated when the reply ends by itself.
    const stopped = stopSequence !== undefined && { stopSequence };
    return { text, finishReason, toolCalls: [], completionTokens: text.length + (finishReason === 'stop' ? 1 : 0), ...stopped };
  }

  async embed(inputs: string[]): Promise<EmbeddingResult> {
    const vectors = inputs.map((text) => {
      const v = [text.length, 1, 0, 0];
      const norm = Math.hypot(...v);
      return v.map((x) => x / norm);
    });
    return { vectors, promptTokens: inputs.reduce((sum, t) => sum + t.length, 0) };
  }

  async dispose(): Promise<void> {
    this.disposed = true;
  }
}

export class ScriptedRuntime implements InferenceRuntime {
  reply: (prompt: ScriptedPrompt) => string = () => DEFAULT_REPLY;
  jsonReply = '{"name":"scripted"}';
  toolArguments = '{"city":"Paris"}';
  readonly generations: Generation[] = [];
  readonly loads: Array<{ path: string; options: LoadOptions }> = [];
  readonly models: ScriptedModel[] = [];
  /** Set to make `load()` fail with this message. */
  loadError: string | undefined;
  closed = false;
  private held: Promise<void> | undefined;
  private waiting = 0;
  private waiters: Array<() => void> = [];

  async inspect(): Promise<ModelFileInfo> {
    return SCRIPTED_MODEL_INFO;
  }

  async load(path: string, options: LoadOptions): Promise<LoadedModel> {
    if (this.loadError) throw new Error(this.loadError);
    this.loads.push({ path, options });
    const model = new ScriptedModel(this, path, options.slots, options.contextSize);
    this.models.push(model);
    return model;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** Holds every generation before its first token; call the result to let them all go. */
  hold(): () => void {
    let release!: () => void;
    this.held = new Promise((resolve) => (release = resolve));
    return () => {
      this.held = undefined;
      release();
    };
  }

  /** Resolves once `count` generations are waiting at the hold. */
  async whenWaiting(count: number): Promise<void> {
    while (this.waiting < count) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  async gate(signal?: AbortSignal): Promise<void> {
    if (!this.held) return;
    this.waiting++;
    for (const wake of this.waiters.splice(0)) wake();
    const aborted = new Promise<void>((resolve) => signal?.addEventListener('abort', () => resolve(), { once: true }));
    await Promise.race([this.held, aborted]);
    this.waiting--;
  }
}

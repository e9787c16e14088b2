/**
 * Tells the inference runner who a request belongs to. The HTTP layer tags the request's AbortSignal with the
 * member's id once it has authenticated them (`tag`); the runner, which already receives that signal from
 * every service, asks `ownerOf` — so the member's id reaches the slot queue and the usage counters without
 * every service and adapter (chat, completions, responses, Anthropic, Ollama, analysis) passing it along.
 * A WeakMap: the entry goes with the request.
 */
import type { InferenceAccounting, ModelUsage } from '../inference/index.js';
import type { UsageRecorder } from './usage-recorder.js';

export class RequestAccounting implements InferenceAccounting {
  private readonly owners = new WeakMap<AbortSignal, string>();

  constructor(
    private readonly recorder: UsageRecorder,
    /** `JAN_FAIR_QUEUE`: off gives the runner no fairness key (one FIFO queue, as before). */
    private readonly fairQueue: boolean,
  ) {}

  tag(signal: AbortSignal, userId: string): void {
    this.owners.set(signal, userId);
  }

  ownerOf(signal: AbortSignal): string | undefined {
    return this.owners.get(signal);
  }

  fairnessKey(signal: AbortSignal): string | undefined {
    return this.fairQueue ? this.owners.get(signal) : undefined;
  }

  record(usage: ModelUsage): void {
    this.recorder.record(usage);
  }
}

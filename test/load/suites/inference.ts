/**
 * The inference measurements of `test/load/inference-bench.ts`:
 * - `directRun`: node-llama-cpp called directly (LlamaChat on one sequence, greedy), the baseline;
 * - `streamRun`: one streamed chat completion through HTTP, timed per chunk on arrival;
 * - `concurrentRun`: k streams at once, aggregate tokens per second.
 * Each run uses a fresh prompt (a counter in it) so no run profits from the previous run's KV cache.
 */
import { request } from 'node:http';
import { getLlama, LlamaChat, LlamaLogLevel, type Llama, type LlamaModel } from 'node-llama-cpp';

export interface RunResult {
  /** From sending the request (or calling generate) to the first token's text. */
  ttftMs: number;
  /** Generated tokens (the end-of-sequence token included when the reply ends by itself). */
  tokens: number;
  /** Tokens per second after the first token: (tokens - 1) / (last - first). */
  tokensPerSecond: number;
  totalMs: number;
  /** CPU seconds the generating process used for the whole request (set by the caller for HTTP runs). */
  cpuSeconds?: number;
}

let counter = 0;
export const freshPrompt = () => `Request ${++counter}: write a long story about the sea, the wind and a lighthouse keeper.`;

export class DirectModel {
  private constructor(
    private readonly llama: Llama,
    private readonly model: LlamaModel,
    private readonly threads: number,
  ) {}

  static async load(path: string, threads: number): Promise<DirectModel> {
    const llama = await getLlama({ gpu: false, build: 'never', skipDownload: true, progressLogs: false, maxThreads: threads, logLevel: LlamaLogLevel.error });
    return new DirectModel(llama, await llama.loadModel({ modelPath: path }), threads);
  }

  /** The same work the server does for one chat request: LlamaChat, greedy, no repeat penalty. */
  async run(maxTokens: number, contextSize: number): Promise<RunResult> {
    const context = await this.model.createContext({ sequences: 1, contextSize, threads: this.threads });
    try {
      const sequence = context.getSequence();
      const chat = new LlamaChat({ contextSequence: sequence });
      const started = performance.now();
      const cpuBefore = process.cpuUsage();
      let first: number | undefined;
      let last = started;
      await chat.generateResponse([{ type: 'user', text: freshPrompt() }], {
        maxTokens, temperature: 0, repeatPenalty: false,
        onTextChunk: (text) => {
          if (text === '') return;
          last = performance.now();
          first ??= last;
        },
      });
      const cpu = process.cpuUsage(cpuBefore);
      const tokens = sequence.tokenMeter.usedOutputTokens;
      chat.dispose();
      return { ...result(started, first ?? last, last, tokens), cpuSeconds: (cpu.user + cpu.system) / 1e6 };
    } finally {
      await context.dispose();
    }
  }

  async dispose(): Promise<void> {
    await this.model.dispose();
    await this.llama.dispose();
  }
}

function result(started: number, first: number, last: number, tokens: number): RunResult {
  return {
    ttftMs: first - started,
    tokens,
    tokensPerSecond: last > first ? (tokens - 1) / ((last - first) / 1000) : 0,
    totalMs: last - started,
  };
}

/** One streamed chat completion; chunk times are taken as the bytes arrive. */
export function streamRun(url: string, apiKey: string, model: string, maxTokens: number): Promise<RunResult> {
  const body = JSON.stringify({
    model, temperature: 0, max_tokens: maxTokens, stream: true, stream_options: { include_usage: true },
    messages: [{ role: 'user', content: freshPrompt() }],
  });
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let first: number | undefined;
    let last = started;
    let tokens = 0;
    let buffer = '';
    const req = request(`${url}/v1/chat/completions`, {
      method: 'POST', headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        return reject(new Error(`HTTP ${res.statusCode}`));
      }
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        const now = performance.now();
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const data = buffer.slice(6, end);
          buffer = buffer.slice(end + 2);
          if (data === '[DONE]') continue;
          const parsed = JSON.parse(data) as { choices: Array<{ delta: { content?: string } }>; usage?: { completion_tokens: number } | null };
          if (parsed.usage) tokens = parsed.usage.completion_tokens;
          if (parsed.choices[0]?.delta.content) {
            last = now;
            first ??= now;
          }
        }
      });
      res.on('end', () => resolve(result(started, first ?? last, last, tokens)));
    });
    req.end(body);
  });
}

export interface ConcurrentResult {
  streams: number;
  /** Sum of all streams' tokens over the wall time of the whole batch. */
  aggregateTokensPerSecond: number;
  /** Finished streams per second. */
  requestsPerSecond: number;
  ttftP50Ms: number;
  wallMs: number;
}

export async function concurrentRun(url: string, apiKey: string, model: string, streams: number, maxTokens: number): Promise<ConcurrentResult> {
  const started = performance.now();
  const runs = await Promise.all(Array.from({ length: streams }, () => streamRun(url, apiKey, model, maxTokens)));
  const wallMs = performance.now() - started;
  const tokens = runs.reduce((sum, r) => sum + r.tokens, 0);
  return {
    streams,
    aggregateTokensPerSecond: tokens / (wallMs / 1000),
    requestsPerSecond: streams / (wallMs / 1000),
    ttftP50Ms: median(runs.map((r) => r.ttftMs)),
    wallMs,
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * A minimal OpenAI-compatible client for the inference bench: one streamed chat completion timed per chunk
 * as the bytes arrive, and one embeddings request. It talks to this server and to any reference (llama-server,
 * Ollama, another instance) the same way, so the two are measured by the same code.
 */
import { request } from 'node:http';

export interface Target {
  /** Shown in the tables: `jan` or `reference`. */
  name: string;
  url: string;
  apiKey?: string;
  /** The model name to send. */
  model: string;
  /** CPU seconds the target's process has used so far, when it runs on this machine and is known. */
  cpuSeconds?: () => number | undefined;
}

export interface StreamResult {
  /** From sending the request to the first chunk with text. */
  ttftMs: number;
  /** Gaps between consecutive chunks with text, in ms. */
  gapsMs: number[];
  /** Completion tokens: the usage the server reports, else the number of text chunks. */
  tokens: number;
  promptTokens?: number;
  totalMs: number;
  /** Tokens per second after the first: (tokens - 1) / (last - first). */
  tokensPerSecond: number;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

function headers(target: Target, body: string): Record<string, string | number> {
  return {
    'content-type': 'application/json', 'content-length': Buffer.byteLength(body),
    ...(target.apiKey && { authorization: `Bearer ${target.apiKey}` }),
  };
}

export function streamChat(target: Target, messages: ChatMessage[], maxTokens: number, onFirstText?: () => void): Promise<StreamResult> {
  const body = JSON.stringify({
    model: target.model, messages, max_tokens: maxTokens, temperature: 0, stream: true,
    stream_options: { include_usage: true },
    // llama-server: keep generating to max_tokens as this server does with a random model; reuse the slot cache.
    ignore_eos: false, cache_prompt: true,
  });
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let first: number | undefined;
    let last = started;
    const gapsMs: number[] = [];
    let chunks = 0;
    let usage: { completion_tokens?: number; prompt_tokens?: number } | undefined;
    let buffer = '';
    // A fresh connection per request: llama-server closes idle keep-alive sockets, which a reused one meets as 'socket hang up'.
    const req = request(`${target.url}/v1/chat/completions`, { method: 'POST', headers: headers(target, body), agent: false });
    req.on('error', reject);
    req.on('response', (res) => {
      if (res.statusCode !== 200) {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => (text += c));
        res.on('end', () => reject(new Error(`${target.name}: HTTP ${res.statusCode} ${text.slice(0, 300)}`)));
        return;
      }
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        const now = performance.now();
        buffer += chunk.replace(/\r\n/g, '\n');
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = event.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('');
          if (data === '' || data === '[DONE]') continue;
          const parsed = JSON.parse(data) as { choices?: Array<{ delta?: { content?: string | null } }>; usage?: typeof usage | null };
          if (parsed.usage) usage = parsed.usage;
          if (parsed.choices?.[0]?.delta?.content) {
            chunks++;
            if (first !== undefined) gapsMs.push(now - last);
            last = now;
            if (first === undefined) {
              first = now;
              onFirstText?.();
            }
          }
        }
      });
      res.on('end', () => {
        const tokens = usage?.completion_tokens ?? chunks;
        const f = first ?? last;
        resolve({
          ttftMs: f - started, gapsMs, tokens, totalMs: last - started,
          ...(usage?.prompt_tokens !== undefined && { promptTokens: usage.prompt_tokens }),
          tokensPerSecond: last > f ? (tokens - 1) / ((last - f) / 1000) : 0,
        });
      });
    });
    req.end(body);
  });
}

/** One embeddings request; resolves with its duration in ms. */
export function embed(target: Target, inputs: string[]): Promise<number> {
  const body = JSON.stringify({ model: target.model, input: inputs });
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(`${target.url}/v1/embeddings`, { method: 'POST', headers: headers(target, body), agent: false });
    req.on('error', reject);
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c));
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`${target.name}: HTTP ${res.statusCode} ${text.slice(0, 200)}`));
        const parsed = JSON.parse(text) as { data?: unknown[] };
        if (parsed.data?.length !== inputs.length) return reject(new Error(`${target.name}: ${parsed.data?.length} embeddings for ${inputs.length} inputs`));
        resolve(performance.now() - started);
      });
    });
    req.end(body);
  });
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

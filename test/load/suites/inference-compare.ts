/**
 * The scenarios of `npm run bench -- inference`, each run against one target (this server or the
 * reference) and returning named figures. The bench alternates targets round by round and takes medians.
 *
 * Prompts carry a counter so that no run profits from an earlier run's KV cache, except in the cache
 * scenario, whose second request shares the first one's long prefix on purpose.
 */
import { embed, percentile, streamChat, type ChatMessage, type StreamResult, type Target } from '../lib/openai-stream-client.js';

export type Figures = Record<string, number>;

export interface Scenario {
  name: string;
  /** What each figure means, in table order, with whether higher is better. */
  figures: Array<{ key: string; label: string; higherIsBetter: boolean }>;
  run(target: Target): Promise<Figures>;
}

const WORDS = ('the sea wind lighthouse keeper night storm ship harbor light rope stone wave gull salt tide ' +
  'north island boat lamp door stair window bell fog rock sand cliff shore morning evening').split(' ');
let counter = 0;

/** About `n` words of text that begins with a unique counter (a fresh prompt). */
export function words(n: number, seed = ++counter): string {
  const out = [`Request ${seed}:`];
  for (let i = 0; i < n; i++) out.push(WORDS[(i * 7 + seed * 13) % WORDS.length]!);
  return out.join(' ');
}

const user = (content: string): ChatMessage[] => [{ role: 'user', content }];

function streamFigures(runs: StreamResult[], wallMs: number): Figures {
  const tokens = runs.reduce((sum, r) => sum + r.tokens, 0);
  const gaps = runs.flatMap((r) => r.gapsMs);
  return {
    aggregateTps: tokens / (wallMs / 1000),
    ttftP50: percentile(runs.map((r) => r.ttftMs), 50),
    gapP50: percentile(gaps, 50),
    gapP99: percentile(gaps, 99),
    promptTokens: runs[0]?.promptTokens ?? NaN,
    tokens,
  };
}

const STREAM_FIGURES = [
  { key: 'aggregateTps', label: 'aggregate tok/s', higherIsBetter: true },
  { key: 'ttftP50', label: 'TTFT p50 ms', higherIsBetter: false },
  { key: 'gapP50', label: 'inter-token p50 ms', higherIsBetter: false },
  { key: 'gapP99', label: 'inter-token p99 ms', higherIsBetter: false },
  // Server CPU per generated token (the whole request, prompt included): what other load on the machine
  // distorts least. Set by the bench when it knows the target's process.
  { key: 'cpuMsPerToken', label: 'server CPU ms per token', higherIsBetter: false },
];

export function concurrentStreams(streams: number, promptWords: number, maxTokens: number): Scenario {
  return {
    name: `${streams} stream${streams > 1 ? 's' : ''}, ${promptWords}-word prompt`,
    figures: STREAM_FIGURES,
    async run(target) {
      const started = performance.now();
      const runs = await Promise.all(Array.from({ length: streams }, () => streamChat(target, user(words(promptWords)), maxTokens)));
      return streamFigures(runs, performance.now() - started);
    },
  };
}

/** Four streams generate; once they all stream, a long prompt joins. Their inter-token gaps show the stall. */
export function longPromptJoins(runners: number, longWords: number, maxTokens: number): Scenario {
  return {
    name: `${runners} streams while a ${longWords}-word prompt joins`,
    figures: [
      { key: 'gapP50', label: 'runners inter-token p50 ms', higherIsBetter: false },
      { key: 'gapP99', label: 'runners inter-token p99 ms', higherIsBetter: false },
      { key: 'p99OverP50', label: 'p99 / p50', higherIsBetter: false },
      { key: 'joinTtft', label: 'newcomer TTFT ms', higherIsBetter: false },
    ],
    async run(target) {
      let started = 0;
      let joined: Promise<StreamResult> | undefined;
      // The newcomer is sent once every runner streams.
      const onFirst = () => {
        if (++started === runners) joined = streamChat(target, user(words(longWords)), 16);
      };
      const runs = await Promise.all(Array.from({ length: runners }, () => streamChat(target, user(words(40)), maxTokens, onFirst)));
      if (!joined) throw new Error(`${target.name}: a runner produced no text`);
      const newcomer = await joined;
      const gaps = runs.flatMap((r) => r.gapsMs);
      const p50 = percentile(gaps, 50);
      const p99 = percentile(gaps, 99);
      return { gapP50: p50, gapP99: p99, p99OverP50: p99 / p50, joinTtft: newcomer.ttftMs };
    },
  };
}

/** A long system prompt, asked twice: the second request's prefix is in the KV cache. */
export function promptCache(prefixWords: number): Scenario {
  return {
    name: `prompt cache, ${prefixWords}-word shared prefix`,
    figures: [
      { key: 'missTtft', label: 'TTFT miss ms', higherIsBetter: false },
      { key: 'hitTtft', label: 'TTFT hit ms', higherIsBetter: false },
      { key: 'hitOverMiss', label: 'hit / miss', higherIsBetter: false },
    ],
    async run(target) {
      const system = words(prefixWords);
      const ask = (question: string) => streamChat(target, [{ role: 'system', content: system }, { role: 'user', content: question }], 8);
      const miss = await ask('First question: who keeps the light?');
      const hit = await ask('Second question: where is the ship?');
      return { missTtft: miss.ttftMs, hitTtft: hit.ttftMs, hitOverMiss: hit.ttftMs / miss.ttftMs, promptTokens: miss.promptTokens ?? NaN };
    },
  };
}

export function embeddingsBatch(size: number): Scenario {
  return {
    name: `embeddings, batch of ${size}`,
    figures: [
      { key: 'ms', label: 'request ms', higherIsBetter: false },
      { key: 'inputsPerSecond', label: 'inputs/s', higherIsBetter: true },
    ],
    async run(target) {
      const inputs = Array.from({ length: size }, () => words(20));
      const ms = await embed(target, inputs);
      return { ms, inputsPerSecond: size / (ms / 1000) };
    },
  };
}

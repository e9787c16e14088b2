/**
 * Combines the model's answers for the chunks of a long input into one: sentiment by a length-weighted vote,
 * content lists by how many chunks named an entry, summaries by trimming to the word limit. (Summaries of
 * several chunks are combined by the model itself; see analysis.ts.)
 */
import type { SentimentResult } from '../api/analysis.js';
import type { Answered } from './llm-analyzer.js';
import type { ContentAnswer, SentimentAnswer } from './analysis-prompts.js';
import { MAX_ASPECTS } from './analysis-prompts.js';

type Label = SentimentResult['sentiment'];
const round3 = (value: number) => Math.round(value * 1000) / 1000;
/** A polarity that holds at least this share of the text's length makes a text with the other one `mixed`. */
const MIXED_SHARE = 0.25;

export function mergeSentiment(answers: readonly Answered<SentimentAnswer>[], withAspects: boolean) {
  if (answers.length === 1) {
    const { sentiment, score, confidence, aspects } = answers[0]!.answer;
    return { sentiment, score, confidence, ...(withAspects && { aspects: dedupeAspects(aspects ?? []) }) };
  }
  const total = answers.reduce((sum, a) => sum + a.text.length, 0);
  const share = (label: Label) => answers.filter((a) => a.answer.sentiment === label).reduce((sum, a) => sum + a.text.length, 0) / total;
  const score = answers.reduce((sum, a) => sum + a.answer.score * a.text.length, 0) / total;
  const confidence = answers.reduce((sum, a) => sum + a.answer.confidence * a.text.length, 0) / total;
  const [positive, negative] = [share('positive'), share('negative')];
  let sentiment: Label;
  if (share('mixed') >= 0.5 || (positive >= MIXED_SHARE && negative >= MIXED_SHARE)) sentiment = 'mixed';
  else sentiment = Math.abs(score) < 0.1 ? 'neutral' : score > 0 ? 'positive' : 'negative';
  // Chunks that disagree with the overall label lower the confidence in it.
  const agreeing = sentiment === 'mixed' ? 1 : share(sentiment);
  const aspects = withAspects ? dedupeAspects(answers.flatMap((a) => a.answer.aspects ?? [])) : undefined;
  return { sentiment, score: round3(score), confidence: round3(confidence * agreeing), ...(aspects && { aspects }) };
}

/** One entry per aspect (case-insensitive); an aspect rated both ways is `mixed`. */
function dedupeAspects(aspects: readonly { aspect: string; sentiment: Label }[]) {
  const byName = new Map<string, { aspect: string; sentiment: Label }>();
  for (const { aspect, sentiment } of aspects) {
    const key = aspect.trim().toLowerCase();
    const seen = byName.get(key);
    if (!seen) byName.set(key, { aspect: aspect.trim(), sentiment });
    else if (seen.sentiment !== sentiment) seen.sentiment = 'mixed';
  }
  return [...byName.values()].slice(0, MAX_ASPECTS);
}

/** Entries named by most chunks first (case-insensitive), then in order of first mention. */
export function rankedUnion<T>(lists: readonly (readonly T[])[], keyOf: (item: T) => string, limit: number): T[] {
  const counts = new Map<string, { item: T; count: number }>();
  for (const list of lists) {
    for (const item of list) {
      const key = keyOf(item).trim().toLowerCase();
      const seen = counts.get(key);
      if (seen) seen.count++;
      else counts.set(key, { item, count: 1 });
    }
  }
  return [...counts.values()].sort((a, b) => b.count - a.count).slice(0, limit).map((entry) => entry.item);
}

export function mergeContent(answers: readonly Answered<ContentAnswer>[], limits: { topics: number; entities: number; keywords: number }): ContentAnswer {
  const lists = <K extends keyof ContentAnswer>(key: K) => answers.map((a) => a.answer[key]).filter((list): list is NonNullable<ContentAnswer[K]> => list !== undefined);
  const merged: ContentAnswer = {};
  const topics = lists('topics');
  const entities = lists('entities');
  const keywords = lists('keywords');
  if (topics.length > 0) merged.topics = rankedUnion(topics, (t) => t, limits.topics);
  if (entities.length > 0) merged.entities = rankedUnion(entities, (e) => e.text, limits.entities);
  if (keywords.length > 0) merged.keywords = rankedUnion(keywords, (k) => k, limits.keywords);
  return merged;
}

export function countWords(text: string): number {
  return text.split(/\s+/u).filter((word) => /[\p{L}\p{N}]/u.test(word)).length;
}

/** The first `maxWords` words (white space inside kept as it was), with an ellipsis when cut. */
export function trimWords(text: string, maxWords: number): { text: string; trimmed: boolean } {
  if (countWords(text) <= maxWords) return { text, trimmed: false };
  let words = 0;
  const re = /\S+/gu;
  let match: RegExpExecArray | null;
  let end = text.length;
  while ((match = re.exec(text)) !== null) {
    if (/[\p{L}\p{N}]/u.test(match[0])) words++;
    if (words === maxWords) {
      end = match.index + match[0].length;
      break;
    }
  }
  return { text: `${text.slice(0, end).replace(/[,;:.]+$/, '')}…`, trimmed: true };
}

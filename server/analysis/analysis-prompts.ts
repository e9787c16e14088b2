/**
 * What the model is asked for each analysis, and the JSON schema its answer is generated under. The schemas
 * are written so that anything the grammar lets through is also valid for the API: labels and entity types
 * are enums, the numbers are enums over the API's ranges (the grammar has no `minimum`/`maximum`), strings
 * and lists are bounded. Each schema has a zod twin that checks the parsed answer once more.
 */
import { z } from 'zod';
import type { ContentTask } from '../api/analysis.js';
import type { ChatTurn } from '../runtime/inference-runtime.js';

const LABELS = ['positive', 'negative', 'neutral', 'mixed'] as const;
const ENTITY_TYPES = ['person', 'organization', 'location', 'date', 'product', 'event', 'other'] as const;
/** -1, -0.9, … 1 and 0, 0.1, … 1: one decimal is all the precision a model's self-rating has. */
const SCORES = Array.from({ length: 21 }, (_, i) => Math.round(i - 10) / 10);
const CONFIDENCES = Array.from({ length: 11 }, (_, i) => i / 10);
export const MAX_ASPECTS = 6;
export const MAX_KEY_POINTS = 6;
export const MAX_TOPICS = 5;
export const MAX_ENTITIES = 15;
export const MAX_KEYWORDS = 10;

type JsonSchema = Record<string, unknown>;

const str = (maxLength: number): JsonSchema => ({ type: 'string', minLength: 1, maxLength });
const list = (items: JsonSchema, maxItems: number, minItems = 0): JsonSchema => ({ type: 'array', items, minItems, maxItems });
const object = (properties: Record<string, JsonSchema>): JsonSchema => ({ type: 'object', properties, required: Object.keys(properties), additionalProperties: false });

export interface AnswerSpec<T> {
  schema: JsonSchema;
  answer: z.ZodType<T>;
  /** Most tokens the answer may take (the runtime also stops at the end of the context). */
  maxTokens: number;
  /**
   * Characters a typical answer takes: the planner keeps this much context free for it (in the model's
   * tokens). A longer answer that runs out of context makes the chunk be split and asked again.
   */
  answerChars: number;
}

// Sentiment

const label = z.enum(LABELS);
const SentimentAnswer = z.object({
  sentiment: label,
  score: z.number().min(-1).max(1),
  confidence: z.number().min(0).max(1),
  aspects: z.array(z.object({ aspect: z.string().trim().min(1).max(40), sentiment: label })).max(MAX_ASPECTS).optional(),
});
export type SentimentAnswer = z.infer<typeof SentimentAnswer>;

export function sentimentSpec(aspects: boolean): AnswerSpec<SentimentAnswer> {
  const properties: Record<string, JsonSchema> = { sentiment: { enum: LABELS }, score: { enum: SCORES }, confidence: { enum: CONFIDENCES } };
  if (aspects) properties.aspects = list(object({ aspect: str(40), sentiment: { enum: LABELS } }), MAX_ASPECTS);
  return { schema: object(properties), answer: SentimentAnswer, maxTokens: 512, answerChars: aspects ? 60 + MAX_ASPECTS * 45 : 60 };
}

export function sentimentTurns(text: string, aspects: boolean): ChatTurn[] {
  return [
    {
      role: 'system',
      text:
        'Rate the sentiment of the text. sentiment: positive, negative, neutral, or mixed (clearly both). ' +
        'score: -1 very negative to 1 very positive. confidence: 0 to 1.' +
        (aspects ? ' aspects: up to 6 things the text judges, each with its own sentiment.' : '') +
        ' Answer in JSON.',
    },
    { role: 'user', text },
  ];
}

// Summary

const SummaryAnswer = z.object({
  summary: z.string().trim().min(1),
  key_points: z.array(z.string().trim().min(1)).min(1).max(MAX_KEY_POINTS),
});
export type SummaryAnswer = z.infer<typeof SummaryAnswer>;

export function summarySpec(maxWords: number): AnswerSpec<SummaryAnswer> {
  // About 8 characters per word bounds the summary; the service trims to `max_words` words after.
  const schema = object({ summary: str(maxWords * 8), key_points: list(str(200), MAX_KEY_POINTS, 1) });
  return { schema, answer: SummaryAnswer, maxTokens: maxWords * 3 + 600, answerChars: maxWords * 7 + MAX_KEY_POINTS * 60 + 40 };
}

export function summaryTurns(text: string, maxWords: number, part: 'whole' | 'part' | 'combine'): ChatTurn[] {
  const what =
    part === 'combine'
      ? 'These are summaries of consecutive parts of one document. Combine them into one summary of the whole'
      : part === 'part'
        ? 'This is one part of a longer document. Summarize this part'
        : 'Summarize the text';
  return [
    { role: 'system', text: `${what} in at most ${maxWords} words, and list its key points (at most ${MAX_KEY_POINTS}). Answer in JSON.` },
    { role: 'user', text },
  ];
}

// Content

const ContentAnswer = z.object({
  topics: z.array(z.string().trim().min(1)).max(MAX_TOPICS).optional(),
  entities: z.array(z.object({ text: z.string().trim().min(1), type: z.enum(ENTITY_TYPES) })).max(MAX_ENTITIES).optional(),
  keywords: z.array(z.string().trim().min(1)).max(MAX_KEYWORDS).optional(),
});
export type ContentAnswer = z.infer<typeof ContentAnswer>;

/** The tasks a model answers; language and reading level are computed, never generated. */
export const MODEL_TASKS = ['topics', 'entities', 'keywords'] as const satisfies readonly ContentTask[];
export type ModelTask = (typeof MODEL_TASKS)[number];

export function contentSpec(tasks: readonly ModelTask[]): AnswerSpec<ContentAnswer> {
  const all: Record<ModelTask, JsonSchema> = {
    topics: list(str(60), MAX_TOPICS),
    entities: list(object({ text: str(80), type: { enum: ENTITY_TYPES } }), MAX_ENTITIES),
    keywords: list(str(40), MAX_KEYWORDS),
  };
  const properties = Object.fromEntries(MODEL_TASKS.filter((task) => tasks.includes(task)).map((task) => [task, all[task]]));
  const typical: Record<ModelTask, number> = { topics: MAX_TOPICS * 25, entities: MAX_ENTITIES * 40, keywords: MAX_KEYWORDS * 20 };
  const answerChars = 20 + tasks.reduce((sum, task) => sum + typical[task], 0);
  return { schema: object(properties), answer: ContentAnswer, maxTokens: 1200, answerChars };
}

export function contentTurns(text: string, tasks: readonly ModelTask[]): ChatTurn[] {
  const asks: Record<ModelTask, string> = {
    topics: `topics: up to ${MAX_TOPICS} short topic labels`,
    entities: `entities: up to ${MAX_ENTITIES} named entities, each with its type (${ENTITY_TYPES.join(', ')})`,
    keywords: `keywords: up to ${MAX_KEYWORDS} key words or phrases`,
  };
  return [
    { role: 'system', text: `Analyse the text. ${tasks.map((task) => asks[task]).join('; ')}. Answer in JSON.` },
    { role: 'user', text },
  ];
}

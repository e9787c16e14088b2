/**
 * The guide's Response API: `POST /v1/response/analyze-sentiment`, `/generate-summary` and `/analyze-content`.
 * Each takes exactly one input (`text`, `conversation_id` or `file_id`); the service checks that, so that the
 * error can say which were given.
 */
import { z } from 'zod';

export const AnalysisEngine = z.enum(['llm', 'lexicon']);

const InputFields = {
  text: z.string().optional().describe('The text to analyse (the request body limit bounds its size).'),
  conversation_id: z.string().min(1).max(128).optional().describe("Analyse the text of one of your conversations' items."),
  file_id: z.string().min(1).max(128).optional().describe('Analyse the extracted text of one of your media files (OCR for images and scanned PDFs).'),
  model: z.string().min(1).max(256).optional().describe('A local model id. Default: `JAN_ANALYSIS_MODEL`, else a loaded model, else the first installed one.'),
  engine: z
    .enum(['auto', 'llm', 'lexicon'])
    .default('auto')
    .describe('`auto`: a model when one is installed, else the lexicon engine; `llm` needs a model; `lexicon` never uses one.'),
};

export const SentimentBody = z.object({
  ...InputFields,
  aspects: z.boolean().default(true).describe('Also rate the aspects the text talks about (model engine only).'),
});
export type SentimentBody = z.infer<typeof SentimentBody>;

export const SummaryStyle = z.enum(['paragraph', 'bullets']);

export const SummaryBody = z.object({
  ...InputFields,
  max_words: z.number().int().min(10).max(1000).default(150).describe('Most words of `summary`.'),
  style: SummaryStyle.default('paragraph').describe('`bullets` writes `summary` as one "- " line per key point.'),
});
export type SummaryBody = z.infer<typeof SummaryBody>;

export const ContentTask = z.enum(['language', 'topics', 'entities', 'keywords', 'reading_level']);
export type ContentTask = z.infer<typeof ContentTask>;

export const ContentBody = z.object({
  ...InputFields,
  tasks: z
    .array(ContentTask)
    .min(1, 'tasks must not be empty')
    .max(5)
    .default(['language', 'topics', 'entities', 'keywords', 'reading_level'])
    .describe('What to analyse; only these fields are in the answer.'),
});
export type ContentBody = z.infer<typeof ContentBody>;

export const AnalysisUsage = z.object({
  prompt_tokens: z.number().int(),
  completion_tokens: z.number().int(),
  total_tokens: z.number().int(),
});

export const AnalysisInputInfo = z.object({
  source: z.enum(['text', 'conversation', 'file']),
  characters: z.number().int().describe('Characters of input text (after normalising whitespace and control characters).'),
  analyzed_characters: z.number().int().describe('Characters that were analysed; less than `characters` when `truncated`.'),
  chunks: z.number().int().describe('Pieces the input was split into to fit the model’s context (1 for the lexicon engine).'),
  truncated: z.boolean(),
});

const Common = {
  engine: AnalysisEngine,
  model: z.string().optional().describe('The model that answered (model engine only).'),
  usage: AnalysisUsage.optional(),
  input: AnalysisInputInfo,
  cached: z.boolean().describe('True when this answer came from the analysis cache.'),
  warnings: z.array(z.string()).describe('What limited the answer (truncation, language not covered…); empty when nothing did.'),
};

export const SentimentLabel = z.enum(['positive', 'negative', 'neutral', 'mixed']);

export const SentimentResult = z.object({
  object: z.literal('analysis.sentiment'),
  sentiment: SentimentLabel,
  score: z.number().min(-1).max(1).describe('-1 (most negative) to 1 (most positive).'),
  confidence: z.number().min(0).max(1),
  aspects: z.array(z.object({ aspect: z.string().min(1), sentiment: SentimentLabel })).optional(),
  ...Common,
});
export type SentimentResult = z.infer<typeof SentimentResult>;

export const SummaryResult = z.object({
  object: z.literal('analysis.summary'),
  summary: z.string().min(1),
  key_points: z.array(z.string().min(1)),
  word_count: z.number().int().describe('Words in `summary`.'),
  style: SummaryStyle,
  ...Common,
});
export type SummaryResult = z.infer<typeof SummaryResult>;

export const EntityType = z.enum(['person', 'organization', 'location', 'date', 'product', 'event', 'other']);

export const ReadingLevel = z.object({
  flesch_reading_ease: z.number().describe('0–100; higher is easier.'),
  flesch_kincaid_grade: z.number().describe('US school grade.'),
  label: z.enum(['elementary', 'intermediate', 'advanced', 'expert']),
});

export const ContentResult = z.object({
  object: z.literal('analysis.content'),
  language: z.string().optional().describe('ISO 639-1 code, or `und` when it cannot be told (always from the language detector).'),
  topics: z.array(z.string().min(1)).optional(),
  entities: z.array(z.object({ text: z.string().min(1), type: EntityType })).optional(),
  keywords: z.array(z.string().min(1)).optional(),
  reading_level: ReadingLevel.optional().describe('Flesch formulas, English text only (computed, never generated).'),
  ...Common,
});
export type ContentResult = z.infer<typeof ContentResult>;

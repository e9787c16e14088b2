/**
 * The Response API: sentiment, summary and content analysis of a text, a conversation or a file.
 *
 * Engine: a local model (`llm`) when the request names one or one is installed, answering under a JSON-schema
 * grammar through the inference runner; otherwise (or with `engine: "lexicon"`) the lexicon engine for
 * sentiment, language and keywords. Summaries need a model.
 *
 * Results are cached in memory by (endpoint, options, engine and model version, input hash): the model
 * answers greedily, so a repeat is the same answer. Hits and misses are counted as
 * `jan_cache_lookups_total{cache="analysis"}` (and so in `jan_cache_hit_ratio`).
 */
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import {
  ContentResult, SentimentResult, SummaryResult, type ContentBody, type SentimentBody, type SummaryBody,
} from '../api/analysis.js';
import { AppError, badRequest } from '../errors/app-error.js';
import type { AnalysisInput, AnalysisInputs } from './analysis-inputs.js';
import { readingLevel, type LexiconEngine } from './lexicon-engine.js';
import { emptyUsage, invalidAnswer, type LlmAnalyzer, type Usage } from './llm-analyzer.js';
import { countWords, mergeContent, mergeSentiment, trimWords } from './merge-results.js';
import {
  contentSpec, contentTurns, MAX_ENTITIES, MAX_KEYWORDS, MAX_TOPICS, MODEL_TASKS, sentimentSpec, sentimentTurns, summarySpec,
  summaryTurns, type ModelTask, type SummaryAnswer,
} from './analysis-prompts.js';
import { modelNotFound } from '../models/index.js';
import type { ModelsService } from '../models/index.js';
import type { ResponseCache } from '../cache/index.js';

/** The lexicon engine reads this much of a text (about 40 pages): it runs on the event loop. */
export const LEXICON_MAX_CHARS = 100_000;
/** Summaries of summaries: at most this many rounds before the last one must fit. */
const MAX_REDUCE_ROUNDS = 3;

type Engine = { kind: 'lexicon' } | { kind: 'llm'; modelId: string; version: string };

interface InputInfo {
  source: AnalysisInput['source'];
  characters: number;
  analyzed_characters: number;
  chunks: number;
  truncated: boolean;
}

interface Computed {
  fields: Record<string, unknown>;
  input: InputInfo;
  usage?: Usage;
  warnings: string[];
  /** Set when the model engine was chosen but no model call was needed (content: language/reading level only). */
  lexiconOnly?: boolean;
}

export interface AnalysisOptions {
  /** JAN_ANALYSIS_MODEL: the model used when a request names none ('' = a loaded, else the first installed). */
  defaultModel: string;
}

function truncatedNote(info: InputInfo, engine: Engine['kind']): string[] {
  if (!info.truncated) return [];
  return [
    engine === 'lexicon'
      ? `The lexicon engine read the first ${info.analyzed_characters} of ${info.characters} characters.`
      : `The input was read in ${info.chunks} chunks (the most allowed, JAN_ANALYSIS_MAX_CHUNKS): ${info.analyzed_characters} of ${info.characters} characters.`,
  ];
}

/** The part of the text the lexicon engine reads, cut at a word boundary. */
function lexiconText(input: AnalysisInput): { text: string; info: InputInfo } {
  let text = input.text;
  if (text.length > LEXICON_MAX_CHARS) {
    const cut = text.lastIndexOf(' ', LEXICON_MAX_CHARS);
    text = text.slice(0, cut > LEXICON_MAX_CHARS / 2 ? cut : LEXICON_MAX_CHARS);
  }
  const truncated = text.length < input.text.length;
  return { text, info: { source: input.source, characters: input.text.length, analyzed_characters: text.length, chunks: 1, truncated } };
}

export class AnalysisService {
  constructor(
    private readonly inputs: AnalysisInputs,
    private readonly models: ModelsService,
    private readonly llm: LlmAnalyzer,
    private readonly lexicon: LexiconEngine,
    private readonly cache: ResponseCache,
    private readonly options: AnalysisOptions,
  ) {}

  async sentiment(userId: string, body: SentimentBody, signal: AbortSignal): Promise<SentimentResult> {
    const input = await this.inputs.resolve(userId, body);
    const engine = await this.chooseEngine(body, 'Sentiment analysis');
    return this.cached('sentiment', { aspects: body.aspects }, engine, input, SentimentResult, async () => {
      if (engine.kind === 'lexicon') {
        const { text, info } = lexiconText(input);
        const { warnings, ...fields } = this.lexicon.sentiment(text, await this.lexicon.language(text));
        return { fields, input: info, warnings: [...truncatedNote(info, 'lexicon'), ...warnings] };
      }
      const spec = sentimentSpec(body.aspects);
      const turnsFor = (text: string) => sentimentTurns(text, body.aspects);
      const plan = await this.llm.plan(engine.modelId, input.promptText, turnsFor, spec);
      const usage = emptyUsage();
      const answers = await this.llm.map(engine.modelId, plan, turnsFor, spec, usage, signal);
      const info = this.info(input, plan.analyzedChars, answers.length, plan.truncated);
      return { fields: mergeSentiment(answers, body.aspects), input: info, usage, warnings: truncatedNote(info, 'llm') };
    });
  }

  async summary(userId: string, body: SummaryBody, signal: AbortSignal): Promise<SummaryResult> {
    const input = await this.inputs.resolve(userId, body);
    const engine = await this.chooseEngine(body, 'A summary', true);
    if (engine.kind !== 'llm') throw new Error('unreachable: summaries always have a model');
    return this.cached('summary', { max_words: body.max_words, style: body.style }, engine, input, SummaryResult, async () => {
      const usage = emptyUsage();
      const { answer, info } = await this.summarize(engine.modelId, input, body.max_words, usage, signal);
      const trimmed = trimWords(answer.summary, body.max_words);
      const summary = body.style === 'bullets' ? answer.key_points.map((point) => `- ${point}`).join('\n') : trimmed.text;
      const warnings = truncatedNote(info, 'llm');
      if (body.style === 'paragraph' && trimmed.trimmed) warnings.push(`The model wrote more than ${body.max_words} words; the summary was cut there.`);
      return { fields: { summary, key_points: answer.key_points, word_count: countWords(summary), style: body.style }, input: info, usage, warnings };
    });
  }

  /** Map-reduce: a summary per chunk, then summaries of the summaries until one prompt holds them all. */
  private async summarize(modelId: string, input: AnalysisInput, maxWords: number, usage: Usage, signal: AbortSignal) {
    const spec = summarySpec(maxWords);
    const partTurns = (text: string) => summaryTurns(text, maxWords, 'part');
    const plan = await this.llm.plan(modelId, input.promptText, partTurns, spec);
    const whole = plan.chunks.length === 1 ? (text: string) => summaryTurns(text, maxWords, 'whole') : partTurns;
    let answers = await this.llm.map(modelId, plan, whole, spec, usage, signal);
    const info = this.info(input, plan.analyzedChars, answers.length, plan.truncated);
    const combineTurns = (text: string) => summaryTurns(text, maxWords, 'combine');
    for (let round = 0; answers.length > 1; round++) {
      const combined = answers.map((a, i) => `Part ${i + 1}: ${a.answer.summary}\nKey points: ${a.answer.key_points.join('; ')}`).join('\n\n');
      const next = await this.llm.plan(modelId, combined, combineTurns, spec);
      if (next.truncated || (round === MAX_REDUCE_ROUNDS - 1 && next.chunks.length > 1)) {
        throw invalidAnswer(modelId, `its ${answers.length} partial summaries do not fit its context to be combined`);
      }
      answers = await this.llm.map(modelId, next, combineTurns, spec, usage, signal);
    }
    return { answer: answers[0]!.answer as SummaryAnswer, info };
  }

  async content(userId: string, body: ContentBody, signal: AbortSignal): Promise<ContentResult> {
    const input = await this.inputs.resolve(userId, body);
    const tasks = [...new Set(body.tasks)].sort();
    const modelTasks = MODEL_TASKS.filter((task) => tasks.includes(task));
    // Language and reading level are computed in both engines: no model needed when nothing else is asked.
    const engine: Engine = modelTasks.length === 0 && body.engine !== 'llm' && !body.model ? { kind: 'lexicon' } : await this.chooseEngine(body, 'Content analysis');
    return this.cached('content', { tasks }, engine, input, ContentResult, async () => {
      const { text, info: lexiconInfo } = lexiconText(input);
      const language = await this.lexicon.language(text);
      const fields: Record<string, unknown> = {};
      const warnings: string[] = [];
      if (tasks.includes('language')) fields.language = language.code;
      if (tasks.includes('reading_level')) {
        const level = readingLevel(text, language);
        if (level) fields.reading_level = level;
        else warnings.push('reading_level is computed for English text only.');
      }
      if (engine.kind === 'lexicon' || modelTasks.length === 0) {
        if (tasks.includes('keywords')) fields.keywords = this.lexicon.keywords(text, language, MAX_KEYWORDS);
        const needModel = modelTasks.filter((task) => task !== 'keywords');
        for (const task of needModel) fields[task] = [];
        if (needModel.length > 0) warnings.push(`${needModel.join(' and ')} need a model: install one (see GET /v1/models) or pass \`model\`.`);
        return { fields, input: lexiconInfo, warnings: [...truncatedNote(lexiconInfo, 'lexicon'), ...warnings], lexiconOnly: true };
      }
      const answer = await this.modelContent(engine.modelId, input, modelTasks, signal);
      return { ...answer, fields: { ...fields, ...answer.fields }, warnings: [...answer.warnings, ...warnings] };
    });
  }

  private async modelContent(modelId: string, input: AnalysisInput, tasks: ModelTask[], signal: AbortSignal): Promise<Computed> {
    const spec = contentSpec(tasks);
    const turnsFor = (text: string) => contentTurns(text, tasks);
    const plan = await this.llm.plan(modelId, input.promptText, turnsFor, spec);
    const usage = emptyUsage();
    const answers = await this.llm.map(modelId, plan, turnsFor, spec, usage, signal);
    const info = this.info(input, plan.analyzedChars, answers.length, plan.truncated);
    const fields = mergeContent(answers, { topics: MAX_TOPICS, entities: MAX_ENTITIES, keywords: MAX_KEYWORDS });
    return { fields, input: info, usage, warnings: truncatedNote(info, 'llm') };
  }

  private info(input: AnalysisInput, analyzedChars: number, chunks: number, truncated: boolean): InputInfo {
    // Chunk sizes are counted on the prompt text (with role labels for a conversation); report on the same scale.
    const characters = input.promptText.length;
    return { source: input.source, characters, analyzed_characters: truncated ? analyzedChars : characters, chunks, truncated };
  }

  /**
   * Which engine answers: `lexicon` when asked for (not with a model); otherwise the named model, else
   * JAN_ANALYSIS_MODEL, else a loaded model, else the first installed one; with no model installed, the
   * lexicon engine for `auto`, and a 404 that says how to add a model when one is required.
   */
  private async chooseEngine(body: { model?: string | undefined; engine: 'auto' | 'llm' | 'lexicon' }, what: string, required = false): Promise<Engine> {
    if (body.engine === 'lexicon') {
      if (body.model !== undefined) throw badRequest('`model` cannot be combined with `engine: "lexicon"`.', 'model', 'conflicting_input');
      if (required) throw badRequest(`${what} needs a model; the lexicon engine cannot write one.`, 'engine', 'unsupported_value');
      return { kind: 'lexicon' };
    }
    const named = body.model ?? (this.options.defaultModel || undefined);
    if (named !== undefined) {
      const entry = await this.models.catalog.find(named);
      if (!entry) throw modelNotFound(named);
      return { kind: 'llm', modelId: entry.id, version: `${entry.modifiedSeconds}:${entry.sizeBytes}` };
    }
    const usable = (await this.models.list()).data.filter((model) => !('error' in model));
    const pick = usable.find((model) => model.status === 'loaded') ?? usable[0];
    if (pick) return { kind: 'llm', modelId: pick.id, version: `${pick.created}:${pick.size_bytes}` };
    if (required || body.engine === 'llm') {
      throw new AppError(
        404,
        'not_found_error',
        `${what} needs a model and none is installed. Put a GGUF model file in the server's models folder, or import one with ` +
          'POST /v1/models/import {"url": "https://…/model.gguf"}; GET /v1/models lists the installed models.',
        { param: 'model', code: 'model_not_found' },
      );
    }
    return { kind: 'lexicon' };
  }

  private async cached<R>(
    endpoint: string,
    options: Record<string, unknown>,
    engine: Engine,
    input: AnalysisInput,
    schema: z.ZodType<R>,
    compute: () => Promise<Computed>,
  ): Promise<R> {
    const key = createHash('sha256')
      .update(JSON.stringify([endpoint, options, engine, input.source, input.hash]))
      .digest('hex');
    const hit = this.cache.lookup(key);
    if (hit) return { ...(JSON.parse(hit.body) as R), cached: true };
    const token = this.cache.begin();
    try {
      const computed = await compute();
      const llm = engine.kind === 'llm' && !computed.lexiconOnly;
      const result = {
        object: `analysis.${endpoint}`,
        ...computed.fields,
        engine: llm ? 'llm' : 'lexicon',
        ...(llm && { model: engine.modelId }),
        ...(computed.usage && { usage: computed.usage }),
        input: computed.input,
        cached: false,
        warnings: computed.warnings,
      };
      // The last guard: whatever the engine produced, the answer has the documented shape or is not sent.
      const checked = schema.safeParse(result);
      if (!checked.success) {
        if (llm) throw invalidAnswer(engine.modelId, checked.error.issues[0]!.message);
        throw new Error(`analysis result does not match its schema: ${checked.error.message}`);
      }
      this.cache.fill(token, key, [], JSON.stringify(checked.data));
      return checked.data;
    } finally {
      this.cache.abandon(token);
    }
  }
}

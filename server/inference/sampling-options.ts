/** Request fields → runtime generation options, shared by chat, completions and responses. */
import { badRequest } from '../errors/app-error.js';
import { PromptError, type GenerateOptions, type OutputFormat, type ToolMode, type ToolSpec } from '../runtime/inference-runtime.js';
import { toGrammarSchema } from '../runtime/llama-json-schema.js';

/**
 * Sampling temperature when the request sets none: llama.cpp's server default. (OpenAI's is 1; a local model
 * at 1 drifts more, and clients that care send their own.)
 */
export const DEFAULT_TEMPERATURE = 0.8;

export interface SamplingInput {
  temperature?: number | null;
  top_p?: number | null;
  top_k?: number | null;
  min_p?: number | null;
  seed?: number | null;
  stop?: string | string[] | null;
  presence_penalty?: number | null;
  frequency_penalty?: number | null;
  repeat_penalty?: number | null;
  n?: number | null;
}

type Sampling = Omit<GenerateOptions, 'maxTokens' | 'signal' | 'onText' | 'format'>;

export function samplingOptions(body: SamplingInput): Sampling {
  if (body.n !== undefined && body.n !== null && body.n !== 1) {
    throw badRequest('Only n = 1 is supported: send one request per completion you want.', 'n', 'unsupported_value');
  }
  const options: Sampling = { temperature: body.temperature ?? DEFAULT_TEMPERATURE };
  if (body.top_p != null) options.topP = body.top_p;
  if (body.top_k != null) options.topK = body.top_k;
  if (body.min_p != null) options.minP = body.min_p;
  if (body.seed != null) options.seed = body.seed;
  if (body.stop != null) options.stop = typeof body.stop === 'string' ? [body.stop] : body.stop;
  if (body.presence_penalty != null) options.presencePenalty = body.presence_penalty;
  if (body.frequency_penalty != null) options.frequencyPenalty = body.frequency_penalty;
  if (body.repeat_penalty != null) options.repeatPenalty = body.repeat_penalty;
  return options;
}

/** No limit given: as much as the context leaves (the runtime clamps it). */
export function maxTokens(...values: Array<number | null | undefined>): number {
  return values.find((v): v is number => typeof v === 'number') ?? Number.MAX_SAFE_INTEGER;
}

export interface FormatInput {
  type: 'text' | 'json_object' | 'json_schema';
  schema?: Record<string, unknown> | undefined;
}

export function outputFormat(format: FormatInput | null | undefined, param: string): OutputFormat | undefined {
  if (!format || format.type === 'text') return undefined;
  if (format.type === 'json_object') return { type: 'json_object' };
  if (!format.schema) throw badRequest(`${param}: a json_schema format needs a schema.`, param);
  return { type: 'json_schema', schema: checkedSchema(format.schema, `${param}.schema`) };
}

/** Schemas are checked before a slot is taken, so a bad one is a 400 even for a stream. */
function checkedSchema(schema: Record<string, unknown>, param: string): Record<string, unknown> {
  try {
    return toGrammarSchema(schema);
  } catch (error) {
    if (error instanceof PromptError) throw badRequest(error.message, param, error.code);
    throw error;
  }
}

export type ToolChoiceInput = 'none' | 'auto' | 'required' | { name: string } | null | undefined;

/** The tools the model may call and how; `none` hides them. */
export function toolUse(tools: ToolSpec[], choice: ToolChoiceInput, param: string): { tools?: ToolSpec[]; toolMode?: ToolMode } {
  if (choice === 'none') return {};
  if (tools.length === 0) {
    if (choice === 'required' || typeof choice === 'object') throw badRequest(`${param} needs tools to choose from.`, param);
    return {};
  }
  if (typeof choice === 'object' && choice !== null && !tools.some((t) => t.name === choice.name)) {
    throw badRequest(`${param} names the function '${choice.name}', which is not among the tools.`, param);
  }
  const checked = tools.map((tool, i) =>
    tool.parameters === undefined ? tool : { ...tool, parameters: checkedSchema(tool.parameters, `tools[${i}].parameters`) },
  );
  return { tools: checked, toolMode: choice ?? 'auto' };
}

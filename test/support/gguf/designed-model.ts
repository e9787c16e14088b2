/**
 * A tiny llama model whose weights are chosen by hand so that greedy decoding is known exactly:
 * after any ChatML prompt it answers `Hey world` and then `<|im_end|>` (its EOS), and under the JSON schema
 * grammar `{name: string}` it answers `{"name":"Hey world"}`.
 *
 * How: the model is a bigram table. Each token's embedding is a one-hot "class" direction (dims 0..15; dim 0
 * is the class of every token without a rule) plus small per-token noise in dims 16..63. Attention only
 * averages noise dims over the prefix (so embeddings depend on the whole text) and ffn_down is zero, so the
 * class dims of the final residual stream are the last token's one-hot; RMSNorm only rescales it (by about
 * 8, the gain of a unit one-hot in 64 dims). `output.weight` row v holds, in column k, the logit of token v
 * after a token of class k (divided by 8), and zeros in the noise columns, so the last token alone decides:
 *
 *   any other token → H → e → y → ▁ → w → o → r → l → d → <|im_end|> (second choice `"`)
 *   { → "    " → H    : → "    } → <|im_end|>
 *
 * A ChatML prompt ends with `<|im_start|>assistant\n`, whose last token `<0x0A>` has no rule, hence `H`.
 * Under the grammar, the table's top choice is often forbidden, so every row also ranks the rest:
 * `{` > `"` > `:` > `}` > other characters > byte tokens > whitespace > control tokens. That yields
 * `{` first, `"` after `:`, `"` (not EOS) after `d`, `}` (not whitespace) after the closing quote, and the
 * grammar's own forced tokens elsewhere (node-llama-cpp's JSON grammar ends with four `\n`, then stops).
 * A raw completion prompt ending in one of the rule tokens (e.g. "Hello" → `o`) continues the chain from there.
 */
import { writeGguf } from './gguf-writer.js';
import { llamaMetadata, llamaTensors, type LlamaHyperparams, type LlamaTensorDef } from './llama-layout.js';
import { seedFor, uniformSource } from './prng.js';
import type { TensorType } from './tensor-encoding.js';
import { buildVocab, SPACE_PIECE, tokenizerMetadata, TokenType, type Vocab } from './tokenizer-vocab.js';

export const DESIGNED_REPLY = 'Hey world';
export const DESIGNED_JSON_REPLY = '{"name":"Hey world"}';
export const DESIGNED_JSON_SCHEMA = {
  type: 'object',
  properties: { name: { type: 'string' } },
} as const;

const vocab = buildVocab();
export const designedVocab: Vocab = vocab;

export const DESIGNED_HYPERPARAMS: LlamaHyperparams = {
  nVocab: vocab.pieces.length, nEmbd: 64, nLayer: 2, nHead: 4, nHeadKv: 2, nFf: 128, contextLength: 4096,
};

const CLASS_DIMS = 16;
const TOP = 20;
const SECOND = 14;
const EMBEDDING_NOISE = 0.1;
/** RMSNorm maps a unit one-hot in 64 dims to 8 (= sqrt(64)) in its dim. */
const NORM_GAIN = Math.sqrt(DESIGNED_HYPERPARAMS.nEmbd);

/** The rules: a token (by its character) and its preferred next tokens with their logits. */
function designedRules(v: Vocab): Map<number, Array<[number, number]>> {
  const rules = new Map<number, Array<[number, number]>>();
  const chain = [...DESIGNED_REPLY].map((ch) => v.charId(ch));
  chain.forEach((token, i) => {
    const next = chain[i + 1];
    rules.set(token, next === undefined ? [[v.eos, TOP], [v.id('"'), SECOND]] : [[next, TOP]]);
  });
  rules.set(v.id('{'), [[v.id('"'), TOP]]);
  rules.set(v.id('"'), [[v.id('H'), TOP]]);
  rules.set(v.id(':'), [[v.id('"'), TOP]]);
  rules.set(v.id('}'), [[v.eos, TOP]]);
  return rules;
}

/** The logit every row gives a token it has no rule for (see the ranking in the header comment). */
function fallbackLogit(v: Vocab, token: number): number {
  const ranked: Record<string, number> = { '{': 8, '"': 7, ':': 6, '}': 5 };
  const piece = v.pieces[token]!;
  const whitespace = [SPACE_PIECE, '<0x09>', '<0x0A>', '<0x0D>', '<0x20>'];
  if (whitespace.includes(piece)) return -6;
  if (ranked[piece] !== undefined) return ranked[piece];
  const type = v.types[token];
  if (type === TokenType.normal) return 0;
  if (type === TokenType.byte) return -3;
  return -10;
}

interface DesignedTables {
  embedding: Float32Array;
  output: Float32Array;
}

function buildTables(): DesignedTables {
  const { nVocab, nEmbd } = DESIGNED_HYPERPARAMS;
  const rules = [...designedRules(vocab)];
  const classOf = new Map(rules.map(([token], i) => [token, i + 1]));
  if (rules.length + 1 > CLASS_DIMS) throw new Error('too many rules for the class dimensions');
  const embedding = new Float32Array(nVocab * nEmbd);
  const noise = uniformSource(seedFor('token_embd', 1), EMBEDDING_NOISE);
  for (let token = 0; token < nVocab; token++) {
    embedding[token * nEmbd + (classOf.get(token) ?? 0)] = 1;
    for (let d = CLASS_DIMS; d < nEmbd; d++) embedding[token * nEmbd + d] = noise();
  }
  const output = new Float32Array(nVocab * nEmbd);
  const rows: Array<Array<[number, number]>> = [[[vocab.charId('H'), TOP]], ...rules.map(([, next]) => next)];
  rows.forEach((preferred, k) => {
    for (let token = 0; token < nVocab; token++) output[token * nEmbd + k] = fallbackLogit(vocab, token) / NORM_GAIN;
    for (const [token, logit] of preferred) output[token * nEmbd + k] = logit / NORM_GAIN;
  });
  return { embedding, output };
}

/**
 * Attention averages the noise dims over the prefix (V copies noise dims 16..47, attn_output writes them back
 * scaled by 1/8 to undo attn_norm's gain), so embeddings depend on the whole text. It never touches the class
 * dims 0..15, so the next-token table is unaffected; only RMSNorm's overall scale changes a little.
 */
function attentionData(def: LlamaTensorDef, size: number): Float32Array {
  const { nEmbd } = DESIGNED_HYPERPARAMS;
  const data = new Float32Array(size);
  const headDim = nEmbd / DESIGNED_HYPERPARAMS.nHead;
  if (def.role === 'attn_v') {
    const kvDim = def.dims[1]!;
    for (let r = 0; r < kvDim; r++) data[r * nEmbd + CLASS_DIMS + r] = 1;
  } else {
    // Heads 0 and 2 read kv heads 0 and 1 (2 query heads per kv head); heads 1 and 3 are duplicates, unused.
    for (let j = 0; j < 2 * headDim; j++) {
      const concatDim = j < headDim ? j : j + headDim;
      data[(CLASS_DIMS + j) * nEmbd + concatDim] = 1 / NORM_GAIN;
    }
  }
  return data;
}

function designedTensorData(def: LlamaTensorDef, tables: DesignedTables): Float32Array {
  const size = def.dims.reduce((p, d) => p * d, 1);
  if (def.role === 'token_embd') return tables.embedding;
  if (def.role === 'output') return tables.output;
  if (def.dims.length === 1) return new Float32Array(size).fill(1); // RMSNorm weights
  if (def.role === 'attn_v' || def.role === 'attn_output') return attentionData(def, size);
  if (def.role === 'ffn_down') return new Float32Array(size); // the FFN adds nothing
  // Q, K, gate and up get small values so llama.cpp computes real (if irrelevant) scores and activations.
  const next = uniformSource(seedFor(def.name, 1), 0.1);
  return Float32Array.from({ length: size }, next);
}

export interface DesignedModelOptions {
  /** Storage type of the matrices (norm weights stay F32). Default F16. */
  type?: TensorType;
}

/** Writes the designed model to `path` (well under a second; about 100 KB as F16). Returns the file size. */
export function writeDesignedModel(path: string, options: DesignedModelOptions = {}): number {
  const type = options.type ?? 'F16';
  const tables = buildTables();
  return writeGguf(path, {
    metadata: {
      ...llamaMetadata(DESIGNED_HYPERPARAMS, 'jan-test-designed', type),
      ...tokenizerMetadata(vocab),
    },
    tensors: llamaTensors(DESIGNED_HYPERPARAMS, type, (def) => designedTensorData(def, tables)),
  });
}

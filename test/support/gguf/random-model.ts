/**
 * Random-weight llama models of a requested size, for benchmarks: the output is gibberish (and rarely EOS, so
 * benchmarks bound generation with maxTokens), but the compute per token is that of a real model of that size.
 * Weights are uniform with std 0.02 from a seeded PRNG, so the same options give the same file.
 */
import { writeGguf } from './gguf-writer.js';
import { countParams, llamaMetadata, llamaTensors, type LlamaHyperparams } from './llama-layout.js';
import { seedFor, uniformSource } from './prng.js';
import type { TensorType } from './tensor-encoding.js';
import { buildVocab, tokenizerMetadata } from './tokenizer-vocab.js';

export interface RandomModelOptions {
  /** Target parameter count; the nearest llama shape is chosen (see `randomModelShape`). */
  params: number;
  /** Matrix storage type. Default F16. */
  type?: TensorType;
  /** Vocabulary size (the 356 base tokens plus filler pieces). Default 32000, like Llama 2. */
  vocabSize?: number;
  /** Trained context length written to the metadata. Default 4096. */
  contextLength?: number;
  seed?: number;
}

const WEIGHT_STD = 0.02;
const MAX_EMBD = 8192;

/** A llama shape for an embedding width: 64-dim heads (32 below 256), 4:1 GQA when possible, SwiGLU FFN. */
function shapeForWidth(nEmbd: number, nVocab: number, contextLength: number): LlamaHyperparams {
  const headDim = nEmbd >= 256 ? 64 : 32;
  const nHead = nEmbd / headDim;
  const nFf = Math.ceil((nEmbd * 8) / 3 / 64) * 64;
  return {
    nVocab, nEmbd, nHead, nHeadKv: nHead % 4 === 0 ? nHead / 4 : nHead, nFf, contextLength,
    nLayer: Math.max(2, Math.round(nEmbd / 64)),
  };
}

/** The shape (widths in steps of 64) whose parameter count is nearest to `params`. */
export function randomModelShape(params: number, nVocab = 32000, contextLength = 4096): LlamaHyperparams {
  let best = shapeForWidth(64, nVocab, contextLength);
  for (let nEmbd = 128; nEmbd <= MAX_EMBD; nEmbd += 64) {
    const shape = shapeForWidth(nEmbd, nVocab, contextLength);
    if (Math.abs(countParams(shape) - params) < Math.abs(countParams(best) - params)) best = shape;
    if (countParams(shape) > params) break;
  }
  return best;
}

/** Parses "60M", "1.5B", "500K" or a plain number. */
export function parseParamCount(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([KMB]?)$/i.exec(text.trim());
  if (!match) throw new Error(`not a parameter count: ${text}`);
  const scale = { '': 1, K: 1e3, M: 1e6, B: 1e9 }[match[2]!.toUpperCase() as '' | 'K' | 'M' | 'B'];
  return Math.round(Number(match[1]) * scale);
}

/** Writes a random model to `path`; returns its shape, parameter count and file size. */
export function writeRandomModel(
  path: string,
  options: RandomModelOptions,
): { shape: LlamaHyperparams; params: number; bytes: number } {
  const type = options.type ?? 'F16';
  const seed = options.seed ?? 1;
  const vocab = buildVocab(options.vocabSize ?? 32000);
  const shape = randomModelShape(options.params, vocab.pieces.length, options.contextLength ?? 4096);
  const amplitude = WEIGHT_STD * Math.sqrt(3); // uniform on [-a, a] has std a / sqrt(3)
  const bytes = writeGguf(path, {
    metadata: { ...llamaMetadata(shape, `jan-test-random-${type}`, type), ...tokenizerMetadata(vocab) },
    tensors: llamaTensors(shape, type, (def) => {
      if (def.dims.length === 1) return (_start, out) => out.fill(1); // RMSNorm weights
      const next = uniformSource(seedFor(def.name, seed), amplitude);
      return (_start, out) => {
        for (let i = 0; i < out.length; i++) out[i] = next();
      };
    }),
  });
  return { shape, params: countParams(shape), bytes };
}

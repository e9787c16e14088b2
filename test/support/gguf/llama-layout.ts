/**
 * The llama architecture as llama.cpp loads it: the `llama.*` hyperparameter metadata and the tensor list
 * (names and ggml-order dims). Both test models (designed and random) are this layout with different weights.
 *
 * Per block: attn_norm, attn_q/k/v/output, ffn_norm, ffn_gate/up/down (SwiGLU). A matrix mapping `in` to
 * `out` features has ggml dims [in, out]: row r (the weights of output feature r) is contiguous.
 */
import { f32, str, u32, type GgufValue } from './gguf-values.js';
import type { GgufTensorSpec } from './gguf-writer.js';
import type { TensorType } from './tensor-encoding.js';

export interface LlamaHyperparams {
  nVocab: number;
  nEmbd: number;
  nLayer: number;
  nHead: number;
  nHeadKv: number;
  nFf: number;
  contextLength: number;
}

/** What a tensor is for, so a weight provider can decide its values. */
export type LlamaTensorRole =
  | 'token_embd' | 'output_norm' | 'output'
  | 'attn_norm' | 'attn_q' | 'attn_k' | 'attn_v' | 'attn_output'
  | 'ffn_norm' | 'ffn_gate' | 'ffn_up' | 'ffn_down';

export interface LlamaTensorDef {
  name: string;
  role: LlamaTensorRole;
  /** The block index, or -1 for the tensors outside the blocks. */
  layer: number;
  dims: [number, number] | [number];
}

/** `general.file_type` (llama_ftype): ALL_F32, MOSTLY_F16, MOSTLY_Q8_0. */
const FILE_TYPE: Record<TensorType, number> = { F32: 0, F16: 1, Q8_0: 7 };

export function llamaMetadata(h: LlamaHyperparams, name: string, matrixType: TensorType): Record<string, GgufValue> {
  return {
    'general.architecture': str('llama'),
    'general.name': str(name),
    'general.file_type': u32(FILE_TYPE[matrixType]),
    'llama.vocab_size': u32(h.nVocab),
    'llama.context_length': u32(h.contextLength),
    'llama.embedding_length': u32(h.nEmbd),
    'llama.block_count': u32(h.nLayer),
    'llama.feed_forward_length': u32(h.nFf),
    'llama.attention.head_count': u32(h.nHead),
    'llama.attention.head_count_kv': u32(h.nHeadKv),
    'llama.attention.layer_norm_rms_epsilon': f32(1e-5),
    'llama.rope.dimension_count': u32(h.nEmbd / h.nHead),
    'llama.rope.freq_base': f32(10000),
  };
}

export function llamaTensorDefs(h: LlamaHyperparams): LlamaTensorDef[] {
  const kvDim = (h.nEmbd / h.nHead) * h.nHeadKv;
  const defs: LlamaTensorDef[] = [
    { name: 'token_embd.weight', role: 'token_embd', layer: -1, dims: [h.nEmbd, h.nVocab] },
  ];
  for (let layer = 0; layer < h.nLayer; layer++) {
    const block = (role: LlamaTensorRole, dims: [number, number] | [number]): LlamaTensorDef => ({
      name: `blk.${layer}.${role}.weight`, role, layer, dims,
    });
    defs.push(
      block('attn_norm', [h.nEmbd]),
      block('attn_q', [h.nEmbd, h.nEmbd]),
      block('attn_k', [h.nEmbd, kvDim]),
      block('attn_v', [h.nEmbd, kvDim]),
      block('attn_output', [h.nEmbd, h.nEmbd]),
      block('ffn_norm', [h.nEmbd]),
      block('ffn_gate', [h.nEmbd, h.nFf]),
      block('ffn_up', [h.nEmbd, h.nFf]),
      block('ffn_down', [h.nFf, h.nEmbd]),
    );
  }
  defs.push(
    { name: 'output_norm.weight', role: 'output_norm', layer: -1, dims: [h.nEmbd] },
    { name: 'output.weight', role: 'output', layer: -1, dims: [h.nEmbd, h.nVocab] },
  );
  return defs;
}

/** Norm weights stay F32 (as llama.cpp's converters keep them); matrices use `matrixType`. */
export function tensorTypeFor(def: LlamaTensorDef, matrixType: TensorType): TensorType {
  return def.dims.length === 1 ? 'F32' : matrixType;
}

/** Total parameter count of a llama layout. */
export function countParams(h: LlamaHyperparams): number {
  return llamaTensorDefs(h).reduce((sum, def) => sum + def.dims.reduce((p, d) => p * d, 1), 0);
}

export function llamaTensors(
  h: LlamaHyperparams,
  matrixType: TensorType,
  data: (def: LlamaTensorDef) => GgufTensorSpec['data'],
): GgufTensorSpec[] {
  return llamaTensorDefs(h).map((def) => ({
    name: def.name, dims: def.dims, type: tensorTypeFor(def, matrixType), data: data(def),
  }));
}

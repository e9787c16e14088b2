/**
 * Will a quantization fit on this machine? RAM needed = the weights (the files' size: llama.cpp maps them
 * whole) + the KV cache + a fixed overhead for llama.cpp's compute buffers. The KV cache holds, for every
 * layer, a key and a value vector per token of context, each `embedding_length / head_count × head_count_kv`
 * wide, in f16 (2 bytes):
 *
 *   kv_bytes = 2 × block_count × context_tokens × (embedding_length / head_count × head_count_kv) × 2
 *
 * where `context_tokens` is what the server would allocate: `JAN_CONTEXT_SIZE` (capped at the model's trained
 * context) per sequence × `JAN_PARALLEL` sequences. Verdict against free RAM: `fits` up to 70 % of it,
 * `tight` up to 100 %, else `wont_fit`; a quantization larger than the free disk is `wont_fit` too.
 */
import type { GgufShape } from './remote-gguf-header.js';

export const COMPUTE_OVERHEAD_BYTES = 256 * 1024 * 1024;
export const FITS_SHARE = 0.7;

export type FitVerdict = 'fits' | 'tight' | 'wont_fit';

export interface Fit {
  ram_needed_bytes: number;
  free_ram_bytes: number;
  free_disk_bytes: number;
  verdict: FitVerdict;
  gpu_layers: number | null;
}

export interface FitInput {
  weightsBytes: number;
  shape: GgufShape | null;
  contextSize: number;
  parallel: number;
  freeRamBytes: number;
  freeDiskBytes: number;
}

/** KV cache bytes for the server's context; 0 when the header did not say enough. */
export function kvCacheBytes(shape: GgufShape | null, contextSize: number, parallel: number): number {
  if (!shape?.block_count || !shape.embedding_length || !shape.head_count) return 0;
  const context = Math.min(contextSize, shape.context_length ?? contextSize) * parallel;
  const kvWidth = (shape.embedding_length / shape.head_count) * (shape.head_count_kv ?? shape.head_count);
  return Math.ceil(2 * shape.block_count * context * kvWidth * 2);
}

export function modelFit(input: FitInput): Fit {
  const needed = input.weightsBytes + kvCacheBytes(input.shape, input.contextSize, input.parallel) + COMPUTE_OVERHEAD_BYTES;
  const verdict: FitVerdict =
    input.weightsBytes > input.freeDiskBytes || needed > input.freeRamBytes ? 'wont_fit' : needed <= FITS_SHARE * input.freeRamBytes ? 'fits' : 'tight';
  // GPU offload is not probed here: finding a GPU means loading llama.cpp's native library, which the
  // server does only when a model is loaded.
  return { ram_needed_bytes: needed, free_ram_bytes: input.freeRamBytes, free_disk_bytes: input.freeDiskBytes, verdict, gpu_layers: null };
}

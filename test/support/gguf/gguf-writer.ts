/**
 * A GGUF v3 file writer (https://github.com/ggml-org/ggml/blob/master/docs/gguf.md), enough to build test
 * models for llama.cpp: header, typed metadata, tensor infos, alignment padding and F32/F16/Q8_0 tensor data.
 *
 * Layout: magic "GGUF", version 3, tensor count (u64), metadata count (u64), metadata KVs, tensor infos
 * (name, n_dims, dims as u64 in ggml order, type, offset relative to the data section), padding to the
 * alignment, then each tensor's bytes starting at an aligned offset. The alignment is `general.alignment`
 * when the metadata sets it (as uint32), else 32.
 *
 * Tensor data is produced and written in chunks, so multi-hundred-megabyte random models never sit in memory.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { ByteSink, writeKeyValue, type GgufValue } from './gguf-values.js';
import { encodeTensorChunk, GgmlTypeId, tensorBlockSize, tensorByteSize, type TensorType } from './tensor-encoding.js';

/** Fills `out` with the tensor's values at flat indices [start, start + out.length). */
export type TensorFill = (start: number, out: Float32Array) => void;

export interface GgufTensorSpec {
  name: string;
  /** ggml order: dims[0] is the contiguous dimension, e.g. [n_embd, n_vocab] for `token_embd.weight`. */
  dims: readonly number[];
  type: TensorType;
  /** Every value (flat, dims[0] fastest), or a function that fills a chunk of them on demand. */
  data: Float32Array | TensorFill;
}

export interface GgufFileSpec {
  /** Written in insertion order. */
  metadata: Record<string, GgufValue>;
  tensors: readonly GgufTensorSpec[];
}

export const GGUF_DEFAULT_ALIGNMENT = 32;
const CHUNK_ELEMENTS = 1 << 20;

/** Writes `spec` to `path` (overwriting it) and returns the file size in bytes. */
export function writeGguf(path: string, spec: GgufFileSpec): number {
  const alignment = resolveAlignment(spec.metadata);
  const layout = layoutTensors(spec.tensors, alignment);
  const header = buildHeader(spec, layout.offsets);
  header.zeros(padding(header.length, alignment));
  const fd = openSync(path, 'w');
  try {
    let written = writeAll(fd, header.toBuffer());
    const dataStart = written;
    spec.tensors.forEach((tensor, i) => {
      written += writeAll(fd, Buffer.alloc(dataStart + layout.offsets[i]! - written));
      written += writeTensorData(fd, tensor);
    });
    // Like gguf-py, pad the last tensor too, so readers that round every tensor up stay in the file.
    return written + writeAll(fd, Buffer.alloc(padding(written - dataStart, alignment)));
  } finally {
    closeSync(fd);
  }
}

function resolveAlignment(metadata: Record<string, GgufValue>): number {
  const entry = metadata['general.alignment'];
  if (entry === undefined) return GGUF_DEFAULT_ALIGNMENT;
  if (entry.type !== 'uint32' || typeof entry.value !== 'number' || entry.value <= 0 || entry.value % 8 !== 0) {
    throw new Error('general.alignment must be a uint32 multiple of 8');
  }
  return entry.value;
}

function padding(offset: number, alignment: number): number {
  return (alignment - (offset % alignment)) % alignment;
}

function elementCount(tensor: GgufTensorSpec): number {
  return tensor.dims.reduce((product, dim) => product * dim, 1);
}

/** Checks each tensor and assigns its aligned offset inside the data section. */
function layoutTensors(tensors: readonly GgufTensorSpec[], alignment: number): { offsets: number[] } {
  const offsets: number[] = [];
  let offset = 0;
  for (const tensor of tensors) {
    const count = elementCount(tensor);
    if (tensor.dims.length === 0 || tensor.dims.length > 4) throw new Error(`${tensor.name}: 1 to 4 dims`);
    if (tensor.data instanceof Float32Array && tensor.data.length !== count) {
      throw new Error(`${tensor.name}: ${tensor.data.length} values for dims [${tensor.dims.join(', ')}]`);
    }
    const block = tensorBlockSize(tensor.type);
    if (tensor.dims[0]! % block !== 0) {
      throw new Error(`${tensor.name}: dims[0] must be a multiple of ${block} for ${tensor.type}`);
    }
    offset += padding(offset, alignment);
    offsets.push(offset);
    offset += tensorByteSize(tensor.type, count);
  }
  return { offsets };
}

function buildHeader(spec: GgufFileSpec, offsets: readonly number[]): ByteSink {
  const sink = new ByteSink();
  sink.push(Buffer.from('GGUF', 'ascii'));
  sink.u32(3);
  sink.u64(spec.tensors.length);
  const entries = Object.entries(spec.metadata);
  sink.u64(entries.length);
  for (const [key, value] of entries) writeKeyValue(sink, key, value);
  spec.tensors.forEach((tensor, i) => {
    sink.string(tensor.name);
    sink.u32(tensor.dims.length);
    for (const dim of tensor.dims) sink.u64(dim);
    sink.u32(GgmlTypeId[tensor.type]);
    sink.u64(offsets[i]!);
  });
  return sink;
}

/** `writeSync` may write less than asked; loop until the whole buffer is on disk. */
function writeAll(fd: number, bytes: Buffer): number {
  for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done);
  return bytes.length;
}

function writeTensorData(fd: number, tensor: GgufTensorSpec): number {
  const count = elementCount(tensor);
  const { data } = tensor;
  if (data instanceof Float32Array) return writeAll(fd, encodeTensorChunk(tensor.type, data));
  let written = 0;
  const chunk = new Float32Array(Math.min(CHUNK_ELEMENTS, count));
  for (let start = 0; start < count; start += chunk.length) {
    const part = chunk.subarray(0, Math.min(chunk.length, count - start));
    data(start, part);
    written += writeAll(fd, encodeTensorChunk(tensor.type, part));
  }
  return written;
}

/**
 * Reads what the models list shows from a GGUF file's header: metadata key/values and tensor shapes, never
 * the weights. Pure JavaScript (no native library), so listing models stays fast and works before any model
 * is loaded. Format: https://github.com/ggml-org/ggml/blob/master/docs/gguf.md
 */
import { open, type FileHandle } from 'node:fs/promises';
import { decodeGgufScalar, GGUF_ARRAY, GGUF_SCALAR_SIZES, GGUF_STRING } from './gguf-scalars.js';
import type { ModelFileInfo } from './inference-runtime.js';

const CHUNK = 1 << 16;
/** A header larger than this is not a model file we can list (the biggest vocabularies take a few MB). */
const MAX_HEADER_BYTES = 64 * 1024 * 1024;

/** llama.cpp's `llama_ftype` names (general.file_type). */
const FILE_TYPES: Record<number, string> = {
  0: 'F32', 1: 'F16', 2: 'Q4_0', 3: 'Q4_1', 7: 'Q8_0', 8: 'Q5_0', 9: 'Q5_1', 10: 'Q2_K', 11: 'Q3_K_S',
  12: 'Q3_K_M', 13: 'Q3_K_L', 14: 'Q4_K_S', 15: 'Q4_K_M', 16: 'Q5_K_S', 17: 'Q5_K_M', 18: 'Q6_K',
  19: 'IQ2_XXS', 20: 'IQ2_XS', 21: 'Q2_K_S', 22: 'IQ3_XS', 23: 'IQ3_XXS', 24: 'IQ1_S', 25: 'IQ4_NL',
  26: 'IQ3_S', 27: 'IQ3_M', 28: 'IQ2_S', 29: 'IQ2_M', 30: 'IQ4_XS', 31: 'IQ1_M', 32: 'BF16', 36: 'TQ1_0',
  37: 'TQ2_0', 38: 'MXFP4_MOE',
};

/** ggml tensor type names, for files without general.file_type. */
const TENSOR_TYPES: Record<number, string> = {
  0: 'F32', 1: 'F16', 2: 'Q4_0', 3: 'Q4_1', 6: 'Q5_0', 7: 'Q5_1', 8: 'Q8_0', 9: 'Q8_1', 10: 'Q2_K',
  11: 'Q3_K', 12: 'Q4_K', 13: 'Q5_K', 14: 'Q6_K', 15: 'Q8_K', 16: 'IQ2_XXS', 17: 'IQ2_XS', 18: 'IQ3_XXS',
  19: 'IQ1_S', 20: 'IQ4_NL', 21: 'IQ3_S', 22: 'IQ2_S', 23: 'IQ4_XS', 24: 'I8', 25: 'I16', 26: 'I32',
  27: 'I64', 28: 'F64', 29: 'IQ1_M', 30: 'BF16', 34: 'TQ1_0', 35: 'TQ2_0', 39: 'MXFP4',
};

export class GgufFormatError extends Error {
  override name = 'GgufFormatError';
}

/** Sequential reads over a file handle, refilling a buffer as needed. */
class Reader {
  private buf = Buffer.alloc(0);
  private pos = 0;
  private fileOffset = 0;

  constructor(private readonly file: FileHandle) {}

  private async ensure(n: number): Promise<void> {
    if (this.pos + n <= this.buf.length) return;
    if (this.fileOffset + n > MAX_HEADER_BYTES) throw new GgufFormatError('GGUF header too large');
    const rest = this.buf.subarray(this.pos);
    const more = Buffer.alloc(Math.max(CHUNK, n - rest.length));
    const { bytesRead } = await this.file.read(more, 0, more.length, this.fileOffset);
    this.fileOffset += bytesRead;
    this.buf = Buffer.concat([rest, more.subarray(0, bytesRead)]);
    this.pos = 0;
    if (this.buf.length < n) throw new GgufFormatError('unexpected end of file in the GGUF header');
  }

  async bytes(n: number): Promise<Buffer> {
    await this.ensure(n);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  async u32(): Promise<number> {
    return (await this.bytes(4)).readUInt32LE(0);
  }

  async u64(): Promise<number> {
    const value = (await this.bytes(8)).readBigUInt64LE(0);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new GgufFormatError('64-bit value out of range');
    return Number(value);
  }

  async string(): Promise<string> {
    const length = await this.u64();
    return (await this.bytes(length)).toString('utf8');
  }
}

async function readScalar(reader: Reader, type: number): Promise<unknown> {
  if (type === GGUF_STRING) return reader.string();
  const size = GGUF_SCALAR_SIZES[type];
  if (size === undefined) throw new GgufFormatError(`unknown GGUF value type ${type}`);
  return decodeGgufScalar(await reader.bytes(size), type);
}

/** Arrays (vocabularies) are skipped: only their length is kept. */
async function readValue(reader: Reader, type: number): Promise<unknown> {
  if (type !== GGUF_ARRAY) return readScalar(reader, type);
  const itemType = await reader.u32();
  const count = await reader.u64();
  const size = GGUF_SCALAR_SIZES[itemType];
  if (size !== undefined) await reader.bytes(size * count);
  else if (itemType === GGUF_STRING) for (let i = 0; i < count; i++) await reader.bytes(await reader.u64());
  else throw new GgufFormatError(`unsupported GGUF array item type ${itemType}`);
  return { arrayLength: count };
}

interface GgufHeader {
  metadata: Map<string, unknown>;
  tensors: Array<{ elements: number; type: number }>;
}

export async function readGgufHeader(path: string): Promise<GgufHeader> {
  const file = await open(path, 'r');
  try {
    const reader = new Reader(file);
    if ((await reader.bytes(4)).toString('latin1') !== 'GGUF') throw new GgufFormatError('not a GGUF file');
    const version = await reader.u32();
    if (version < 2 || version > 3) throw new GgufFormatError(`unsupported GGUF version ${version}`);
    const tensorCount = await reader.u64();
    const kvCount = await reader.u64();
    const metadata = new Map<string, unknown>();
    for (let i = 0; i < kvCount; i++) {
      const key = await reader.string();
      metadata.set(key, await readValue(reader, await reader.u32()));
    }
    const tensors: GgufHeader['tensors'] = [];
    for (let i = 0; i < tensorCount; i++) {
      await reader.string();
      const dims = await reader.u32();
      let elements = 1;
      for (let d = 0; d < dims; d++) elements *= await reader.u64();
      const type = await reader.u32();
      await reader.u64(); // offset
      tensors.push({ elements, type });
    }
    return { metadata, tensors };
  } finally {
    await file.close();
  }
}

function dominantTensorType(tensors: GgufHeader['tensors']): string {
  const byType = new Map<number, number>();
  for (const t of tensors) byType.set(t.type, (byType.get(t.type) ?? 0) + t.elements);
  const [type] = [...byType].sort((a, b) => b[1] - a[1])[0] ?? [];
  return type === undefined ? 'unknown' : (TENSOR_TYPES[type] ?? `type_${type}`);
}

export async function readModelFileInfo(path: string): Promise<ModelFileInfo> {
  const { metadata, tensors } = await readGgufHeader(path);
  const architecture = typeof metadata.get('general.architecture') === 'string' ? (metadata.get('general.architecture') as string) : 'unknown';
  const num = (key: string) => (typeof metadata.get(key) === 'number' ? (metadata.get(key) as number) : null);
  const fileType = num('general.file_type');
  const name = metadata.get('general.name');
  return {
    architecture,
    name: typeof name === 'string' ? name : null,
    parameters: tensors.reduce((sum, t) => sum + t.elements, 0),
    quantization: (fileType !== null ? FILE_TYPES[fileType] : undefined) ?? dominantTensorType(tensors),
    contextLength: num(`${architecture}.context_length`),
    embeddingLength: num(`${architecture}.embedding_length`),
    hasChatTemplate: typeof metadata.get('tokenizer.chat_template') === 'string',
  };
}

/**
 * The shape of a model from the first bytes of its GGUF file, read remotely (HTTP, the file's first few
 * hundred KB) before anything is downloaded: architecture, layers, attention heads, embedding width and
 * trained context, which is what the KV cache's size depends on. GGUF writes `general.*`, then the
 * architecture's keys, then the tokenizer's (the big arrays), so the keys needed arrive early; parsing stops
 * as soon as they are in. Format: https://github.com/ggml-org/ggml/blob/master/docs/gguf.md
 */
import { decodeGgufScalar, GGUF_ARRAY, GGUF_SCALAR_SIZES, GGUF_STRING } from '../runtime/gguf-scalars.js';

export interface GgufShape {
  architecture: string;
  block_count: number | null;
  head_count: number | null;
  head_count_kv: number | null;
  embedding_length: number | null;
  context_length: number | null;
}

/** Bytes read at most for a header (the tokenizer's arrays come after the keys we need). */
export const MAX_REMOTE_HEADER_BYTES = 8 * 1024 * 1024;

class OutOfBytes extends Error {}

class BufferReader {
  pos = 0;
  constructor(private readonly buf: Buffer) {}
  take(n: number): Buffer {
    if (this.pos + n > this.buf.length) throw new OutOfBytes();
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  u32 = () => this.take(4).readUInt32LE(0);
  u64 = () => Number(this.take(8).readBigUInt64LE(0));
  string = () => this.take(this.u64()).toString('utf8');
}

function scalar(reader: BufferReader, type: number): unknown {
  if (type === GGUF_STRING) return reader.string();
  const size = GGUF_SCALAR_SIZES[type];
  if (size === undefined) throw new Error(`unknown GGUF value type ${type}`);
  return decodeGgufScalar(reader.take(size), type);
}

/** Arrays of numbers (per-layer head counts) keep their largest value; other arrays are skipped. */
function value(reader: BufferReader, type: number): unknown {
  if (type !== GGUF_ARRAY) return scalar(reader, type);
  const itemType = reader.u32();
  const count = reader.u64();
  if (itemType === GGUF_STRING) {
    for (let i = 0; i < count; i++) reader.take(reader.u64());
    return undefined;
  }
  let max: number | undefined;
  for (let i = 0; i < count; i++) {
    const item = scalar(reader, itemType);
    if (typeof item === 'number') max = Math.max(max ?? item, item);
  }
  return max;
}

/**
 * Parses what `head` holds. `complete` is false when more bytes are needed for the keys we want; an error
 * is thrown for a file that is not GGUF.
 */
export function parseGgufShape(head: Buffer): { complete: boolean; shape: GgufShape | null } {
  const reader = new BufferReader(head);
  const values = new Map<string, unknown>();
  let complete = false;
  try {
    if (reader.take(4).toString('latin1') !== 'GGUF') throw new Error('not a GGUF file');
    const version = reader.u32();
    if (version < 2 || version > 3) throw new Error(`unsupported GGUF version ${version}`);
    reader.u64(); // tensor count
    const kvCount = reader.u64();
    for (let i = 0; i < kvCount; i++) {
      const key = reader.string();
      // The tokenizer's keys come after the architecture's: what we need is in.
      if (key.startsWith('tokenizer.') && values.has('general.architecture')) break;
      values.set(key, value(reader, reader.u32()));
    }
    complete = true;
  } catch (error) {
    if (!(error instanceof OutOfBytes)) throw error;
  }
  const architecture = values.get('general.architecture');
  if (typeof architecture !== 'string') return { complete, shape: null };
  const num = (key: string) => {
    const v = values.get(`${architecture}.${key}`);
    return typeof v === 'number' ? v : null;
  };
  const shape = {
    architecture,
    block_count: num('block_count'),
    head_count: num('attention.head_count'),
    head_count_kv: num('attention.head_count_kv'),
    embedding_length: num('embedding_length'),
    context_length: num('context_length'),
  };
  return { complete, shape };
}

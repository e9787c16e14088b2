/**
 * GGUF metadata values. JavaScript numbers do not say whether they are uint32, int32 or float32, so every value
 * carries its GGUF type explicitly; build them with the small helpers below (`u32(4)`, `str('llama')`, …).
 * Encoding follows the GGUF v3 spec: little-endian, strings as uint64 length + UTF-8 bytes, arrays as
 * element type (uint32) + count (uint64) + elements.
 */

/** The GGUF value type ids (the spec's `gguf_metadata_value_type`). */
export const GgufType = {
  uint8: 0,
  int8: 1,
  uint16: 2,
  int16: 3,
  uint32: 4,
  int32: 5,
  float32: 6,
  bool: 7,
  string: 8,
  array: 9,
  uint64: 10,
  int64: 11,
  float64: 12,
} as const;

export type GgufScalarTypeName = Exclude<keyof typeof GgufType, 'array'>;
type Scalar = number | bigint | boolean | string;

export type GgufValue =
  | { type: GgufScalarTypeName; value: Scalar }
  | { type: 'array'; itemType: GgufScalarTypeName; value: readonly Scalar[] };

export const u8 = (value: number): GgufValue => ({ type: 'uint8', value });
export const u32 = (value: number): GgufValue => ({ type: 'uint32', value });
export const i32 = (value: number): GgufValue => ({ type: 'int32', value });
export const f32 = (value: number): GgufValue => ({ type: 'float32', value });
export const f64 = (value: number): GgufValue => ({ type: 'float64', value });
export const u64 = (value: number | bigint): GgufValue => ({ type: 'uint64', value });
export const i64 = (value: number | bigint): GgufValue => ({ type: 'int64', value });
export const bool = (value: boolean): GgufValue => ({ type: 'bool', value });
export const str = (value: string): GgufValue => ({ type: 'string', value });
export const arr = (itemType: GgufScalarTypeName, value: readonly Scalar[]): GgufValue => ({
  type: 'array',
  itemType,
  value,
});

/** Appends little-endian binary pieces; `toBuffer()` joins them. */
export class ByteSink {
  private readonly parts: Buffer[] = [];
  private size = 0;

  get length(): number {
    return this.size;
  }

  push(part: Buffer): void {
    this.parts.push(part);
    this.size += part.length;
  }

  u32(value: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(value);
    this.push(b);
  }

  u64(value: number | bigint): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(value));
    this.push(b);
  }

  string(value: string): void {
    const bytes = Buffer.from(value, 'utf8');
    this.u64(bytes.length);
    this.push(bytes);
  }

  zeros(count: number): void {
    if (count > 0) this.push(Buffer.alloc(count));
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.parts, this.size);
  }
}

function scalarBytes(type: GgufScalarTypeName, value: Scalar): Buffer {
  if (type === 'string') {
    const sink = new ByteSink();
    sink.string(String(value));
    return sink.toBuffer();
  }
  const b = Buffer.alloc(scalarSize[type]);
  const n = Number(value);
  switch (type) {
    case 'uint8': b.writeUInt8(n); break;
    case 'int8': b.writeInt8(n); break;
    case 'uint16': b.writeUInt16LE(n); break;
    case 'int16': b.writeInt16LE(n); break;
    case 'uint32': b.writeUInt32LE(n); break;
    case 'int32': b.writeInt32LE(n); break;
    case 'float32': b.writeFloatLE(n); break;
    case 'float64': b.writeDoubleLE(n); break;
    case 'bool': b.writeUInt8(value === true ? 1 : 0); break;
    case 'uint64': b.writeBigUInt64LE(BigInt(value)); break;
    case 'int64': b.writeBigInt64LE(BigInt(value)); break;
  }
  return b;
}

const scalarSize: Record<Exclude<GgufScalarTypeName, 'string'>, number> = {
  uint8: 1, int8: 1, uint16: 2, int16: 2, uint32: 4, int32: 4, float32: 4, bool: 1, uint64: 8, int64: 8, float64: 8,
};

/** Writes one metadata key/value pair: key string, value type, value. */
export function writeKeyValue(sink: ByteSink, key: string, entry: GgufValue): void {
  sink.string(key);
  sink.u32(GgufType[entry.type]);
  if (entry.type === 'array') {
    sink.u32(GgufType[entry.itemType]);
    sink.u64(entry.value.length);
    for (const item of entry.value) sink.push(scalarBytes(entry.itemType, item));
    return;
  }
  sink.push(scalarBytes(entry.type, entry.value));
}

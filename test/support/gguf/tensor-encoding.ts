/**
 * Tensor data encodings the writer supports: F32, F16 and Q8_0 (ggml's block format: per 32 values one F16
 * scale `d = max|x| / 127` followed by 32 int8 quants `round(x / d)`).
 */

/** ggml tensor type ids (ggml.h `enum ggml_type`). */
export const GgmlTypeId = { F32: 0, F16: 1, Q8_0: 8 } as const;
export type TensorType = keyof typeof GgmlTypeId;

export const Q8_0_BLOCK = 32;
const Q8_0_BLOCK_BYTES = 2 + Q8_0_BLOCK;

/** Bytes needed to store `elements` values of `type` (Q8_0 needs a multiple of 32 elements). */
export function tensorByteSize(type: TensorType, elements: number): number {
  if (type === 'F32') return elements * 4;
  if (type === 'F16') return elements * 2;
  return (elements / Q8_0_BLOCK) * Q8_0_BLOCK_BYTES;
}

/** How many elements one encoding chunk must be a multiple of. */
export function tensorBlockSize(type: TensorType): number {
  return type === 'Q8_0' ? Q8_0_BLOCK : 1;
}

const f32Scratch = new Float32Array(1);
const u32Scratch = new Uint32Array(f32Scratch.buffer);

/** IEEE float32 → float16 bits, round to nearest even; overflow becomes ±Infinity, tiny values subnormal/zero. */
export function toFloat16Bits(value: number): number {
  f32Scratch[0] = value;
  const x = u32Scratch[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant !== 0 ? 0x200 : 0); // Inf / NaN
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign; // underflows to zero
    mant |= 0x800000; // make the implicit bit explicit, then shift into the subnormal range
    const shift = 14 - e;
    const half = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    return sign | (half + (rest > mid || (rest === mid && (half & 1) === 1) ? 1 : 0));
  }
  const half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  // A carry out of the mantissa correctly bumps the exponent (and reaches Inf at the top).
  return sign | (half + (rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1) ? 1 : 0));
}

/** float16 bits → number (used by tests to check what the writer stored). */
export function fromFloat16Bits(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >>> 10) & 0x1f;
  const mant = bits & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant === 0 ? sign * Infinity : NaN;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** Encodes a chunk of values (a multiple of the type's block size) into its bytes. */
export function encodeTensorChunk(type: TensorType, values: Float32Array): Buffer {
  if (type === 'F32') return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  if (type === 'F16') {
    // Typed arrays use the platform's byte order; every platform node-llama-cpp ships for is little-endian.
    const halves = new Uint16Array(values.length);
    for (let i = 0; i < values.length; i++) halves[i] = toFloat16Bits(values[i]!);
    return Buffer.from(halves.buffer);
  }
  const out = Buffer.alloc(tensorByteSize(type, values.length));
  for (let block = 0; block * Q8_0_BLOCK < values.length; block++) {
    encodeQ8Block(values.subarray(block * Q8_0_BLOCK, (block + 1) * Q8_0_BLOCK), out, block * Q8_0_BLOCK_BYTES);
  }
  return out;
}

function encodeQ8Block(values: Float32Array, out: Buffer, at: number): void {
  let amax = 0;
  for (const v of values) amax = Math.max(amax, Math.abs(v));
  // As ggml's quantize_row_q8_0_ref, in float32: d = amax / 127, quants roundf(x * (1 / d)).
  const d = Math.fround(amax / 127);
  const inv = d === 0 ? 0 : Math.fround(1 / d);
  out.writeUInt16LE(toFloat16Bits(d), at);
  // roundf rounds half away from zero; Math.round rounds half up, so round the magnitude instead.
  for (let i = 0; i < Q8_0_BLOCK; i++) {
    const scaled = Math.fround(values[i]! * inv);
    out.writeInt8(Math.sign(scaled) * Math.round(Math.abs(scaled)), at + 2 + i);
  }
}

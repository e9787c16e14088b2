/**
 * The GGUF v3 writer, checked by reading its files back with node-llama-cpp's own GGUF parser (no native
 * library needed): metadata values, tensor shapes, types, aligned offsets and the tensor bytes themselves.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readGgufFileInfo, type GgufFileInfo, type GgufTensorInfo } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESIGNED_HYPERPARAMS, writeDesignedModel } from '../support/gguf/designed-model.js';
import { arr, bool, f32, f64, i32, i64, str, u32, u64, u8, type GgufValue } from '../support/gguf/gguf-values.js';
import { writeGguf, type GgufTensorSpec } from '../support/gguf/gguf-writer.js';
import { countParams } from '../support/gguf/llama-layout.js';
import { parseParamCount, randomModelShape } from '../support/gguf/random-model.js';
import { fromFloat16Bits, toFloat16Bits } from '../support/gguf/tensor-encoding.js';
import { CHATML_TEMPLATE } from '../support/gguf/tokenizer-vocab.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jan-gguf-writer-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const BIG_U64 = 2n ** 53n + 1n; // not a safe JS integer

const metadata: Record<string, GgufValue> = {
  'general.architecture': str('llama'),
  'general.alignment': u32(64),
  'test.u8': u8(200),
  'test.i8': { type: 'int8', value: -100 },
  'test.u16': { type: 'uint16', value: 60000 },
  'test.i16': { type: 'int16', value: -30000 },
  'test.u32': u32(4_000_000_000),
  'test.i32': i32(-2_000_000_000),
  'test.f32': f32(0.15625),
  'test.f64': f64(Math.PI),
  'test.u64.small': u64(1234),
  'test.u64.big': u64(BIG_U64),
  'test.i64': i64(-42n),
  'test.yes': bool(true),
  'test.no': bool(false),
  'test.text': str('héllo ▁ <|im_end|>'),
  'test.empty': str(''),
  'test.strings': arr('string', ['<unk>', '▁', '', '{"a":1}']),
  'test.ints': arr('int32', [1, -2, 3]),
  'test.floats': arr('float32', [0.5, -1.25, 1e-5]),
  'test.u64s': arr('uint64', [0, 7n]),
  'test.bools': arr('bool', [true, false]),
};

const f32Values = Float32Array.from([1, -2, 0.5, 3.25, -0.125, 1e-3]);
const f16Values = Float32Array.from([0, 1, -2, 0.5, 65504, 1 / 3, 1e-7]);
const q8Values = Float32Array.from({ length: 64 * 2 }, (_, i) => Math.sin(i) * (i < 64 ? 1 : 0.01));
const tensors: GgufTensorSpec[] = [
  { name: 'a.f32', dims: [3, 2], type: 'F32', data: f32Values },
  { name: 'b.f16', dims: [7], type: 'F16', data: f16Values },
  { name: 'c.q8', dims: [64, 2], type: 'Q8_0', data: q8Values },
  { name: 'd.fill', dims: [4, 2, 3], type: 'F32', data: (start, out) => out.forEach((_, i) => (out[i] = start + i)) },
];

function tensorBytes(file: Buffer, tensor: GgufTensorInfo, length: number): Buffer {
  const at = Number(tensor.fileOffset);
  return file.subarray(at, at + length);
}

describe('GGUF writer round trip through node-llama-cpp', () => {
  let info: GgufFileInfo;
  let file: Buffer;
  let size: number;

  beforeAll(async () => {
    const path = join(dir, 'all-types.gguf');
    size = writeGguf(path, { metadata, tensors });
    info = await readGgufFileInfo(path, { logWarnings: false });
    file = readFileSync(path);
  });

  it('writes a v3 file of the size it reports, padded to the alignment', () => {
    expect(info.version).toBe(3);
    expect(file.length).toBe(size);
    expect(file.subarray(0, 4).toString('ascii')).toBe('GGUF');
    expect(size % 64).toBe(0);
  });

  it('round-trips every metadata value type', () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- custom keys are not in GgufMetadata's type
    const t = (info.metadata as any).test;
    expect(t).toEqual({
      u8: 200, i8: -100, u16: 60000, i16: -30000, u32: 4_000_000_000, i32: -2_000_000_000,
      // 64-bit values come back as bigints, whatever their size.
      f32: 0.15625, f64: Math.PI, u64: { small: 1234n, big: BIG_U64 }, i64: -42n, yes: true, no: false,
      text: 'héllo ▁ <|im_end|>', empty: '', strings: ['<unk>', '▁', '', '{"a":1}'], ints: [1, -2, 3],
      floats: [0.5, -1.25, Math.fround(1e-5)], u64s: [0n, 7n], bools: [true, false],
    });
    expect(info.metadata.general).toEqual({ architecture: 'llama', alignment: 64 });
  });

  it('writes tensor infos with their dims, types and aligned offsets', () => {
    expect(info.tensorCount).toBe(4);
    expect(info.tensorInfo?.map(({ name, dimensions, ggmlType }) => ({ name, dimensions, ggmlType }))).toEqual([
      { name: 'a.f32', dimensions: [3, 2], ggmlType: 0 },
      { name: 'b.f16', dimensions: [7], ggmlType: 1 },
      { name: 'c.q8', dimensions: [64, 2], ggmlType: 8 },
      { name: 'd.fill', dimensions: [4, 2, 3], ggmlType: 0 },
    ]);
    expect(info.tensorInfo?.map((t) => t.offset)).toEqual([0, 64, 128, 320]); // sizes 24, 14, 136 (4 × 34), 96 bytes
    expect(info.infoEndOffset! % 64).toBe(0);
    expect(Number(info.tensorInfo![0]!.fileOffset)).toBe(info.infoEndOffset);
  });

  it('stores F32 and filled tensors exactly', () => {
    const [a, , , d] = info.tensorInfo!;
    const read = (t: GgufTensorInfo, n: number) => {
      const bytes = tensorBytes(file, t, n * 4);
      return Array.from({ length: n }, (_, i) => bytes.readFloatLE(i * 4));
    };
    expect(read(a!, 6)).toEqual(Array.from(f32Values));
    expect(read(d!, 24)).toEqual(Array.from({ length: 24 }, (_, i) => i));
  });

  it('stores F16 tensors as the nearest half-precision values', () => {
    const bytes = tensorBytes(file, info.tensorInfo![1]!, 14);
    const halves = Array.from({ length: 7 }, (_, i) => fromFloat16Bits(bytes.readUInt16LE(i * 2)));
    expect(halves).toEqual([0, 1, -2, 0.5, 65504, 0.333251953125, 1.1920928955078125e-7]);
  });

  it('stores Q8_0 blocks as an F16 scale amax/127 and 32 quants round(x / scale)', () => {
    const bytes = tensorBytes(file, info.tensorInfo![2]!, 4 * 34);
    for (let block = 0; block < 4; block++) {
      const values = Array.from(q8Values.subarray(block * 32, block * 32 + 32));
      const d = Math.fround(Math.max(...values.map(Math.abs)) / 127);
      const scale = fromFloat16Bits(bytes.readUInt16LE(block * 34));
      expect(scale).toBe(fromFloat16Bits(toFloat16Bits(d)));
      const quants = Array.from({ length: 32 }, (_, i) => bytes.readInt8(block * 34 + 2 + i));
      // ggml quantizes with the unrounded scale and rounds half away from zero (`+ 0` turns -0 into 0).
      const inv = Math.fround(1 / d);
      const expected = values.map((v) => Math.sign(v) * Math.round(Math.abs(Math.fround(v * inv))) + 0);
      expect(quants).toEqual(expected);
      expect(Math.max(...quants.map(Math.abs))).toBe(127);
      quants.forEach((q, i) => expect(Math.abs(q * scale - values[i]!)).toBeLessThan(0.6 * scale));
    }
  });
});

describe('GGUF writer layout rules', () => {
  it('aligns to 32 bytes when general.alignment is not set', async () => {
    const path = join(dir, 'default-alignment.gguf');
    const size = writeGguf(path, {
      metadata: { 'general.name': str('x') },
      tensors: [{ name: 'a', dims: [5], type: 'F32', data: new Float32Array(5) }, tensors[1]!],
    });
    const info = await readGgufFileInfo(path, { logWarnings: false });
    expect(info.tensorInfo?.map((t) => t.offset)).toEqual([0, 32]);
    expect(info.infoEndOffset! % 32).toBe(0);
    expect(size % 32).toBe(0);
  });

  it('rejects tensors whose data does not fit their dims or their type', () => {
    const write = (tensor: GgufTensorSpec) => writeGguf(join(dir, 'bad.gguf'), { metadata: {}, tensors: [tensor] });
    expect(() => write({ name: 'short', dims: [4, 2], type: 'F32', data: new Float32Array(7) })).toThrow(
      'short: 7 values for dims [4, 2]',
    );
    expect(() => write({ name: 'q', dims: [16, 2], type: 'Q8_0', data: new Float32Array(32) })).toThrow(
      'q: dims[0] must be a multiple of 32 for Q8_0',
    );
    expect(() =>
      writeGguf(join(dir, 'bad.gguf'), { metadata: { 'general.alignment': i32(64) }, tensors: [] }),
    ).toThrow('general.alignment must be a uint32 multiple of 8');
  });
});

describe('float16 conversion', () => {
  it.each([
    [1, 0x3c00], [-2, 0xc000], [0.5, 0x3800], [65504, 0x7bff], [65520, 0x7c00], [1e6, 0x7c00],
    [-Infinity, 0xfc00], [2 ** -24, 0x0001], [2 ** -26, 0x0000], [6.103515625e-5, 0x0400], [0.1, 0x2e66],
    [1 + 2 ** -11, 0x3c00], [1 + 3 * 2 ** -11, 0x3c02], [-0, 0x8000],
  ])('%d → 0x%s', (value, bits) => {
    expect(toFloat16Bits(value)).toBe(bits);
  });

  it('maps NaN to a NaN', () => {
    expect(Number.isNaN(fromFloat16Bits(toFloat16Bits(NaN)))).toBe(true);
  });
});

describe('test model files', () => {
  it('writes the designed model with llama metadata, the vocabulary and the ChatML template', async () => {
    const path = join(dir, 'designed.gguf');
    writeDesignedModel(path);
    const info = await readGgufFileInfo(path, { logWarnings: false });
    const { nEmbd, nVocab, nFf } = DESIGNED_HYPERPARAMS;
    expect(info.metadata.general.architecture).toBe('llama');
    expect(info.architectureMetadata).toMatchObject({
      embedding_length: 64, block_count: 2, feed_forward_length: 128, context_length: 4096,
      attention: { head_count: 4, head_count_kv: 2 },
    });
    expect(info.metadata.tokenizer.chat_template).toBe(CHATML_TEMPLATE);
    expect(info.metadata.tokenizer.ggml.tokens).toHaveLength(nVocab);
    const dims = Object.fromEntries(info.tensorInfo!.map((t) => [t.name, t.dimensions]));
    expect(Object.keys(dims)).toHaveLength(3 + 2 * 9);
    expect(dims).toMatchObject({
      'token_embd.weight': [nEmbd, nVocab], 'output.weight': [nEmbd, nVocab], 'output_norm.weight': [nEmbd],
      'blk.1.attn_k.weight': [nEmbd, 32], 'blk.1.ffn_down.weight': [nFf, nEmbd],
    });
  });

  it('picks a random-model shape near the requested parameter count', () => {
    expect(parseParamCount('60M')).toBe(60_000_000);
    expect(parseParamCount('1.5b')).toBe(1_500_000_000);
    expect(parseParamCount('500K')).toBe(500_000);
    expect(() => parseParamCount('lots')).toThrow('not a parameter count: lots');
    for (const target of [20e6, 60e6, 250e6, 1e9]) {
      const params = countParams(randomModelShape(target));
      expect(Math.abs(params - target) / target).toBeLessThan(0.1);
    }
  });
});

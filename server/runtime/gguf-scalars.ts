/**
 * GGUF's value types and how one scalar is decoded, shared by the local header reader (gguf-metadata.ts)
 * and the hub's remote one (hub/remote-gguf-header.ts). Format:
 * https://github.com/ggml-org/ggml/blob/master/docs/gguf.md
 */

/** Byte size of each fixed-size value type (strings and arrays are sized by their own length prefix). */
export const GGUF_SCALAR_SIZES: Readonly<Record<number, number>> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };
export const GGUF_STRING = 8;
export const GGUF_ARRAY = 9;

/** The value of a fixed-size scalar of `type` held in `b` (exactly its size). */
export function decodeGgufScalar(b: Buffer, type: number): number | boolean {
  switch (type) {
    case 0: return b.readUInt8(0);
    case 1: return b.readInt8(0);
    case 2: return b.readUInt16LE(0);
    case 3: return b.readInt16LE(0);
    case 4: return b.readUInt32LE(0);
    case 5: return b.readInt32LE(0);
    case 6: return b.readFloatLE(0);
    case 7: return b.readUInt8(0) !== 0;
    case 10: return Number(b.readBigUInt64LE(0));
    case 11: return Number(b.readBigInt64LE(0));
    default: return b.readDoubleLE(0);
  }
}

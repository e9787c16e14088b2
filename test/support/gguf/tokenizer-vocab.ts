/**
 * A byte-fallback SentencePiece-style vocabulary (`tokenizer.ggml.model = "llama"`) for test models:
 *   0 `<unk>`, 1 `<s>`, 2 `</s>`, 3..258 the byte tokens `<0x00>`..`<0xFF>`, 259 `▁` (the space),
 *   260..353 the printable ASCII characters `!`..`~`, 354 `<|im_start|>`, 355 `<|im_end|>` (the EOS token),
 * optionally followed by filler pieces (letter pairs and triples, with and without `▁`) up to a requested size,
 * so benchmark models can have a realistic vocabulary (and output layer) size.
 *
 * With only single characters in the base vocabulary, llama.cpp's SPM tokenizer maps ASCII text to one token
 * per character (space → `▁`) and everything else (newlines, UTF-8) to byte tokens. `add_space_prefix` is off,
 * so no `▁` is inserted at the start of the text or after special tokens.
 */
import { arr, bool, str, u32, type GgufValue } from './gguf-values.js';

/** llama.cpp token types (`llama_token_type`). */
export const TokenType = { normal: 1, unknown: 2, control: 3, userDefined: 4, unused: 5, byte: 6 } as const;

export const SPACE_PIECE = '\u2581';
const FIRST_PRINTABLE = 0x21;
const LAST_PRINTABLE = 0x7e;

export const CHATML_TEMPLATE =
  "{% for message in messages %}" +
  "{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

export interface Vocab {
  pieces: string[];
  types: number[];
  /** Token id of a piece; throws for unknown pieces so a typo in a test fails loudly. */
  id(piece: string): number;
  /** Token id of the character `ch` (`' '` → `▁`), or of its byte token when it is not a printable character. */
  charId(ch: string): number;
  /** The byte token of one byte, e.g. `byteId(0x0a)` for `<0x0A>`. */
  byteId(byte: number): number;
  unk: number;
  bos: number;
  eos: number;
  imStart: number;
  imEnd: number;
}

export function byteToken(byte: number): string {
  return `<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`;
}

/** Builds the vocabulary; `size` (default: the 356 base tokens) adds filler pieces after the base ones. */
export function buildVocab(size?: number): Vocab {
  const pieces: string[] = ['<unk>', '<s>', '</s>'];
  const types: number[] = [TokenType.unknown, TokenType.control, TokenType.control];
  for (let b = 0; b < 256; b++) {
    pieces.push(byteToken(b));
    types.push(TokenType.byte);
  }
  pieces.push(SPACE_PIECE);
  types.push(TokenType.normal);
  for (let c = FIRST_PRINTABLE; c <= LAST_PRINTABLE; c++) {
    pieces.push(String.fromCharCode(c));
    types.push(TokenType.normal);
  }
  pieces.push('<|im_start|>', '<|im_end|>');
  types.push(TokenType.control, TokenType.control);
  for (const filler of fillerPieces((size ?? pieces.length) - pieces.length)) {
    pieces.push(filler);
    types.push(TokenType.normal);
  }
  return withLookups(pieces, types);
}

function withLookups(pieces: string[], types: number[]): Vocab {
  const ids = new Map(pieces.map((piece, i) => [piece, i]));
  const id = (piece: string): number => {
    const found = ids.get(piece);
    if (found === undefined) throw new Error(`piece not in vocabulary: ${JSON.stringify(piece)}`);
    return found;
  };
  const byteId = (byte: number): number => id(byteToken(byte));
  const charId = (ch: string): number => {
    if (ch === ' ') return id(SPACE_PIECE);
    const code = ch.charCodeAt(0);
    return code >= FIRST_PRINTABLE && code <= LAST_PRINTABLE ? id(ch) : byteId(code);
  };
  return {
    pieces, types, id, charId, byteId,
    unk: id('<unk>'), bos: id('<s>'), eos: id('<|im_end|>'), imStart: id('<|im_start|>'), imEnd: id('<|im_end|>'),
  };
}

/** Deterministic multi-character pieces: `▁a`.., `ab`.., `▁ab`.., `abc`.., `▁abc`.. (at most ~37k of them). */
function fillerPieces(count: number): string[] {
  if (count <= 0) return [];
  const letters = 'abcdefghijklmnopqrstuvwxyz'.split('');
  const pairs = letters.flatMap((a) => letters.map((b) => a + b));
  const triples = pairs.flatMap((ab) => letters.map((c) => ab + c));
  const all = [
    ...letters.map((l) => SPACE_PIECE + l), ...pairs, ...pairs.map((p) => SPACE_PIECE + p),
    ...triples, ...triples.map((t) => SPACE_PIECE + t),
  ];
  if (count > all.length) throw new Error(`vocabulary size too large: at most ${all.length} filler pieces`);
  return all.slice(0, count);
}

/** The `tokenizer.*` metadata for a vocabulary, with the ChatML chat template. */
export function tokenizerMetadata(vocab: Vocab): Record<string, GgufValue> {
  // SPM merges by score: longer pieces get higher scores, so "▁ab" wins over "▁a" + "b".
  const scores = vocab.pieces.map((piece, i) => (vocab.types[i] === TokenType.normal ? piece.length - 10 : 0));
  return {
    'tokenizer.ggml.model': str('llama'),
    'tokenizer.ggml.tokens': arr('string', vocab.pieces),
    'tokenizer.ggml.scores': arr('float32', scores),
    'tokenizer.ggml.token_type': arr('int32', vocab.types),
    'tokenizer.ggml.unknown_token_id': u32(vocab.unk),
    'tokenizer.ggml.bos_token_id': u32(vocab.bos),
    'tokenizer.ggml.eos_token_id': u32(vocab.eos),
    'tokenizer.ggml.padding_token_id': u32(vocab.unk),
    'tokenizer.ggml.add_bos_token': bool(true),
    'tokenizer.ggml.add_eos_token': bool(false),
    'tokenizer.ggml.add_space_prefix': bool(false),
    'tokenizer.chat_template': str(CHATML_TEMPLATE),
  };
}

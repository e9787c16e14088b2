/**
 * A repository's GGUF files grouped by quantization. The quantization is read from the file name, as the
 * Hub's GGUF repositories name them (`…-Q4_K_M.gguf`, `….q8_0.gguf`, `…-IQ4_XS.gguf`, `…-F16.gguf`); split
 * models (`…-00001-of-00003.gguf`) are one entry with all their parts, in order. Vision projectors
 * (`mmproj…`) are not models on their own and are left out.
 */
import type { HubFile } from './hub-shapes.js';

export interface QuantizationFile {
  name: string;
  size_bytes: number;
  sha256: string | null;
}

export interface QuantizationGroup {
  quantization: string;
  files: QuantizationFile[];
  size_bytes: number;
}

const GGUF = /\.gguf$/i;
const SPLIT = /-(\d{5})-of-(\d{5})\.gguf$/i;
const QUANT = /(?:^|[-._])((?:I?Q\d(?:_[A-Z0-9]+)*)|(?:TQ\d_\d)|(?:MXFP4(?:_MOE)?)|BF16|F16|F32|FP16)(?=$|[-._])/gi;

/** The quantization a GGUF file name says (upper case), or the name's stem when it says none. */
export function quantizationOf(fileName: string): string {
  const base = fileName.split('/').pop()!;
  const stem = base.replace(SPLIT, '').replace(GGUF, '');
  const matches = [...stem.matchAll(QUANT)];
  return matches.length > 0 ? matches.at(-1)![1]!.toUpperCase() : stem;
}

/** The split part (1-based) and part count of a file name, or undefined for a single-file model. */
export function splitPart(fileName: string): { part: number; of: number } | undefined {
  const match = SPLIT.exec(fileName);
  return match ? { part: Number(match[1]), of: Number(match[2]) } : undefined;
}

export function groupQuantizations(files: readonly HubFile[]): QuantizationGroup[] {
  const sets = new Map<string, HubFile[]>();
  for (const file of files) {
    const base = file.path.split('/').pop()!;
    if (!GGUF.test(base) || /mmproj/i.test(base)) continue;
    const setKey = file.path.replace(SPLIT, '').replace(GGUF, '');
    sets.set(setKey, [...(sets.get(setKey) ?? []), file]);
  }
  const groups = new Map<string, QuantizationGroup>();
  for (const [setKey, parts] of sets) {
    const ordered = [...parts].sort((a, b) => (splitPart(a.path)?.part ?? 0) - (splitPart(b.path)?.part ?? 0));
    const expected = splitPart(ordered[0]!.path)?.of;
    if (expected !== undefined && ordered.length !== expected) continue; // an incomplete split set cannot be loaded
    let label = quantizationOf(ordered[0]!.path);
    if (groups.has(label)) label = setKey.split('/').pop()!; // two models with one quantization: name the second by file
    const entryFiles = ordered.map((f) => ({ name: f.path, size_bytes: f.size, sha256: f.sha256 }));
    groups.set(label, { quantization: label, files: entryFiles, size_bytes: entryFiles.reduce((sum, f) => sum + f.size_bytes, 0) });
  }
  return [...groups.values()].sort((a, b) => a.size_bytes - b.size_bytes);
}

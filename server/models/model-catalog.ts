/**
 * The installed models: every `*.gguf` file under the models folder (subfolders included, a few levels
 * deep). A model's id is its file name without `.gguf`; when two files share a name, the first in path
 * order wins. Header metadata is read once per file version (path, size, mtime) and cached.
 */
import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { InferenceRuntime, ModelFileInfo } from '../runtime/inference-runtime.js';
import { withoutFolder } from '../runtime/without-folder.js';

const MAX_DEPTH = 3;
const GGUF = /\.gguf$/i;

export interface CatalogEntry {
  id: string;
  path: string;
  sizeBytes: number;
  modifiedSeconds: number;
  /** Null when the header could not be read (the file is listed, but loading it will fail). */
  info: ModelFileInfo | null;
  error: string | null;
  /** Every file of the model: `[path]`, or each part of a split GGUF (`x-00001-of-00003.gguf` …) in order. */
  parts: string[];
}

/** llama.cpp's split naming: the first part is loaded and the runtime finds the rest beside it. */
const SPLIT_PART = /-(\d{5})-of-(\d{5})$/;
const SPLIT_PART_FILE = /-(\d{5})-of-(\d{5})(\.gguf)$/i;

/** For a split part's id (`x-00002-of-00003`): the set's id (`x`), this part's number and the count. */
export function splitPart(id: string): { id: string; part: number; of: number } | undefined {
  const match = SPLIT_PART.exec(id);
  if (!match) return undefined;
  const part = Number(match[1]);
  const of = Number(match[2]);
  return part >= 1 && part <= of ? { id: id.slice(0, match.index), part, of } : undefined;
}

/** The paths of every part of the split set whose first part is `first`, in order. */
export function splitPartPaths(first: string, of: number, p: path.PlatformPath = path): string[] {
  const { dir, base } = p.parse(first);
  const pad = (n: number) => String(n).padStart(5, '0');
  return Array.from({ length: of }, (_, i) => p.join(dir, base.replace(SPLIT_PART_FILE, `-${pad(i + 1)}-of-${pad(of)}$3`)));
}

/** Any file name can be listed (ids are URL path segments: no slashes, no control characters). */
const LISTED_ID = /^[^/\\\p{Cc}.][^/\\\p{Cc}]{0,199}$/u;
/** Imported files are named by us: a conservative alphabet. */
export const MODEL_ID = /^[\w][\w.+-]{0,199}$/;

/**
 * A model file's id: its file name without `.gguf` (any case), whichever folder under `modelsDir` it is in.
 * Undefined when the file is not a `.gguf` inside `modelsDir` or its name cannot be an id. `p` is the path
 * flavour (node:path by default; tests pass path.win32 and path.posix), so Windows paths split on `\`.
 */
export function modelIdFromFile(file: string, modelsDir: string, p: path.PlatformPath = path): string | undefined {
  const inside = p.relative(modelsDir, file);
  if (inside === '' || inside === '..' || inside.startsWith(`..${p.sep}`) || p.isAbsolute(inside)) return undefined;
  const { base } = p.parse(inside);
  if (!GGUF.test(base)) return undefined;
  const id = base.replace(GGUF, '');
  return LISTED_ID.test(id) ? id : undefined;
}

export class ModelCatalog {
  private readonly infoCache = new Map<string, { key: string; info: ModelFileInfo | null; error: string | null }>();

  constructor(
    readonly modelsDir: string,
    private readonly runtime: InferenceRuntime,
    /** False on an API-only replica (`JAN_ROLE=api`): no local models, whatever the folder holds. */
    private readonly local = true,
  ) {}

  private async walk(dir: string, depth: number, out: string[]): Promise<void> {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return; // no folder (yet): no models, not an error
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory() && depth < MAX_DEPTH && !entry.name.startsWith('.')) await this.walk(file, depth + 1, out);
      else if ((entry.isFile() || entry.isSymbolicLink()) && GGUF.test(entry.name)) out.push(file);
    }
  }

  async list(): Promise<CatalogEntry[]> {
    if (!this.local) return [];
    const files: string[] = [];
    await this.walk(this.modelsDir, 0, files);
    const seen = new Set<string>();
    const entries: CatalogEntry[] = [];
    for (const file of files) {
      const fileId = modelIdFromFile(file, this.modelsDir);
      if (fileId === undefined) continue;
      const split = splitPart(fileId);
      if (split && split.part !== 1) continue; // listed once, under its first part
      const id = split?.id ?? fileId;
      if (seen.has(id)) continue;
      const info = await stat(file).catch(() => undefined);
      if (!info?.isFile()) continue;
      seen.add(id);
      const parts = split ? splitPartPaths(file, split.of) : [file];
      const sizes = await Promise.all(parts.map((part) => stat(part).then((s) => s.size, () => undefined)));
      const missing = sizes.filter((size) => size === undefined).length;
      const header = await this.info(file, info);
      entries.push({
        id, path: file, parts, modifiedSeconds: Math.floor(info.mtimeMs / 1000),
        sizeBytes: sizes.reduce<number>((sum, size) => sum + (size ?? 0), 0),
        ...header,
        ...(missing > 0 && { error: `${missing} of the ${parts.length} parts of this split model are missing from the models folder.` }),
      });
    }
    return entries;
  }

  async find(id: string): Promise<CatalogEntry | undefined> {
    if (!LISTED_ID.test(id)) return undefined;
    return (await this.list()).find((entry) => entry.id === id);
  }

  private async info(file: string, stats: { size: number; mtimeMs: number }) {
    const key = `${stats.size}:${stats.mtimeMs}`;
    const cached = this.infoCache.get(file);
    if (cached?.key === key) return { info: cached.info, error: cached.error };
    let info: ModelFileInfo | null = null;
    let error: string | null = null;
    try {
      info = await this.runtime.inspect(file);
    } catch (e) {
      error = withoutFolder((e as Error).message, file); // listed to every user: no server folders
    }
    this.infoCache.set(file, { key, info, error });
    return { info, error };
  }
}

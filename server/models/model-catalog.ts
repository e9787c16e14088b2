/**
 * The installed models: every `*.gguf` file under the models folder (subfolders included, a few levels
 * deep). A model's id is its file name without `.gguf`; when two files share a name, the first in path
 * order wins. Header metadata is read once per file version (path, size, mtime) and cached.
 */
import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { InferenceRuntime, ModelFileInfo } from '../runtime/inference-runtime.js';

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
}

/** Any file name can be listed (ids are URL path segments: no slashes, no control characters). */
const LISTED_ID = /^[^/\\\p{Cc}.][^/\\\p{Cc}]{0,199}$/u;
/** Imported files are named by us: a conservative alphabet. */
export const MODEL_ID = /^[\w][\w.+-]{0,199}$/;

export class ModelCatalog {
  private readonly infoCache = new Map<string, { key: string; info: ModelFileInfo | null; error: string | null }>();

  constructor(
    readonly modelsDir: string,
    private readonly runtime: InferenceRuntime,
  ) {}

  private async walk(dir: string, depth: number, out: string[]): Promise<void> {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return; // no folder (yet): no models, not an error
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && depth < MAX_DEPTH && !entry.name.startsWith('.')) await this.walk(path, depth + 1, out);
      else if ((entry.isFile() || entry.isSymbolicLink()) && GGUF.test(entry.name)) out.push(path);
    }
  }

  async list(): Promise<CatalogEntry[]> {
    const paths: string[] = [];
    await this.walk(this.modelsDir, 0, paths);
    const seen = new Set<string>();
    const entries: CatalogEntry[] = [];
    for (const path of paths) {
      const id = path.slice(path.lastIndexOf('/') + 1).replace(GGUF, '');
      if (seen.has(id) || !LISTED_ID.test(id)) continue;
      const file = await stat(path).catch(() => undefined);
      if (!file?.isFile()) continue;
      seen.add(id);
      entries.push({ id, path, sizeBytes: file.size, modifiedSeconds: Math.floor(file.mtimeMs / 1000), ...(await this.info(path, file)) });
    }
    return entries;
  }

  async find(id: string): Promise<CatalogEntry | undefined> {
    if (!LISTED_ID.test(id)) return undefined;
    return (await this.list()).find((entry) => entry.id === id);
  }

  private async info(path: string, file: { size: number; mtimeMs: number }) {
    const key = `${file.size}:${file.mtimeMs}`;
    const cached = this.infoCache.get(path);
    if (cached?.key === key) return { info: cached.info, error: cached.error };
    let info: ModelFileInfo | null = null;
    let error: string | null = null;
    try {
      info = await this.runtime.inspect(path);
    } catch (e) {
      error = (e as Error).message;
    }
    this.infoCache.set(path, { key, info, error });
    return { info, error };
  }
}

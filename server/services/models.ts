import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { notFound } from '../errors/app-error.js';

export interface ModelInfo {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

/**
 * The installed models: every `*.gguf` file in the models folder. (Loading and metadata come with the
 * inference runtime; this lists what is on disk.)
 */
export class ModelsService {
  constructor(private readonly modelsDir: string) {}

  async list(): Promise<{ object: 'list'; data: ModelInfo[] }> {
    let names: string[];
    try {
      names = await readdir(this.modelsDir);
    } catch {
      return { object: 'list', data: [] }; // no folder yet: no models, not an error
    }
    const data: ModelInfo[] = [];
    for (const name of names.filter((n) => n.toLowerCase().endsWith('.gguf')).sort()) {
      const info = await stat(join(this.modelsDir, name)).catch(() => undefined);
      if (info?.isFile()) {
        data.push({ id: name.slice(0, -'.gguf'.length), object: 'model', created: Math.floor(info.mtimeMs / 1000), owned_by: 'local' });
      }
    }
    return { object: 'list', data };
  }

  async get(id: string): Promise<ModelInfo> {
    const model = (await this.list()).data.find((m) => m.id === id);
    if (!model) throw notFound('model', id, 'model');
    return model;
  }
}

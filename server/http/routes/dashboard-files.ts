/**
 * The built dashboard (renderer/dist) as the server serves it. Only files named in Vite's build manifest
 * (dist/.vite/manifest.json) can be requested: a request's path is looked up in that list and never joined
 * onto the file system itself. The manifest is re-read when its mtime changes, so a rebuild is picked up
 * without a restart. Lifecycle: one instance per server (see dashboard.ts), no open handles.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PrecompressedBody } from '../precompressed.js';

interface ManifestChunk {
  file: string;
  css?: string[];
  assets?: string[];
}

export interface DashboardAsset {
  path: string;
  /** For `ctx.type`: the file's extension. */
  type: string;
}

/** The package root: the first folder upwards from this module with a package.json (works from dist/ too). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

export const DEFAULT_DASHBOARD_DIR = join(packageRoot(), 'renderer', 'dist');

export class DashboardFiles {
  private mtimeMs = -1;
  private files = new Map<string, string>();
  /** Loaded assets, compressed once (see precompressed.ts); emptied when a rebuild changes the manifest. */
  private bodies = new Map<string, PrecompressedBody>();

  constructor(readonly distDir: string = DEFAULT_DASHBOARD_DIR) {}

  /** Reads the manifest again if it changed; false when the dashboard is not built. */
  private refresh(): boolean {
    const manifest = join(this.distDir, '.vite', 'manifest.json');
    let mtimeMs: number;
    try {
      mtimeMs = statSync(manifest).mtimeMs;
    } catch {
      this.files.clear();
      this.mtimeMs = -1;
      return false;
    }
    if (mtimeMs !== this.mtimeMs) {
      const chunks = Object.values(JSON.parse(readFileSync(manifest, 'utf8')) as Record<string, ManifestChunk>);
      const names = chunks.flatMap((c) => [c.file, ...(c.css ?? []), ...(c.assets ?? [])]);
      this.files = new Map(names.filter((n) => n.startsWith('assets/')).map((n) => [n.slice('assets/'.length), join(this.distDir, n)]));
      this.mtimeMs = mtimeMs;
      this.bodies.clear();
    }
    return true;
  }

  /** The built index.html, or undefined when the dashboard is not built. */
  indexHtml(): Buffer | undefined {
    if (!this.refresh()) return undefined;
    try {
      return readFileSync(join(this.distDir, 'index.html'));
    } catch {
      return undefined;
    }
  }

  /** A built asset by its name under `assets/` (e.g. `index-AbC123.js`), if the manifest lists it. */
  asset(name: string): DashboardAsset | undefined {
    if (!this.refresh()) return undefined;
    const path = this.files.get(name);
    if (!path) return undefined;
    return { path, type: name.slice(name.lastIndexOf('.')) };
  }

  /** Loads and compresses every asset of the current build (in the background, at start). */
  async warm(): Promise<void> {
    if (!this.refresh()) return;
    await Promise.all([...this.files.keys()].map(async (name) => this.assetBody(name)?.body.warm()));
  }

  /** The asset's bytes, ready to send in any encoding; read from disk on first use (at most a few hundred KB). */
  assetBody(name: string): { type: string; body: PrecompressedBody } | undefined {
    const asset = this.asset(name);
    if (!asset) return undefined;
    let body = this.bodies.get(name);
    if (!body) this.bodies.set(name, (body = new PrecompressedBody(readFileSync(asset.path))));
    return { type: asset.type, body };
  }
}

/** The built dashboard's files: only what Vite's manifest lists can be served; a rebuild is picked up. */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DashboardFiles } from '../../server/http/routes/dashboard-files.js';

let dist: string;

function build(files: Record<string, string>, manifest: Record<string, unknown>, mtime = Date.now() / 1000) {
  mkdirSync(join(dist, '.vite'), { recursive: true });
  mkdirSync(join(dist, 'assets'), { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dist, name), text);
  writeFileSync(join(dist, '.vite/manifest.json'), JSON.stringify(manifest));
  utimesSync(join(dist, '.vite/manifest.json'), mtime, mtime);
}

beforeEach(() => {
  dist = mkdtempSync(join(tmpdir(), 'jan-dist-'));
});
afterEach(() => rmSync(dist, { recursive: true, force: true }));

describe('DashboardFiles', () => {
  it('is empty when the dashboard is not built', () => {
    const files = new DashboardFiles(dist);
    expect(files.indexHtml()).toBeUndefined();
    expect(files.asset('index-abc.js')).toBeUndefined();
  });

  it('serves index.html and exactly the files of the manifest', () => {
    build(
      { 'index.html': '<div id="root"></div>', 'assets/index-abc.js': 'js', 'assets/index-abc.css': 'css', 'assets/Chat-def.js': 'chat', 'assets/stray.js': 'x', 'secret.txt': 's' },
      { 'index.html': { file: 'assets/index-abc.js', css: ['assets/index-abc.css'] }, 'src/pages/Chat.tsx': { file: 'assets/Chat-def.js' } },
    );
    const files = new DashboardFiles(dist);
    expect(files.indexHtml()?.toString()).toBe('<div id="root"></div>');
    expect(files.asset('index-abc.js')).toEqual({ path: join(dist, 'assets/index-abc.js'), type: '.js' });
    expect(files.asset('index-abc.css')).toEqual({ path: join(dist, 'assets/index-abc.css'), type: '.css' });
    expect(files.asset('Chat-def.js')?.type).toBe('.js');
    for (const name of ['stray.js', '../secret.txt', '..%2Fsecret.txt', '.vite/manifest.json', 'manifest.json', '__proto__', 'constructor', '']) {
      expect(files.asset(name)).toBeUndefined();
    }
  });

  it('picks up a rebuild (a new manifest) without a restart', () => {
    build({ 'index.html': 'v1', 'assets/a-1.js': '1' }, { 'index.html': { file: 'assets/a-1.js' } }, 1_000_000);
    const files = new DashboardFiles(dist);
    expect(files.asset('a-1.js')).toBeDefined();
    rmSync(join(dist, 'assets'), { recursive: true });
    build({ 'index.html': 'v2', 'assets/a-2.js': '2' }, { 'index.html': { file: 'assets/a-2.js' } }, 2_000_000);
    expect(files.asset('a-1.js')).toBeUndefined();
    expect(files.asset('a-2.js')).toBeDefined();
    expect(files.indexHtml()?.toString()).toBe('v2');
  });

  it('keeps each asset compressed once, and forgets it on a rebuild', async () => {
    const script = 'console.log("dashboard");\n'.repeat(200);
    build({ 'index.html': 'v1', 'assets/a-1.js': script }, { 'index.html': { file: 'assets/a-1.js' } }, 1_000_000);
    const files = new DashboardFiles(dist);
    const first = files.assetBody('a-1.js')!;
    expect(first.type).toBe('.js');
    expect(files.assetBody('a-1.js')!.body).toBe(first.body);
    const { br, gzip } = await first.body.warm();
    expect(brotliDecompressSync(br).toString()).toBe(script);
    expect(gunzipSync(gzip).toString()).toBe(script);
    expect(br.length).toBeLessThan(script.length / 10);

    build({ 'index.html': 'v2', 'assets/a-1.js': 'changed' }, { 'index.html': { file: 'assets/a-1.js' } }, 2_000_000);
    expect(gunzipSync((await files.assetBody('a-1.js')!.body.warm()).gzip).toString()).toBe('changed');
    expect(files.assetBody('missing.js')).toBeUndefined();
  });
});

/** JAN_MEDIA_DIR: uploaded files live in the named folder (one replicas can share), not in the data folder. */
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadFile } from '../support/media-fixtures-http.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/** Every file under `dir`, as paths relative to it. */
function filesUnder(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name)) : [];
}

describe('JAN_MEDIA_DIR', () => {
  let server: TestServer;
  let mediaDir: string;

  beforeAll(async () => {
    mediaDir = await mkdtemp(join(tmpdir(), 'jan-media-dir-'));
    server = await startTestServer({ mediaDir });
  });
  afterAll(async () => {
    await server.close();
    await rm(mediaDir, { recursive: true, force: true });
  });

  it('keeps an upload in the named folder and serves it from there', async () => {
    const token = await server.guestToken();
    const data = new TextEncoder().encode('kept in the shared media folder\n');
    const uploaded = await uploadFile(server, token, data, 'shared.txt');
    expect(uploaded.status).toBeLessThan(300);
    expect(filesUnder(mediaDir).length).toBeGreaterThan(0);
    expect(filesUnder(join(server.dataDir, 'media'))).toEqual([]);
    const id = (uploaded.json.id ?? uploaded.json.file?.id) as string;
    const content = await fetch(`${server.url}/v1/media/files/${id}/content`, { headers: { authorization: `Bearer ${token}` } });
    expect(await content.text()).toBe('kept in the shared media folder\n');
  });

  it('is refused at start when it cannot be a folder', async () => {
    await expect(startTestServer({ mediaDir: join(server.dataDir, 'jan.lock') })).rejects.toThrow();
  });
});

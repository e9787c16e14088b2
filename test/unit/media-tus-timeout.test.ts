/** The tus request timeout: a stalled PATCH is cut, what arrived is kept, and the upload resumes from there. */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TusUploads } from '../../server/http/tus-server.js';

describe('TusUploads request timeout', () => {
  let dir: string;
  let server: Server;
  let base: string;
  let tus: TusUploads;
  const finished: { userId: string; bytes: number }[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'jan-tus-'));
    tus = new TusUploads({
      directory: dir, path: '/up', maxBytes: 1_000_000, expirationMs: 3_600_000, requestTimeoutMs: 300, allowOrigin: () => false,
      onFinished: async (userId, upload) => {
        finished.push({ userId, bytes: upload.bytes });
        return { 'Media-File-Id': 'jan_test' };
      },
    });
    server = createServer(async (req, res) => {
      const { response } = await tus.handle(req, 'user_1');
      if (res.destroyed) return;
      res.writeHead(response.status, Object.fromEntries(response.headers.entries()));
      res.end(Buffer.from(await response.arrayBuffer()));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    tus.close();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const tusHeaders = { 'tus-resumable': '1.0.0' };

  it('cuts a PATCH that stalls, keeps its bytes, and lets the client resume', async () => {
    const created = await fetch(`${base}/up`, { method: 'POST', headers: { ...tusHeaders, 'upload-length': '3000' } });
    expect(created.status).toBe(201);
    const location = created.headers.get('location')!;

    // Send 1,000 bytes, then nothing: the server must give up after 300 ms.
    const cut = await new Promise<string>((resolve) => {
      const req = request(location, { method: 'PATCH', headers: { ...tusHeaders, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream', 'content-length': '3000' } });
      req.on('error', (error) => resolve(error.message));
      req.on('response', (res) => resolve(`answered ${res.statusCode}`));
      req.write(Buffer.alloc(1000, 'a'));
    });
    expect(cut).toMatch(/^(socket hang up|read ECONNRESET)$/);

    const head = await fetch(location, { method: 'HEAD', headers: tusHeaders });
    expect(head.headers.get('upload-offset')).toBe('1000');
    const rest = await fetch(location, {
      method: 'PATCH', headers: { ...tusHeaders, 'upload-offset': '1000', 'content-type': 'application/offset+octet-stream' }, body: Buffer.alloc(2000, 'b'),
    });
    expect([rest.status, rest.headers.get('media-file-id')]).toEqual([204, 'jan_test']);
    expect(finished).toEqual([{ userId: 'user_1', bytes: 3000 }]);
  });
});

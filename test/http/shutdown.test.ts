import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { slowPost } from '../support/slow-post.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

describe('graceful shutdown', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('lets an in-flight request finish, then closes the database with its write on disk', async () => {
    server = await startTestServer();
    const dbFile = join(server.dataDir, 'jan.sqlite');
    const pending = slowPost(server.url, '/v1/conversations', JSON.stringify({ title: 'written during shutdown' }));
    await new Promise((resolve) => setTimeout(resolve, 100)); // the server has the headers and half the body

    let closed = false;
    const closing = server.stop().then(() => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(closed).toBe(false); // waiting for the request in flight

    pending.finish();
    const response = await pending.response;
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ object: 'conversation', title: 'written during shutdown' });
    await closing;
    expect(closed).toBe(true);
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();

    const db = new Database(dbFile, { readonly: true });
    expect(db.prepare('SELECT title FROM conversations').all()).toEqual([{ title: 'written during shutdown' }]);
    db.close();
  });
});

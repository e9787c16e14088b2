import { afterEach, describe, expect, it } from 'vitest';
import { openServerDatabase } from '../support/server-database.js';
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

    const db = await openServerDatabase(server);
    expect(await db.all('SELECT title FROM conversations')).toEqual([{ title: 'written during shutdown' }]);
    await db.close();
  });
});

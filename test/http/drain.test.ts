/**
 * Graceful drain of the real entry (server/main.ts in a child process, test/support/server-process.ts) on SIGTERM,
 * as a rolling update sends it: `/readyz` answers 503 + Retry-After at once while the server still serves for
 * JAN_DRAIN_DELAY_MS, a keep-alive client is told `Connection: close`, then new connections are refused while a
 * request that was in flight all along completes; the process exits 0 and its write is there after a restart.
 */
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from '../support/raw-http.js';
import { spawnServer, type ServerProcess } from '../support/server-process.js';
import { slowPost } from '../support/slow-post.js';
import { TEST_ADMIN_KEY } from '../support/test-server.js';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A GET over `agent` (a kept-alive connection), or over a new connection when none is given. */
function get(url: string, path: string, agent?: Agent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    request(new URL(path, url), { agent: agent ?? false }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    }).on('error', reject).end();
  });
}

/** Asks `probe` every 20 ms until it returns something other than undefined. */
async function until<T>(probe: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    const answer = await probe();
    if (answer !== undefined) return answer;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('SIGTERM drains the server', () => {
  let dataDir: string;
  const running: ServerProcess[] = [];
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'jan-drain-'));
  });
  afterAll(async () => {
    for (const server of running) server.child.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('fails readiness at once, closes keep-alive connections, refuses new ones, finishes the request in flight and exits 0', async () => {
    const server = spawnServer(dataDir, { JAN_API_KEY: TEST_ADMIN_KEY, JAN_DRAIN_DELAY_MS: '1000', JAN_SHUTDOWN_TIMEOUT_MS: '60000' });
    running.push(server);
    const url = await server.listening;
    expect((await get(url, '/readyz')).status).toBe(200);
    const keptAlive = new Agent({ keepAlive: true, maxSockets: 1 });
    expect((await get(url, '/healthz', keptAlive)).headers.connection).toBe('keep-alive');

    // A request in flight across the whole drain: its headers and half its body are in, the rest comes later.
    const pending = slowPost(url, '/v1/conversations', JSON.stringify({ title: 'finished while draining' }));
    server.child.kill('SIGTERM');

    const notReady = await until(async () => {
      const answer = await get(url, '/readyz');
      return answer.status === 200 ? undefined : answer;
    });
    expect(notReady.status).toBe(503);
    expect(notReady.headers['retry-after']).toBe('5');
    expect(notReady.headers.connection).toBe('close');
    expect(JSON.parse(notReady.body)).toEqual({
      error: { message: 'The server is shutting down.', type: 'service_unavailable_error', param: null, code: null },
    });
    // Still serving during the delay, but each response closes its connection, so the next one goes elsewhere.
    const lastOnKeptAlive = await get(url, '/healthz', keptAlive);
    expect(lastOnKeptAlive).toMatchObject({ status: 200, headers: { connection: 'close' } });
    keptAlive.destroy();

    // Once the delay is over the listener is closed: a new connection is refused. (One that raced the close,
    // queued by the kernel but never accepted, is reset instead: that is why the load balancer must stop first.)
    const refused = await until(() => get(url, '/healthz').then(() => undefined, (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? undefined : error)));
    expect(refused.code).toBe('ECONNREFUSED');

    pending.finish();
    const response = await pending.response;
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ object: 'conversation', title: 'finished while draining' });
    expect(await server.exited).toBe(0);
    expect(server.stderr()).toContain('jan-server: SIGTERM, shutting down');

    // The write acknowledged during the drain was committed before the store closed.
    const again = spawnServer(dataDir, { JAN_API_KEY: TEST_ADMIN_KEY });
    running.push(again);
    const list = await rawRequest(await again.listening, { path: '/v1/conversations', headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } });
    expect(list.json.data.map((c: { title: string }) => c.title)).toEqual(['finished while draining']);
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
  }, 60_000);
});

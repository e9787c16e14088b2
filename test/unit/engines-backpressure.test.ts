/**
 * A proxied stream (http/engine-reply.ts) reads from the engine only as fast as the client takes it: with a
 * client that stops reading, the engine's body stops being read (its bytes stay bounded by the socket buffers);
 * reading again resumes it; a client that leaves destroys it (which closes the engine's connection).
 */
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../server/errors/app-error.js';
import { sendEngineReply } from '../../server/http/engine-reply.js';
import type { AppContext } from '../../server/http/types.js';
import { createMetrics } from '../../server/metrics/create-metrics.js';

const CHUNK = Buffer.alloc(16 * 1024, 'a');
const CAP = 64 * 1024 * 1024;

let server: Server | undefined;
let client: Socket | undefined;

afterEach(async () => {
  client?.destroy();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
});

async function settle(read: () => number): Promise<number> {
  let last = -1;
  let stable = 0;
  for (let i = 0; i < 1000 && stable < 10; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    const now = read();
    stable = now === last ? stable + 1 : 0;
    last = now;
  }
  return last;
}

describe('proxied engine streams', () => {
  it('stop reading the engine while the client does not read, and resume when it does', async () => {
    let produced = 0;
    const engineBody = new Readable({
      read() {
        if (produced >= CAP) return void this.push(null);
        produced += CHUNK.length;
        this.push(CHUNK);
      },
    });
    const metrics = createMetrics();
    server = createServer((req, res) => {
      const ctx = { req, res, respond: true, state: { signal: new AbortController().signal }, set: () => undefined } as unknown as AppContext;
      sendEngineReply(ctx, { kind: 'stream', engine: 'e', contentType: 'text/event-stream', body: engineBody, failure: () => new AppError(502, 'server_error', 'x') }, { metrics });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    client = connect(port, '127.0.0.1');
    client.pause(); // a client that does not read
    client.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');

    const whilePaused = await settle(() => produced);
    expect(whilePaused).toBeGreaterThan(0);
    expect(whilePaused).toBeLessThan(CAP / 4); // socket buffers, not the whole stream

    let received = 0;
    client.on('data', (chunk: Buffer) => (received += chunk.length));
    client.resume();
    await settle(() => received);
    expect(produced).toBe(CAP); // the rest was read once the client read again

    const body2 = new Readable({ read() { this.push(CHUNK); } });
    server.removeAllListeners('request');
    server.on('request', (req, res) => {
      const ctx = { req, res, respond: true, state: { signal: new AbortController().signal }, set: () => undefined } as unknown as AppContext;
      sendEngineReply(ctx, { kind: 'stream', engine: 'e', contentType: 'text/event-stream', body: body2, failure: () => new AppError(502, 'server_error', 'x') }, { metrics });
    });
    const leaving = connect(port, '127.0.0.1');
    leaving.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise((resolve) => leaving.once('data', resolve));
    leaving.destroy(); // the client leaves
    await new Promise((resolve) => body2.once('close', resolve));
    expect(body2.destroyed).toBe(true);
  });
});

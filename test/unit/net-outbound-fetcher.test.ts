/**
 * The outbound fetcher against local servers. Every socket here goes to a loopback address: refusals of
 * other addresses are tested in net-address-policy.test.ts, where no socket is opened at all.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FetchError } from '../../server/net/fetch-error.js';
import type { Resolver } from '../../server/net/guarded-lookup.js';
import { openUrl, type FetchOptions } from '../../server/net/outbound-fetcher.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** An HTTP server on every local address (`::`, dual-stack) that logs requests and connections. */
async function origin(routes: Record<string, Handler>) {
  const requests: Array<{ url: string; headers: IncomingHttpHeaders }> = [];
  let connections = 0;
  const server: Server = createServer((req, res) => {
    requests.push({ url: req.url ?? '', headers: req.headers });
    (routes[req.url ?? ''] ?? ((_q, r) => r.writeHead(404).end('nope')))(req, res);
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '::', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port, requests,
    get connections() { return connections; },
    url: (path: string, host = '127.0.0.1') => `http://${host}:${port}${path}`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** A TCP server that writes `raw` to each connection (and keeps it open unless `end`). */
async function rawOrigin(raw: (socket: Socket) => void) {
  const sockets = new Set<Socket>();
  const server: TcpServer = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('data', () => raw(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise<void>((resolve) => { for (const s of sockets) s.destroy(); server.close(() => resolve()); }),
  };
}

const readAll = async (body: Readable) => {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};
const fetchAll = async (url: string, options: FetchOptions) => readAll((await openUrl(url, options)).body);
const failure = (work: Promise<unknown>) => work.then(() => { throw new Error('expected a FetchError'); }, (error: unknown) => {
  expect(error).toBeInstanceOf(FetchError);
  return error as FetchError;
});
const resolveTo = (address: string, calls: string[] = []): Resolver => async (hostname) => {
  calls.push(hostname);
  return [{ address, family: address.includes(':') ? 6 : 4 }];
};

describe('openUrl: where it may connect', () => {
  let a: Awaited<ReturnType<typeof origin>>;
  let b: Awaited<ReturnType<typeof origin>>;
  beforeAll(async () => {
    b = await origin({ '/file': (req, res) => res.end(`from b, auth=${req.headers.authorization ?? 'none'}`) });
    a = await origin({
      '/ok': (_req, res) => res.end('ok'),
      '/to-b': (_req, res) => res.writeHead(302, { location: b.url('/file') }).end(),
      '/to-b-literal': (_req, res) => res.writeHead(302, { location: b.url('/file', '127.0.0.2') }).end(),
      '/to-b-name': (_req, res) => res.writeHead(301, { location: b.url('/file', 'inner.test') }).end(),
      '/to-b-v6': (_req, res) => res.writeHead(307, { location: b.url('/file', '[::1]') }).end(),
      '/loop': (_req, res) => res.writeHead(302, { location: '/loop' }).end(),
    });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  it("under 'any' connects to every loopback form of a literal host", async () => {
    const hosts = ['127.0.0.1', '2130706433', '0x7f000001', '0x7f.1', '0177.0.0.1', '127.1', '0', '0.0.0.0', '[::1]', '[::ffff:127.0.0.1]', '[::ffff:7f00:1]', 'localhost'];
    const bodies = await Promise.all(hosts.map(async (host) => (await fetchAll(a.url('/ok', host), { policy: 'any' })).toString()));
    expect(bodies).toEqual(hosts.map(() => 'ok'));
  });

  it("under 'public' refuses a name that resolves to loopback, without connecting", async () => {
    const before = a.connections;
    expect(await failure(openUrl(a.url('/ok', 'localhost'), { policy: 'public' }))).toMatchObject({
      code: 'blocked', reason: 'address', host: 'localhost', message: expect.stringMatching(/^Refusing to fetch from localhost \((127\.0\.0\.1|::1)\): not a public address\.$/),
    });
    const calls: string[] = [];
    expect(await failure(openUrl(a.url('/ok', 'rebind.test'), { policy: 'public', resolver: resolveTo('127.0.0.1', calls) }))).toMatchObject({
      code: 'blocked', address: '127.0.0.1', message: 'Refusing to fetch from rebind.test (127.0.0.1): not a public address.',
    });
    expect(calls).toEqual(['rebind.test']);
    expect(a.connections).toBe(before);
  });

  it('connects a name to the address its lookup checked (resolved once per connection)', async () => {
    const calls: string[] = [];
    expect((await fetchAll(a.url('/ok', 'named.test'), { policy: 'any', resolver: resolveTo('::1', calls) })).toString()).toBe('ok');
    expect(calls).toEqual(['named.test']);
    const allowed = await fetchAll(a.url('/ok', 'mirror.test'), { policy: 'public', allow: ['::1'], resolver: resolveTo('::1') });
    expect(allowed.toString()).toBe('ok');
  });

  it("re-checks each redirect hop: under 'public' a hop to another loopback port is refused before connecting", async () => {
    const before = b.connections;
    const allowA = { policy: 'public' as const, allow: ['127.0.0.1'], resolver: resolveTo('127.0.0.3') };
    expect(await failure(openUrl(a.url('/to-b-literal'), allowA))).toMatchObject({ code: 'blocked', reason: 'address', address: '127.0.0.2' });
    expect(await failure(openUrl(a.url('/to-b-v6'), allowA))).toMatchObject({ code: 'blocked', reason: 'address', address: '::1' });
    expect(await failure(openUrl(a.url('/to-b-name'), allowA))).toMatchObject({ code: 'blocked', reason: 'address', host: 'inner.test', address: '127.0.0.3' });
    expect(b.connections).toBe(before);
  });

  it("under 'any' follows redirects, dropping credentials when the origin changes", async () => {
    const response = await openUrl(a.url('/to-b'), { policy: 'any', headers: { authorization: 'Bearer secret' } });
    expect(response).toMatchObject({ url: b.url('/file'), status: 200, offset: 0 });
    expect((await readAll(response.body)).toString()).toBe('from b, auth=none');
    expect(a.requests.at(-1)!.headers.authorization).toBe('Bearer secret');
    const named = await fetchAll(a.url('/to-b-name'), { policy: 'any', resolver: resolveTo('127.0.0.1') });
    expect(named.toString()).toBe('from b, auth=none');
  });

  it('caps a redirect loop', async () => {
    const before = a.requests.length;
    expect(await failure(openUrl(a.url('/loop'), { policy: 'any', maxRedirects: 3 }))).toMatchObject({
      code: 'failed', reason: 'redirects', message: `Too many redirects fetching ${a.url('/loop')}.`,
    });
    expect(a.requests.length - before).toBe(4);
  });

  it('fails on an HTTP error status, naming it', async () => {
    expect(await failure(openUrl(a.url('/missing'), { policy: 'any' }))).toMatchObject({
      code: 'failed', reason: 'status', status: 404, message: `Fetching ${a.url('/missing')} failed with HTTP 404.`,
    });
  });

  it('fails on a refused connection with the socket error', async () => {
    const closed = await origin({});
    const url = closed.url('/x');
    await closed.close();
    expect(await failure(openUrl(url, { policy: 'any' }))).toMatchObject({ code: 'failed', reason: 'network', message: expect.stringMatching(/^Could not fetch .*ECONNREFUSED/) });
  });
});

describe('openUrl: size cap', () => {
  const payload = randomBytes(64 * 1024);
  let server: Awaited<ReturnType<typeof origin>>;
  beforeAll(async () => {
    server = await origin({
      '/sized': (_req, res) => res.end(payload),
      '/chunked': (_req, res) => {
        for (let i = 0; i < payload.length; i += 4096) res.write(payload.subarray(i, i + 4096));
        res.end();
      },
      '/short': (_req, res) => {
        res.writeHead(200, { 'content-length': payload.length });
        res.write(payload.subarray(0, 1000), () => res.destroy());
      },
    });
  });
  afterAll(() => server.close());

  it('refuses by Content-Length before reading the body', async () => {
    expect(await failure(openUrl(server.url('/sized'), { policy: 'any', maxBytes: 1000 }))).toMatchObject({ code: 'too_large' });
    expect((await fetchAll(server.url('/sized'), { policy: 'any', maxBytes: payload.length })).equals(payload)).toBe(true);
  });

  it('refuses a chunked body (no Content-Length) by counting its bytes', async () => {
    const response = await openUrl(server.url('/chunked'), { policy: 'any', maxBytes: 10_000 });
    expect(response).toMatchObject({ contentLength: undefined, totalBytes: null });
    expect(await failure(readAll(response.body))).toMatchObject({ code: 'too_large' });
    expect((await fetchAll(server.url('/chunked'), { policy: 'any', maxBytes: payload.length })).equals(payload)).toBe(true);
  });

  it('refuses a body delimited by the connection closing, and one whose framing contradicts its Content-Length', async () => {
    const closeDelimited = await rawOrigin((socket) => socket.end(Buffer.concat([Buffer.from('HTTP/1.1 200 OK\r\nconnection: close\r\n\r\n'), payload])));
    const response = await openUrl(closeDelimited.url, { policy: 'any', maxBytes: 10_000 });
    expect(await failure(readAll(response.body))).toMatchObject({ code: 'too_large' });
    await closeDelimited.close();
    // Claims 10 bytes but is chunked: refused either as malformed or by the count, never taken whole.
    const lying = await rawOrigin((socket) => {
      socket.write('HTTP/1.1 200 OK\r\ncontent-length: 10\r\ntransfer-encoding: chunked\r\n\r\n');
      for (let i = 0; i < 16; i++) socket.write(`1000\r\n${'x'.repeat(0x1000)}\r\n`);
      socket.end('0\r\n\r\n');
    });
    const error = await failure(fetchAll(lying.url, { policy: 'any', maxBytes: 10_000 }));
    expect(['too_large', 'failed']).toContain(error.code);
    await lying.close();
  });

  it('fails a body cut short of its Content-Length', async () => {
    expect(await failure(fetchAll(server.url('/short'), { policy: 'any' }))).toMatchObject({ code: 'failed', reason: 'network' });
  });
});

describe('openUrl: timeouts and abort', () => {
  const held: ServerResponse[] = [];
  let server: Awaited<ReturnType<typeof origin>>;
  beforeAll(async () => {
    server = await origin({
      '/silent': (_req, res) => void held.push(res),
      '/stall': (_req, res) => {
        res.writeHead(200, { 'content-length': 1000 });
        res.write('x'.repeat(100));
        held.push(res);
      },
      '/trickle': (_req, res) => {
        const timer = setInterval(() => res.write('x'), 10);
        res.on('close', () => clearInterval(timer));
      },
    });
  });
  afterAll(() => server.close());

  it('times out waiting for headers and between body chunks (stall)', async () => {
    expect(await failure(openUrl(server.url('/silent'), { policy: 'any', stallTimeoutMs: 100 }))).toMatchObject({
      code: 'timeout', message: `Nothing arrived from ${server.url('/silent')} for 100 ms.`,
    });
    const response = await openUrl(server.url('/stall'), { policy: 'any', stallTimeoutMs: 100 });
    expect(await failure(readAll(response.body))).toMatchObject({ code: 'timeout' });
  });

  it('restarts the stall timer on every chunk: a slow but steady body is not a stall', async () => {
    const response = await openUrl(server.url('/trickle'), { policy: 'any', stallTimeoutMs: 500 });
    let bytes = 0;
    for await (const chunk of response.body) if ((bytes += (chunk as Buffer).length) >= 100) break; // ~1 s: twice the stall time
    expect(bytes).toBeGreaterThanOrEqual(100);
  });

  it('times out on the total time even while bytes keep coming', async () => {
    const response = await openUrl(server.url('/trickle'), { policy: 'any', stallTimeoutMs: 10_000, timeoutMs: 200 });
    expect(await failure(readAll(response.body))).toMatchObject({ code: 'timeout', message: `Fetching ${server.url('/trickle')} took longer than 200 ms.` });
  });

  it('stops on abort, before and after the headers, and closes the connection', async () => {
    const early = new AbortController();
    const before = server.requests.length;
    const pending = openUrl(server.url('/silent'), { policy: 'any', signal: early.signal });
    while (server.requests.length === before) await new Promise((r) => setTimeout(r, 5));
    early.abort(new Error('client left'));
    expect(await failure(pending)).toMatchObject({ code: 'aborted', cause: early.signal.reason });

    const late = new AbortController();
    const response = await openUrl(server.url('/trickle'), { policy: 'any', signal: late.signal, onProgress: () => late.abort() });
    const closed = new Promise((resolve) => response.body.once('close', resolve));
    expect(await failure(readAll(response.body))).toMatchObject({ code: 'aborted' });
    await closed;
  });
});

describe('openUrl: Range resume and progress', () => {
  const file = randomBytes(300 * 1024);
  let mode: 'ranges' | 'ignore' | '416' | 'wrong-range' = 'ranges';
  let server: Awaited<ReturnType<typeof origin>>;
  beforeAll(async () => {
    server = await origin({
      '/file': (req, res) => {
        const start = Number(/^bytes=(\d+)-$/.exec(req.headers.range ?? '')?.[1] ?? NaN);
        if (!Number.isInteger(start) || mode === 'ignore') return void res.writeHead(200, { 'content-length': file.length }).end(file);
        if (mode === '416') return void res.writeHead(416, { 'content-range': `bytes */${file.length}` }).end();
        const from = mode === 'wrong-range' ? 0 : start;
        res.writeHead(206, { 'content-length': file.length - from, 'content-range': `bytes ${from}-${file.length - 1}/${file.length}` }).end(file.subarray(from));
      },
    });
  });
  afterAll(() => server.close());

  it('resumes byte-exact from an offset, reporting monotonic progress up to the total', async () => {
    mode = 'ranges';
    const startAt = 123_457;
    const progress: Array<[number, number | null]> = [];
    const response = await openUrl(server.url('/file'), { policy: 'any', startAt, onProgress: (bytes, total) => progress.push([bytes, total]) });
    expect(response).toMatchObject({ status: 206, offset: startAt, contentLength: file.length - startAt, totalBytes: file.length });
    expect(server.requests.at(-1)!.headers.range).toBe(`bytes=${startAt}-`);
    const rest = await readAll(response.body);
    expect(Buffer.concat([file.subarray(0, startAt), rest]).equals(file)).toBe(true);
    const bytes = progress.map(([b]) => b);
    expect(bytes[0]).toBeGreaterThan(startAt);
    expect(bytes.every((b, i) => i === 0 || b >= bytes[i - 1]!)).toBe(true);
    expect(bytes.at(-1)).toBe(file.length);
    expect(new Set(progress.map(([, total]) => total))).toEqual(new Set([file.length]));
  });

  it('counts the resumed part against the size cap', async () => {
    mode = 'ranges';
    expect(await failure(openUrl(server.url('/file'), { policy: 'any', startAt: 1000, maxBytes: file.length - 1 }))).toMatchObject({ code: 'too_large' });
  });

  it('takes the whole file when the server ignores the Range, answers 416 or sends other bytes', async () => {
    for (const m of ['ignore', '416', 'wrong-range'] as const) {
      mode = m;
      const before = server.requests.length;
      const response = await openUrl(server.url('/file'), { policy: 'any', startAt: 5000 });
      expect(response, m).toMatchObject({ status: 200, offset: 0, totalBytes: file.length });
      expect((await readAll(response.body)).equals(file), m).toBe(true);
      expect(server.requests.slice(before).map((r) => r.headers.range), m).toEqual(m === 'ignore' ? ['bytes=5000-'] : ['bytes=5000-', undefined]);
    }
  });

  it("fails cleanly instead when told to (resumeFallback: 'fail')", async () => {
    for (const m of ['ignore', '416', 'wrong-range'] as const) {
      mode = m;
      expect(await failure(openUrl(server.url('/file'), { policy: 'any', startAt: 5000, resumeFallback: 'fail' })), m).toMatchObject({ code: 'failed', reason: 'range' });
    }
  });
});

describe('openUrl: a Content-Length body read from the socket', () => {
  it('holds the socket while the reader is slow (backpressure) and delivers every byte in order', async () => {
    const file = randomBytes(8 * 1024 * 1024);
    const server = await origin({ '/big': (_req, res) => void res.writeHead(200, { 'content-length': file.length }).end(file) });
    try {
      const response = await openUrl(server.url('/big'), { policy: 'any' });
      const chunks: Buffer[] = [];
      let held = 0;
      for await (const chunk of response.body) {
        chunks.push(chunk as Buffer);
        held = Math.max(held, response.body.readableLength);
        if (chunks.length % 16 === 0) await new Promise((resolve) => setTimeout(resolve, 5)); // a reader slower than the socket
      }
      expect(Buffer.concat(chunks).equals(file)).toBe(true);
      expect(held).toBeLessThan(4 * 1024 * 1024); // the socket stopped while the body was full; the file never sat in memory
    } finally {
      await server.close();
    }
  });

  it('takes exactly Content-Length bytes when the server sends more after them', async () => {
    const raw = await rawOrigin((socket) => socket.end('HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhelloEXTRA'));
    try {
      expect((await fetchAll(raw.url, { policy: 'any' })).toString()).toBe('hello');
    } finally {
      await raw.close();
    }
  });

  it('hands over the bytes that came before a cut, then fails', async () => {
    const head = randomBytes(200 * 1024);
    const raw = await rawOrigin((socket) => {
      socket.write(`HTTP/1.1 200 OK\r\ncontent-length: ${head.length * 2}\r\n\r\n`);
      socket.write(head, () => setTimeout(() => socket.destroy(), 20));
    });
    try {
      const response = await openUrl(raw.url, { policy: 'any' });
      const chunks: Buffer[] = [];
      const error = await failure((async () => {
        for await (const chunk of response.body) chunks.push(chunk as Buffer);
      })());
      expect(error).toMatchObject({ code: 'failed', reason: 'network' });
      expect(Buffer.concat(chunks).equals(head)).toBe(true);
    } finally {
      await raw.close();
    }
  });
});

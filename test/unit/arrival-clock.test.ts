import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { createArrivalClock } from '../../server/http/arrival-clock.js';

/**
 * A real HTTP server with the clock, whose handler keeps the event loop busy for `busyMs` (a synchronous
 * spin, as a CPU-heavy request would). Each response reports how long the request took from the clock's
 * arrival and from the moment the handler started.
 */
interface Timing {
  fromArrivalMs: number;
  fromHandlerMs: number;
}

function busyServer(busyMs: (path: string) => number): { server: Server; timings: Map<string, Timing> } {
  const clock = createArrivalClock();
  const timings = new Map<string, Timing>();
  const server = createServer(
    clock.wrap((req, res) => {
      const handlerStart = process.hrtime.bigint();
      const until = performance.now() + busyMs(req.url!);
      while (performance.now() < until);
      res.once('finish', () => {
        const end = process.hrtime.bigint();
        const arrival = clock.arrivalOf(req)!;
        timings.set(req.url!, { fromArrivalMs: Number(end - arrival) / 1e6, fromHandlerMs: Number(end - handlerStart) / 1e6 });
      });
      res.end('ok');
    }),
  );
  server.on('connection', (socket) => clock.onConnection(socket));
  return { server, timings };
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function openSocket(port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  return socket;
}

/** How long a connection sits idle before its request: long enough that counting it could not be mistaken for load. */
const IDLE_MS = 500;

const request = (path: string) => `GET ${path} HTTP/1.1\r\nHost: localhost\r\n\r\n`;

/** Resolves once the socket has received one complete (tiny, non-chunked) response. */
function response(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    let text = '';
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\r\n\r\nok')) {
        socket.off('data', onData);
        resolve();
      }
    };
    socket.on('data', onData);
  });
}

let server: Server | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  if (server) await new Promise((resolve) => server!.close(resolve));
  server = undefined;
});

describe('arrival clock', () => {
  it('counts the wait behind requests read in the same loop turn', async () => {
    const busy = busyServer(() => 25);
    server = busy.server;
    const port = await listen(server);
    const accepted = new Promise<void>((resolve) => {
      let count = 0;
      server!.on('connection', () => ++count === 3 && setImmediate(resolve));
    });
    const connections = await Promise.all([1, 2, 3].map(() => openSocket(port)));
    sockets.push(...connections);
    await accepted; // the client side connects before the server has accepted
    const answered = connections.map(response);
    // Written in one tick: all three are in the server's socket buffers before its loop reads any of them.
    connections.forEach((socket, i) => socket.write(request(`/r${i}`)));
    await Promise.all(answered);

    const ordered = [...busy.timings.values()].sort((a, b) => a.fromArrivalMs - b.fromArrivalMs);
    expect(ordered).toHaveLength(3);
    // Each handler spun 25 ms; the last one read had waited for the other two (lower bounds only: a loaded
    // machine makes every figure longer, never shorter).
    expect(ordered[2]!.fromArrivalMs).toBeGreaterThanOrEqual(70);
    expect(ordered[2]!.fromArrivalMs).toBeGreaterThan(ordered[2]!.fromHandlerMs + 40);
  });

  it('counts the wait of a request that arrived while the loop was busy with another', async () => {
    // The second request comes from a worker thread (its own event loop), sent while this loop spins on /slow.
    let sendFast = () => {};
    const busy = busyServer((path) => {
      if (path !== '/slow') return 1;
      sendFast(); // the worker sends while this handler spins
      return 80;
    });
    server = busy.server;
    const port = await listen(server);
    const worker: Worker = new Worker(
      `const { parentPort, workerData } = require('node:worker_threads');
       const net = require('node:net');
       const socket = net.connect(workerData.port, '127.0.0.1', () => parentPort.postMessage('connected'));
       socket.on('data', (chunk) => { if (chunk.toString().includes('ok')) parentPort.postMessage('answered'); });
       parentPort.on('message', () => socket.write('GET /fast HTTP/1.1\\r\\nHost: localhost\\r\\n\\r\\n'));`,
      { eval: true, workerData: { port } },
    );
    sendFast = () => worker.postMessage('send');
    try {
      const next = () => new Promise((resolve) => worker.once('message', resolve));
      await next(); // connected: its connection is accepted (and idle) long before the request
      await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
      const slow = await openSocket(port);
      sockets.push(slow);
      const slowAnswered = response(slow);
      const fastAnswered = next();
      slow.write(request('/slow'));
      await Promise.all([slowAnswered, fastAnswered]);

      const fast = busy.timings.get('/fast')!;
      // It waited for most of /slow's 80 ms, but not for the time its connection sat idle before: counted, that
      // idle time alone would exceed IDLE_MS (a bound far from the ~80 ms expected, so load does not break it).
      expect(fast.fromArrivalMs).toBeGreaterThanOrEqual(50);
      expect(fast.fromArrivalMs).toBeLessThan(IDLE_MS);
    } finally {
      await worker.terminate();
    }
  });

  it('counts the wait behind work that follows a response written from a later callback', async () => {
    // As with compression: the loop idles, a callback (here a timer) writes a response, then more work follows.
    const clock = createArrivalClock();
    const timings = new Map<string, number>();
    server = createServer(
      clock.wrap((req, res) => {
        res.once('finish', () => timings.set(req.url!, Number(process.hrtime.bigint() - clock.arrivalOf(req)!) / 1e6));
        if (req.url !== '/deferred') return res.end('ok');
        setTimeout(() => {
          res.end('ok');
          // Once it is written, more work on the loop: /fast arrives meanwhile.
          res.once('finish', () =>
            setImmediate(() => {
              worker.postMessage('send');
              const until = performance.now() + 60;
              while (performance.now() < until);
            }),
          );
        }, 20);
      }),
    );
    server.on('connection', (socket) => clock.onConnection(socket));
    const port = await listen(server);
    const worker = new Worker(
      `const { parentPort, workerData } = require('node:worker_threads');
       const net = require('node:net');
       const socket = net.connect(workerData.port, '127.0.0.1', () => parentPort.postMessage('connected'));
       socket.on('data', (chunk) => { if (chunk.toString().includes('ok')) parentPort.postMessage('answered'); });
       parentPort.on('message', () => socket.write('GET /fast HTTP/1.1\\r\\nHost: localhost\\r\\n\\r\\n'));`,
      { eval: true, workerData: { port } },
    );
    try {
      await new Promise((resolve) => worker.once('message', resolve));
      const socket = await openSocket(port);
      sockets.push(socket);
      const fastAnswered = new Promise((resolve) => worker.once('message', resolve));
      socket.write(request('/deferred'));
      await fastAnswered;
      expect(timings.get('/fast')).toBeGreaterThanOrEqual(45);
    } finally {
      await worker.terminate();
    }
  });

  it('does not count the time a keep-alive connection sat idle', async () => {
    const busy = busyServer(() => 2);
    server = busy.server;
    const port = await listen(server);
    const socket = await openSocket(port);
    sockets.push(socket);
    let answered = response(socket);
    socket.write(request('/first'));
    await answered;
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    answered = response(socket);
    socket.write(request('/second'));
    await answered;
    // A 2 ms request; counting the idle keep-alive time would make it at least IDLE_MS.
    expect(busy.timings.get('/second')!.fromArrivalMs).toBeLessThan(IDLE_MS);
  });

  it('has no arrival for a request that did not come through wrap', () => {
    const clock = createArrivalClock();
    expect(clock.arrivalOf({} as never)).toBeUndefined();
  });
});

/**
 * Readiness (server/health/readiness.ts) and the drain's `Connection: close` (server/drain.ts): probes that fail,
 * throw or hang make the replica not ready, draining makes it not ready for good, and responses sent while
 * draining (including one that was in flight when draining began) close their keep-alive connection.
 */
import { Agent, createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { closingConnectionsWhileDraining, startDrain } from '../../server/drain.js';
import { Readiness } from '../../server/health/index.js';

describe('Readiness', () => {
  it('is ready with every probe answering, and names the ones that do not', async () => {
    let redisUp = true;
    const readiness = new Readiness({ probes: [{ name: 'database', ready: () => true }] });
    readiness.addProbe({ name: 'redis', ready: () => Promise.resolve(redisUp) });
    expect(await readiness.check()).toEqual({ ready: true });
    redisUp = false;
    expect(await readiness.check()).toEqual({ ready: false, draining: false, failing: ['redis'] });
  });

  it('counts a probe that throws, rejects or hangs past its timeout as failing', async () => {
    const readiness = new Readiness({
      probeTimeoutMs: 50,
      probes: [
        { name: 'throws', ready: () => { throw new Error('closed'); } },
        { name: 'rejects', ready: () => Promise.reject(new Error('ECONNREFUSED')) },
        { name: 'hangs', ready: () => new Promise<boolean>(() => undefined) },
        { name: 'answers', ready: async () => true },
      ],
    });
    expect(await readiness.check()).toEqual({ ready: false, draining: false, failing: ['throws', 'rejects', 'hangs'] });
  });

  it('is not ready once draining, whatever the probes say, and stays so', async () => {
    const readiness = new Readiness({ probes: [{ name: 'database', ready: () => true }] });
    expect(readiness.draining).toBe(false);
    await startDrain({ readiness, delayMs: 0, logger: pino({ level: 'silent' }) });
    expect(readiness.draining).toBe(true);
    expect(await readiness.check()).toEqual({ ready: false, draining: true });
    readiness.startDraining();
    expect(await readiness.check()).toEqual({ ready: false, draining: true });
  });

  it('says draining when draining began while the probes ran', async () => {
    let release: (ok: boolean) => void = () => undefined;
    let askedNow: () => void = () => undefined;
    const asked = new Promise<void>((resolve) => (askedNow = resolve));
    const readiness = new Readiness({
      probes: [{ name: 'database', ready: () => new Promise<boolean>((resolve) => { release = resolve; askedNow(); }) }],
    });
    const checking = readiness.check();
    await asked;
    readiness.startDraining();
    release(true);
    expect(await checking).toEqual({ ready: false, draining: true });
  });
});

describe('closingConnectionsWhileDraining', () => {
  let server: Server | undefined;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  afterEach(() => {
    agent.destroy();
    server?.closeAllConnections();
    server?.close();
  });

  it('lets keep-alive be until draining, then closes each connection after its response, in flight or new', async () => {
    const readiness = new Readiness();
    let answerSlow: () => void = () => undefined;
    let slowArrived: () => void = () => undefined;
    const arrived = new Promise<void>((resolve) => (slowArrived = resolve));
    server = createServer(closingConnectionsWhileDraining((req, res) => {
      if (req.url === '/slow') {
        answerSlow = () => res.end('slow');
        slowArrived();
      } else res.end('ok');
    }, readiness));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const get = (path: string) => new Promise<{ headers: IncomingHttpHeaders; body: string }>((resolve, reject) => {
      request({ port, host: '127.0.0.1', path, agent }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ headers: res.headers, body }));
      }).on('error', reject).end();
    });

    expect((await get('/')).headers.connection).toBe('keep-alive');
    const slow = get('/slow');
    await arrived; // in flight, its headers not sent yet
    readiness.startDraining();
    answerSlow();
    expect(await slow).toMatchObject({ body: 'slow', headers: { connection: 'close' } });
    expect(await get('/')).toMatchObject({ body: 'ok', headers: { connection: 'close' } });
  });
});

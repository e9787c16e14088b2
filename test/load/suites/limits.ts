/**
 * Load pieces for the overload and soak benchmark (test/load/limits-bench.ts): an autocannon run that can be
 * open-loop (`overallRate`) and checks every refusal for Retry-After, a health probe that opens a new
 * connection per check (as a load balancer does), slow requests that sit in the server's queue, concurrent
 * streamed chats, and an RSS sampler.
 */
import { connect, type Socket } from 'node:net';
import autocannon from 'autocannon';
import * as hdr from 'hdr-histogram-js';

declare module 'autocannon' {
  interface AutocannonOptions {
    /** Requests per second over all connections (autocannon spreads it over them). */
    overallRate?: number;
  }
}

export interface LoadResult {
  responses: number;
  rps: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  statuses: Record<string, number>;
  /** Share of responses that were 429 / 503. */
  share429: number;
  share503: number;
  /** 429/503 responses without a Retry-After header (must be 0). */
  refusalsWithoutRetryAfter: number;
  /** Requests that got no response (reset, refused, timeout). */
  errors: number;
}

export interface HammerOptions {
  url: string;
  path: string;
  connections: number;
  durationSec: number;
  headers: Record<string, string>;
  /** Requests per second over all connections (open loop); unset = closed loop. */
  overallRate?: number;
  method?: 'GET' | 'POST';
  body?: string;
  /** Called for each request: its path and body (overrides `path` and `body`). */
  next?: () => { path: string; body?: string };
}

function newHistogram() {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3 });
}

function percentiles(histogram: ReturnType<typeof newHistogram>) {
  const at = (p: number) => histogram.getValueAtPercentile(p) / 1000;
  return { p50: at(50), p95: at(95), p99: at(99), max: histogram.maxValue / 1000 };
}

/** A finished run's figures, from its histogram (freed here) and counters. */
function loadResult(
  histogram: ReturnType<typeof newHistogram>,
  statuses: Record<string, number>,
  { responses, errors, missingRetryAfter }: { responses: number; errors: number; missingRetryAfter: number },
  started: number,
): LoadResult {
  const elapsed = (performance.now() - started) / 1000;
  const result: LoadResult = {
    responses, rps: responses / elapsed, latencyMs: percentiles(histogram), statuses,
    share429: (statuses[429] ?? 0) / Math.max(1, responses), share503: (statuses[503] ?? 0) / Math.max(1, responses),
    refusalsWithoutRetryAfter: missingRetryAfter, errors,
  };
  histogram.destroy();
  return result;
}

export async function hammer(options: HammerOptions): Promise<LoadResult> {
  const histogram = newHistogram();
  const statuses: Record<string, number> = {};
  let responses = 0;
  let errors = 0;
  let missingRetryAfter = 0;
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url, connections: options.connections, duration: options.durationSec, timeout: 30, headers: options.headers,
        ...(options.overallRate && { overallRate: options.overallRate }),
        requests: [{
          method: options.method ?? 'GET', path: options.path, ...(options.body !== undefined && { body: options.body }),
          ...(options.next && { setupRequest: (req) => ({ ...req, ...options.next!() }) }),
          onResponse: (status, _body, _context, headers) => {
            const retryAfter = headers?.['retry-after'] ?? headers?.['Retry-After'];
            if ((status === 429 || status === 503) && !retryAfter) missingRetryAfter++;
          },
        }],
      },
      (error) => (error ? reject(error) : resolve()),
    );
    instance.on('response', (_client, status, _bytes, ms) => {
      responses++;
      statuses[status] = (statuses[status] ?? 0) + 1;
      histogram.recordValue(Math.max(1, Math.round(ms * 1000)));
    });
    instance.on('reqError', () => errors++);
  });
  return loadResult(histogram, statuses, { responses, errors, missingRetryAfter }, started);
}

export interface ProbeSeries {
  probes: number;
  failures: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** /v1/health latency on a kept-alive and on a new connection, measured meanwhile by limits-probe.ts. */
export interface ProbeResult {
  kept: ProbeSeries;
  fresh: ProbeSeries;
}

/** Starts the probe process; `stop()` ends it and returns what it measured. */
export async function startHealthProbe(url: string, everyMs: number): Promise<{ stop(): Promise<ProbeResult> }> {
  const { spawn } = await import('node:child_process');
  const { createInterface } = await import('node:readline');
  const script = new URL('./limits-probe.ts', import.meta.url).pathname;
  const child = spawn(process.execPath, ['--import', 'tsx', script, url, String(everyMs)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const next = () => new Promise<string>((resolve) => lines.once('line', resolve));
  await next(); // "ready"
  return {
    async stop() {
      const result = next();
      child.stdin!.end();
      return JSON.parse(await result) as ProbeResult;
    },
  };
}

/**
 * Opens `count` POST requests that send their headers and half their body, holds them `holdMs`, then sends
 * the rest; returns the status of each answer (0 when the connection failed). The held ones sit in the
 * server's queue (requests in flight); those beyond its depth are answered 503 at once.
 */
export async function slowRequests(url: string, apiKey: string, count: number, holdMs: number): Promise<{ statuses: Record<string, number>; early: number }> {
  const { hostname, port } = new URL(url);
  const body = JSON.stringify({ title: 'held in the queue' });
  const head = `POST /v1/conversations HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer ${apiKey}\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`;
  let early = 0;
  let released = false;
  const sockets: Array<Promise<{ socket: Socket | undefined; status: Promise<number> }>> = [];
  for (let i = 0; i < count; i++) {
    sockets.push(new Promise((resolve) => {
      const socket = connect(Number(port), hostname);
      let data = '';
      const status = new Promise<number>((done) => {
        socket.on('data', (chunk: Buffer) => {
          if (!released && data === '') early++;
          data += chunk.toString();
        });
        socket.once('close', () => done(Number(/^HTTP\/1\.1 (\d+)/.exec(data)?.[1] ?? 0)));
        socket.once('error', () => undefined);
      });
      socket.once('connect', () => socket.write(head + body.slice(0, 10)));
      resolve({ socket, status });
    }));
    if (i % 100 === 99) await new Promise((resolve) => setImmediate(resolve));
  }
  const opened = await Promise.all(sockets);
  await new Promise((resolve) => setTimeout(resolve, holdMs));
  released = true;
  for (const { socket } of opened) if (socket && !socket.destroyed) socket.write(body.slice(10));
  const statuses: Record<string, number> = {};
  for (const status of await Promise.all(opened.map((o) => o.status))) statuses[status] = (statuses[status] ?? 0) + 1;
  return { statuses, early };
}

/** `count` streamed chat completions at once; statuses and the time to the last answer. */
export async function concurrentStreams(url: string, apiKey: string, model: string, count: number, maxTokens: number) {
  const started = performance.now();
  const statuses: Record<string, number> = {};
  let missingRetryAfter = 0;
  await Promise.all(Array.from({ length: count }, async () => {
    try {
      const res = await fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model, stream: true, max_tokens: maxTokens, messages: [{ role: 'user', content: 'Count to ten.' }] }),
      });
      await res.text();
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      if ((res.status === 429 || res.status === 503) && !res.headers.get('retry-after')) missingRetryAfter++;
    } catch {
      statuses[0] = (statuses[0] ?? 0) + 1;
    }
  }));
  return { statuses, missingRetryAfter, wallMs: performance.now() - started };
}

/**
 * `count` clients, each with its own connection, all connected before the first request, then each sending
 * keep-alive GETs for `durationSec`, back to back or `thinkMs` apart (on average, jittered). A client whose connection is closed after a 503 with
 * `Connection: close` comes back after its Retry-After (1 s), after a reset after 100 ms. Unlike autocannon,
 * which reconnects lazily, this keeps `count` connections open at the same time.
 */
export async function manyConnections(url: string, count: number, durationSec: number, headers: Record<string, string>, thinkMs = 0): Promise<LoadResult> {
  const { hostname, port } = new URL(url);
  const histogram = newHistogram();
  const statuses: Record<string, number> = {};
  let responses = 0;
  let errors = 0;
  let missingRetryAfter = 0;
  const request = `GET /v1/projects HTTP/1.1\r\nHost: ${hostname}\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
  const open = () => new Promise<Socket | undefined>((resolve) => {
    const socket = connect(Number(port), hostname, () => resolve(socket));
    socket.on('error', () => resolve(undefined)); // also keeps later resets from throwing
  });
  /** Sends one request; resolves with the status, or 0 when the connection ended first. */
  const exchange = (socket: Socket) => new Promise<{ status: number; close: boolean; retryAfter: boolean }>((resolve) => {
    let data = Buffer.alloc(0);
    const finish = (result: { status: number; close: boolean; retryAfter: boolean }) => {
      socket.off('data', onData);
      socket.off('close', onClose);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      const end = data.indexOf('\r\n\r\n');
      if (end === -1) return;
      const head = data.subarray(0, end).toString();
      const length = Number(/\r\ncontent-length: (\d+)/i.exec(head)?.[1] ?? 0);
      if (data.length < end + 4 + length) return;
      finish({ status: Number(head.split(' ')[1]), close: /\r\nconnection: close/i.test(head), retryAfter: /\r\nretry-after:/i.test(head) });
    };
    const onClose = () => finish({ status: 0, close: true, retryAfter: false });
    // Closed by the server while idle (e.g. beyond the connection ceiling): no event will come.
    if (socket.destroyed || socket.readyState !== 'open') return onClose();
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.write(request);
  });
  const sockets = await Promise.all(Array.from({ length: count }, open));
  const until = performance.now() + durationSec * 1000;
  const started = performance.now();
  await Promise.all(sockets.map(async (first) => {
    let socket = first;
    while (performance.now() < until) {
      socket ??= await open();
      if (!socket) {
        errors++;
        continue;
      }
      const sent = performance.now();
      const { status, close, retryAfter } = await exchange(socket);
      if (status === 0) errors++;
      else {
        responses++;
        statuses[status] = (statuses[status] ?? 0) + 1;
        if ((status === 429 || status === 503) && !retryAfter) missingRetryAfter++;
        histogram.recordValue(Math.max(1, Math.round((performance.now() - sent) * 1000)));
      }
      if (close) {
        socket.destroy();
        socket = undefined;
        // As SDKs do (OpenAI's honours Retry-After): wait before coming back; a reset gets a short pause.
        await new Promise((resolve) => setTimeout(resolve, status === 0 ? 100 : retryAfter ? 1000 : 0));
      } else if (thinkMs > 0) {
        await new Promise((resolve) => setTimeout(resolve, thinkMs * (0.5 + Math.random())));
      }
    }
    socket?.destroy();
  }));
  return loadResult(histogram, statuses, { responses, errors, missingRetryAfter }, started);
}

/** Resident set size of a process in MiB (Linux), or undefined. */
export async function rssMiB(pid: number): Promise<number | undefined> {
  const { readFile } = await import('node:fs/promises');
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1]);
    return Number.isFinite(kb) ? kb / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Least-squares slope of y over x. */
export function slope(points: Array<[number, number]>): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const num = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const den = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

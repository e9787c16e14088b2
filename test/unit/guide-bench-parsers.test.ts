/**
 * The guide bench's readers of ab and wrk output, on outputs captured from the real tools here
 * (test/load/lib/guide-samples.ts), including failures: non-2xx answers, socket timeouts, nothing listening; and
 * the k6-like mix's ramp and the requests it really puts on the wire.
 */
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { rampSteps, runK6Like } from '../load/lib/guide-k6.js';
import { parseAb, parseWrk, wrkTimeMs } from '../load/lib/guide-parsers.js';
import * as samples from '../load/lib/guide-samples.js';

describe('parseAb', () => {
  it('reads requests per second, the percentile table and zero failures', () => {
    const parsed = parseAb(samples.abOk);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.result).toMatchObject({ complete: 2000, failed: 0, non2xx: 0, errors: 0, rps: 1058.1, timeTakenSec: 1.89 });
    expect(parsed.result.percentilesMs).toEqual({ 50: 79, 66: 90, 75: 98, 80: 113, 90: 180, 95: 213, 98: 232, 99: 241, 100: 261 });
  });

  it('counts non-2xx answers as errors but not the length mismatches they cause', () => {
    const parsed = parseAb(samples.abNon2xx);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.result.failed).toBe(200);
    expect(parsed.result.failedBy).toEqual({ connect: 0, receive: 0, length: 200, exceptions: 0 });
    expect(parsed.result.non2xx).toBe(200);
    expect(parsed.result.errors).toBe(200);
    expect(parsed.result.percentilesMs[95]).toBe(87);
  });

  it('reports a run that never connected as an error, not as zeros', () => {
    const parsed = parseAb(samples.abRefused);
    expect(parsed).toEqual({ ok: false, error: expect.stringContaining('Connection refused') as unknown });
  });
});

describe('parseWrk', () => {
  it('reads totals, requests/sec, the --latency distribution and our p95 line', () => {
    const parsed = parseWrk(samples.wrkOk);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.result).toMatchObject({ requests: 39800, durationSec: 3.1, rps: 12857.44, non2xx3xx: 0, errors: 0 });
    expect(parsed.result.distributionMs).toEqual({ 50: 6.16, 75: 7.15, 90: 15.47, 99: 420.19 });
    expect(parsed.result.latencyMs).toEqual({ p50: 6.16, p95: 121.716, p99: 420.191, max: 632.21 });
  });

  it('counts non-2xx answers and socket timeouts as errors', () => {
    const non2xx = parseWrk(samples.wrkNon2xx);
    expect(non2xx.ok && non2xx.result.non2xx3xx).toBe(4710);
    expect(non2xx.ok && non2xx.result.errors).toBe(4710);
    const timeouts = parseWrk(samples.wrkTimeouts);
    expect(timeouts.ok && timeouts.result.socketErrors).toEqual({ connect: 0, read: 0, write: 0, timeout: 20 });
    expect(timeouts.ok && timeouts.result.errors).toBe(20);
  });

  it('reports a run that never connected as an error', () => {
    expect(parseWrk(samples.wrkRefused)).toEqual({ ok: false, error: 'wrk printed no result: unable to connect to 127.0.0.1:18777 Connection refused' });
  });

  it('converts every wrk time unit to milliseconds', () => {
    expect(wrkTimeMs('406.86us')).toBeCloseTo(0.40686, 6);
    expect(wrkTimeMs('5.33ms')).toBe(5.33);
    expect(wrkTimeMs('1.20s')).toBe(1200);
    expect(wrkTimeMs('1.00m')).toBe(60_000);
    expect(() => wrkTimeMs('3.47k')).toThrow(/not a wrk time/);
  });
});

describe('the k6-like mix', () => {
  it('ramps virtual users linearly per one-second step', () => {
    expect(rampSteps([{ durationSec: 2, target: 50 }, { durationSec: 4, target: 100 }, { durationSec: 1, target: 0 }])).toEqual([25, 50, 63, 75, 88, 100, 1]);
  });

  it('sends GETs without a body length and POSTs with their own (no stale Content-Length after a POST)', async () => {
    // A raw socket server sees the bytes on the wire; it answers every request line it reads.
    const requests: string[] = [];
    const server = createServer((socket) => {
      // The load generator may reset its keep-alive sockets when its run ends; that is not a failure here.
      socket.on('error', () => undefined);
      socket.on('data', (chunk: Buffer) => {
        const text = chunk.toString();
        requests.push(text);
        for (let i = 0; i < (text.match(/ HTTP\/1\.1\r\n/g) ?? []).length; i++) {
          socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\n\r\n{"data":[]}');
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      const result = await runK6Like({ url: `http://127.0.0.1:${port}`, key: 'k', conversationIds: ['conv_a'], stages: [{ durationSec: 1, target: 1 }], loadNow: () => 0 });
      expect(result.errorRate).toBe(0);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    const gets = requests.filter((r) => r.startsWith('GET '));
    const posts = requests.filter((r) => r.startsWith('POST '));
    expect(gets.length).toBeGreaterThan(0);
    expect(posts.length).toBeGreaterThan(0);
    for (const get of gets) expect(get).not.toMatch(/content-length/i);
    for (const post of posts) {
      const [head, body] = post.split('\r\n\r\n');
      expect(Number(/Content-Length: (\d+)/i.exec(head!)?.[1])).toBe(Buffer.byteLength(body!));
    }
  });
});

/**
 * readLines, the import body reader: a gzip body's decompressed size is counted by an inflater that runs
 * ahead of the (slow, line-by-line) import, so a bomb is refused when it passes the limit, not when the import
 * has worked through that much; and a client that goes away stops the inflaters.
 */
import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readLines } from '../../server/http/routes/export-lines.js';

const MiB = 1024 * 1024;

/** A request whose body is written by the test, with the given headers. */
function request(headers: Record<string, string>): IncomingMessage & PassThrough {
  return Object.assign(new PassThrough(), { headers }) as unknown as IncomingMessage & PassThrough;
}

/** `next()` of the iterator, or 'pending' when it has not settled within `ms`. */
async function settled<T>(promise: Promise<T>, ms = 2000): Promise<T | 'pending'> {
  return Promise.race([promise, sleep(ms).then(() => 'pending' as const)]);
}

describe('readLines', () => {
  it('splits lines (plain and gzip), the last one without a newline too', async () => {
    for (const gzip of [false, true]) {
      const req = request(gzip ? { 'content-encoding': 'gzip' } : {});
      const text = 'one\ntwo\n\nfour';
      req.end(gzip ? gzipSync(text) : Buffer.from(text));
      const lines: string[] = [];
      for await (const line of readLines(req, MiB, MiB)) lines.push(line);
      expect(lines).toEqual(['one', 'two', '', 'four']);
    }
  });

  it('refuses a gzip bomb once its decompressed size passes the limit, long before the import has read that far', async () => {
    const limit = 4 * MiB;
    const req = request({ 'content-encoding': 'gzip' });
    // 256 KiB of gzip (a member of 1 MiB of newlines, 256 times: gzip members concatenate) for 256 Mi empty lines.
    req.end(Buffer.concat(Array<Buffer>(256).fill(gzipSync(Buffer.alloc(MiB, '\n')))));
    let lines = 0;
    const importing = (async () => {
      // An import does real work per line; yielding to the event loop now and then is the least of it.
      for await (const _ of readLines(req, limit, MiB)) if (++lines % 64 === 0) await nextTurn();
    })();
    await expect(importing).rejects.toMatchObject({
      status: 413, code: 'request_too_large', message: `The import is larger than ${limit} bytes (after decompression).`,
    });
    // Counting at the import's pace, the refusal would come after `limit` lines.
    expect(lines).toBeLessThan(limit / 4);
  });

  it('refuses a plain body over the limit', async () => {
    const req = request({});
    req.end(Buffer.alloc(2 * MiB, 'x\n'));
    await expect((async () => {
      for await (const _ of readLines(req, MiB, MiB)) void _;
    })()).rejects.toMatchObject({ status: 413, message: `The import is larger than ${MiB} bytes.` });
  });

  it('stops the inflaters when the client disconnects in the middle of a gzip body', async () => {
    const req = request({ 'content-encoding': 'gzip' });
    const whole = gzipSync(Buffer.from('{"type":"header"}\n'.repeat(10_000)));
    req.write(whole.subarray(0, whole.length >> 1)); // half a stream, then the client is gone
    const next = readLines(req, 64 * MiB, MiB).next();
    await sleep(50);
    req.destroy(new Error('aborted'));
    expect(await settled(next.then(() => 'resolved', (error: Error) => error.message))).toBe('Could not read the import: aborted');
  });

  it('counts a body that fits in the read-ahead before the first line is read, and then reads it', async () => {
    const req = request({ 'content-encoding': 'gzip' });
    const whole = gzipSync(Buffer.from('{"type":"header"}\n'.repeat(10_000)));
    req.write(whole.subarray(0, 100));
    const first = readLines(req, 64 * MiB, MiB);
    const next = first.next();
    expect(await settled(next, 100)).toBe('pending'); // the body is not all there, nor 8 MiB of it
    req.end(whole.subarray(100));
    expect(await next).toEqual({ done: false, value: '{"type":"header"}' });
    let count = 1;
    for await (const _ of first) count++;
    expect(count).toBe(10_000);
  });

  it('stops when the request is aborted (timeout or disconnect seen by the server)', async () => {
    const req = request({ 'content-encoding': 'gzip' });
    const controller = new AbortController();
    const lines = readLines(req, 64 * MiB, MiB, controller.signal);
    const next = lines.next();
    req.write(gzipSync(Buffer.from('a\n')).subarray(0, 12)); // a gzip header and no end
    controller.abort(new Error('client disconnected'));
    expect(await settled(next.then(() => 'resolved', (error: Error) => error.message))).toBe('client disconnected');
  });
});

/**
 * Reads what Debian's `ab` (ApacheBench 2.3) and `wrk` (4.x) print, for the guide bench (test/load/guide-bench.ts).
 * Tested on real captured outputs (test/load/lib/guide-samples.ts). A run that printed no result (e.g. connection
 * refused) parses to an error with the tool's last line rather than to zeros that would read as a fast server.
 */

export interface AbResult {
  complete: number;
  /** ab's "Failed requests", all kinds. */
  failed: number;
  /** The kinds of failure ab counts. `length` is a body whose size differed from the first one's: not an error
   *  for endpoints whose bodies vary (a list, a health report with an uptime), so it is left out of `errors`. */
  failedBy: { connect: number; receive: number; length: number; exceptions: number };
  non2xx: number;
  /** Requests that failed for real: non-2xx answers plus connect, receive and exception failures. */
  errors: number;
  rps: number;
  timeTakenSec: number;
  /** ab's "Percentage of the requests served within a certain time (ms)" table: percentile → ms (100 = longest). */
  percentilesMs: Record<number, number>;
}

export interface WrkResult {
  requests: number;
  durationSec: number;
  rps: number;
  /** `--latency`'s distribution: 50, 75, 90 and 99 → ms. */
  distributionMs: Record<number, number>;
  /** p50/p95/p99/max in ms from our Lua `done()` line (wrk's own distribution has no p95); undefined without it. */
  latencyMs: { p50: number; p95: number; p99: number; max: number } | undefined;
  socketErrors: { connect: number; read: number; write: number; timeout: number };
  /** "Non-2xx or 3xx responses". */
  non2xx3xx: number;
  /** Requests that failed: socket errors plus non-2xx/3xx answers. */
  errors: number;
}

export type Parsed<T> = { ok: true; result: T } | { ok: false; error: string };

/** The marker line our wrk Lua script prints from `done()` (microseconds). */
export const WRK_LATENCY_MARKER = 'GUIDE_LATENCY_US';

function lastLine(output: string): string {
  return output.trim().split('\n').pop()?.trim() ?? '';
}

function field(output: string, label: string): number | undefined {
  const match = new RegExp(`^${label}:\\s+([\\d.]+)`, 'm').exec(output);
  return match ? Number(match[1]) : undefined;
}

export function parseAb(output: string): Parsed<AbResult> {
  const complete = field(output, 'Complete requests');
  const rps = field(output, 'Requests per second');
  if (complete === undefined || rps === undefined) return { ok: false, error: `ab printed no result: ${lastLine(output)}` };
  const kinds = /\(Connect: (\d+), Receive: (\d+), Length: (\d+), Exceptions: (\d+)\)/.exec(output);
  const failedBy = {
    connect: Number(kinds?.[1] ?? 0),
    receive: Number(kinds?.[2] ?? 0),
    length: Number(kinds?.[3] ?? 0),
    exceptions: Number(kinds?.[4] ?? 0),
  };
  const non2xx = field(output, 'Non-2xx responses') ?? 0;
  const percentilesMs: Record<number, number> = {};
  const table = output.split('Percentage of the requests served within a certain time (ms)')[1] ?? '';
  for (const match of table.matchAll(/^\s*(\d+)%\s+(\d+)/gm)) percentilesMs[Number(match[1])] = Number(match[2]);
  return {
    ok: true,
    result: {
      complete,
      failed: field(output, 'Failed requests') ?? 0,
      failedBy,
      non2xx,
      errors: non2xx + failedBy.connect + failedBy.receive + failedBy.exceptions,
      rps,
      timeTakenSec: field(output, 'Time taken for tests') ?? 0,
      percentilesMs,
    },
  };
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A wrk duration such as `406.86us`, `5.33ms`, `1.20s` or `1.00m`, in milliseconds. */
export function wrkTimeMs(text: string): number {
  const match = /^([\d.]+)(us|ms|s|m|h)$/.exec(text.trim());
  if (!match) throw new Error(`not a wrk time: '${text}'`);
  return Number(match[1]) * UNIT_MS[match[2]!]!;
}

export function parseWrk(output: string): Parsed<WrkResult> {
  const totals = /^\s*(\d+) requests in ([\d.]+(?:us|ms|s|m|h)),/m.exec(output);
  const rps = /^Requests\/sec:\s+([\d.]+)/m.exec(output);
  if (!totals || !rps) return { ok: false, error: `wrk printed no result: ${lastLine(output)}` };
  const distributionMs: Record<number, number> = {};
  const distribution = output.split('Latency Distribution')[1]?.split(/\n\s*\d+ requests in/)[0] ?? '';
  for (const match of distribution.matchAll(/^\s*(\d+)%\s+([\d.]+(?:us|ms|s|m|h))/gm)) distributionMs[Number(match[1])] = wrkTimeMs(match[2]!);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const socketErrors = {
    connect: Number(socket?.[1] ?? 0),
    read: Number(socket?.[2] ?? 0),
    write: Number(socket?.[3] ?? 0),
    timeout: Number(socket?.[4] ?? 0),
  };
  const non2xx3xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(output)?.[1] ?? 0);
  const marker = new RegExp(`^${WRK_LATENCY_MARKER} p50=(\\d+) p95=(\\d+) p99=(\\d+) max=(\\d+)`, 'm').exec(output);
  const latencyMs = marker
    ? { p50: Number(marker[1]) / 1000, p95: Number(marker[2]) / 1000, p99: Number(marker[3]) / 1000, max: Number(marker[4]) / 1000 }
    : undefined;
  return {
    ok: true,
    result: {
      requests: Number(totals[1]),
      durationSec: wrkTimeMs(totals[2]!) / 1000,
      rps: Number(rps[1]),
      distributionMs,
      latencyMs,
      socketErrors,
      non2xx3xx,
      errors: non2xx3xx + socketErrors.connect + socketErrors.read + socketErrors.write + socketErrors.timeout,
    },
  };
}

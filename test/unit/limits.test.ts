/** CapacityLimit, LimitsService (refusals, degraded reasons and how long they last) and the x-ratelimit header format. */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../server/errors/app-error.js';
import { formatResetDuration, rateLimitHeaders } from '../../server/http/middleware/limits.js';
import { CapacityLimit } from '../../server/limits/capacity-limit.js';
import { HOLD_MS, LimitsService, type LimitsOptions } from '../../server/limits/limits-service.js';

function service(overrides: Partial<LimitsOptions> = {}) {
  let now = 0;
  const limits = new LimitsService({
    rateSoftLimit: 2, rateHardLimit: 4, clientRateLimit: 4, connectionsSoftLimit: 1, connectionsHardLimit: 2,
    streamsSoftLimit: 1, streamsHardLimit: 2, queueDepthLimit: 4, now: () => now, ...overrides,
  });
  return { limits, advance: (ms: number) => (now += ms) };
}

function thrown(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected an AppError');
}

describe('CapacityLimit', () => {
  it('admits up to the hard limit, says when past the soft one, and frees places on leave', () => {
    const limit = new CapacityLimit(1, 2);
    expect([limit.tryEnter(), limit.tryEnter(), limit.tryEnter()]).toEqual(['ok', 'over_soft', 'refused']);
    expect(limit.current).toBe(2);
    limit.leave();
    expect(limit.tryEnter()).toBe('over_soft');
  });

  it('enter() counts even past the hard limit (a TCP connection is open whatever we say)', () => {
    const limit = new CapacityLimit(1, 1);
    expect([limit.enter(), limit.enter()]).toEqual(['ok', 'refused']);
    expect(limit.current).toBe(2);
    limit.leave();
    limit.leave();
    limit.leave();
    expect(limit.current).toBe(0);
  });
});

describe('LimitsService', () => {
  it('is healthy when nothing is over a soft limit', () => {
    expect(service().limits.degradedReasons()).toEqual([]);
  });

  it('refuses a stream past the hard limit with 503 + Retry-After, and release is idempotent', () => {
    const { limits } = service();
    const first = limits.openStream();
    limits.openStream();
    const error = thrown(() => limits.openStream());
    expect({ status: error.status, type: error.type, code: error.code, retryAfter: error.retryAfter }).toEqual({
      status: 503, type: 'service_unavailable_error', code: 'streams_limit_reached', retryAfter: 1,
    });
    first();
    first();
    expect(limits.streams.current).toBe(1);
    expect(() => limits.openStream()).not.toThrow();
  });

  it('refuses a request past the queue depth with code queue_limit_reached', () => {
    const { limits } = service({ queueDepthLimit: 1 });
    limits.enterQueue();
    expect(thrown(() => limits.enterQueue()).code).toBe('queue_limit_reached');
  });

  it('says degraded while a limit is over its soft figure, and hard for HOLD_MS after a refusal', () => {
    const { limits, advance } = service();
    const release = limits.openStream();
    expect(limits.degradedReasons()).toEqual([]);
    const second = limits.openStream();
    expect(limits.degradedReasons()).toEqual(['streams_soft_limit']);
    expect(() => limits.openStream()).toThrow(AppError);
    expect(limits.degradedReasons()).toEqual(['streams_hard_limit']);
    second();
    release();
    advance(HOLD_MS - 1);
    expect(limits.degradedReasons()).toEqual(['streams_hard_limit']);
    advance(1);
    expect(limits.degradedReasons()).toEqual([]);
  });

  it('counts connections: over soft degrades, over hard is refused', () => {
    const { limits } = service();
    expect([limits.openConnection(), limits.openConnection(), limits.openConnection()]).toEqual([true, true, false]);
    expect(limits.degradedReasons()).toEqual(['connections_hard_limit']);
    limits.closeConnection();
    expect(limits.connections.current).toBe(2);
  });

  it('a request over the soft rate degrades health; one over the hard rate says so', () => {
    const { limits, advance } = service();
    limits.checkRate('a');
    limits.checkRate('a');
    expect(limits.degradedReasons()).toEqual([]);
    limits.checkRate('a');
    expect(limits.degradedReasons()).toEqual(['rate_soft_limit']);
    limits.checkRate('a');
    expect(limits.checkRate('a').allowed).toBe(false);
    expect(limits.degradedReasons()).toEqual(['rate_hard_limit']);
    advance(HOLD_MS);
    expect(limits.degradedReasons()).toEqual([]);
  });

  it('counts soft overruns and refusals in the metrics', () => {
    const counts: string[] = [];
    const counter = (kind: string) => ({ inc: ({ limit }: { limit: string }) => counts.push(`${kind}:${limit}`) });
    const { limits } = service({ metrics: { limitSoftExceeded: counter('soft'), limitRejections: counter('refused') } as never });
    limits.openStream();
    limits.openStream();
    expect(() => limits.openStream()).toThrow();
    expect(counts).toEqual(['soft:streams', 'refused:streams']);
  });
});

describe('x-ratelimit headers', () => {
  it('writes durations as OpenAI does', () => {
    expect([0, 20.2, 999.4, 1000, 1500, 59_999, 60_000, 361_000].map(formatResetDuration)).toEqual([
      '0ms', '21ms', '1000ms', '1s', '1.5s', '59.999s', '1m0s', '6m1s',
    ]);
  });

  it('names the limit, what is left and when it is full again', () => {
    expect(rateLimitHeaders({ allowed: true, limit: 5000, remaining: 4999, resetMs: 0.2, retryAfterMs: 0, overSoft: false })).toEqual({
      'x-ratelimit-limit-requests': '5000',
      'x-ratelimit-remaining-requests': '4999',
      'x-ratelimit-reset-requests': '1ms',
    });
  });
});

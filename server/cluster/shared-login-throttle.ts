/**
 * The login throttle with its failure counts in Redis, so that every replica sees the same locks: a guesser
 * spreading guesses over N replicas gets the free failures once, not N times. The rules are the team domain's
 * (team/login-throttle.ts: free failures per account and per address, then a lock doubling per failure up to
 * a cap, forgotten an hour after the last failure); a failure is counted by one Lua script, so two replicas
 * counting at once cannot lose a count.
 *
 * Each key is a hash { f: failures, u: locked until (ms since the epoch) } that expires `forgetAfterSeconds`
 * after its last failure (Redis forgets it instead of a pruned map). Times are the replicas' clocks (NTP).
 *
 * Redis unreachable: the call falls back to this replica's own in-memory throttle (same rules) and is counted
 * in `jan_redis_errors_total{operation="login"}` — logins keep working and keep being throttled, per replica.
 */
import { createHash } from 'node:crypto';
import { LoginThrottle, loginThrottleDefaults, loginThrottled, throttleKeys, type LoginGuard } from '../team/index.js';
import type { RedisLink } from './redis-link.js';

/** KEYS[1] the counted key; ARGV now (ms), free failures, first lock (s), longest lock (s), forget after (s). */
const COUNT_FAILURE = `
local now = tonumber(ARGV[1])
local free = tonumber(ARGV[2])
local base = tonumber(ARGV[3])
local longest = tonumber(ARGV[4])
local forget = tonumber(ARGV[5])
local failures = tonumber(redis.call('HGET', KEYS[1], 'f') or '0') + 1
local over = failures - free
local lock = 0
if over >= 0 then lock = math.min(base * 2 ^ math.min(over, 40), longest) end
redis.call('HSET', KEYS[1], 'f', failures, 'u', now + lock * 1000)
redis.call('PEXPIRE', KEYS[1], math.max(forget, lock) * 1000)
return failures
`;

export interface SharedLoginThrottleOptions {
  /** Milliseconds since the epoch; injected by tests. */
  now?: () => number;
  prefix?: string;
}

export class SharedLoginThrottle implements LoginGuard {
  private readonly local: LoginThrottle;
  private readonly now: () => number;
  private readonly prefix: string;

  constructor(
    private readonly link: RedisLink,
    options: SharedLoginThrottleOptions = {},
  ) {
    this.now = options.now ?? (() => Date.now());
    this.prefix = options.prefix ?? 'jan:login';
    this.local = new LoginThrottle({ now: this.now });
  }

  async check(account: string, address: string | undefined): Promise<void> {
    const keys = [throttleKeys.account(account), ...(address ? [throttleKeys.address(address)] : [])];
    let until: Array<string | null>;
    try {
      until = await this.link.commands.pipeline(keys.map((key) => ['hget', this.redisKey(key), 'u'])).exec().then(results);
    } catch (error) {
      this.link.failed('login', error);
      return this.local.check(account, address);
    }
    const wait = Math.max(0, ...until.map((value) => Number(value ?? 0) - this.now()));
    if (wait > 0) throw loginThrottled(wait);
  }

  async failed(account: string, address: string | undefined): Promise<void> {
    const d = loginThrottleDefaults;
    const counts: Array<[string, number]> = [[throttleKeys.account(account), d.accountFreeFailures]];
    if (address) counts.push([throttleKeys.address(address), d.addressFreeFailures]);
    try {
      const now = this.now();
      await this.link.commands
        .pipeline(counts.map(([key, free]) => ['eval', COUNT_FAILURE, 1, this.redisKey(key), now, free, d.baseLockSeconds, d.maxLockSeconds, d.forgetAfterSeconds]))
        .exec()
        .then(results);
    } catch (error) {
      this.link.failed('login', error);
      this.local.failed(account, address);
    }
  }

  async succeeded(account: string): Promise<void> {
    this.local.succeeded(account);
    try {
      await this.link.commands.del(this.redisKey(throttleKeys.account(account)));
    } catch (error) {
      this.link.failed('login', error);
    }
  }

  /** Hashed: an account name is whatever a client typed, and keys should stay short. */
  private redisKey(key: string): string {
    return `${this.prefix}:${createHash('sha256').update(key).digest('base64url')}`;
  }
}

/** A pipeline's replies, or the first error among them. */
function results(replies: Array<[Error | null, unknown]> | null): Array<string | null> {
  if (!replies) throw new Error('Redis pipeline was not run');
  return replies.map(([error, value]) => {
    if (error) throw error;
    return value as string | null;
  });
}

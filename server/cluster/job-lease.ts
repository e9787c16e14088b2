/**
 * One runner per scheduled job across the replicas: a lease in Redis (`SET key token NX PX ttl`) that only
 * its holder can renew or release (both check the token in one Lua script, so a replica whose lease lapsed
 * and was taken by another cannot touch the new holder's). The job runner (lifecycle/job-runner.ts) asks
 * `acquire(job, ttlMs)` before each scheduled round and holds it for most of the interval: the cluster runs
 * each round once, on whichever replica asked first.
 *
 * Redis unreachable: `acquire` rejects (counted in `jan_redis_errors_total{operation="lease"}`), and the runner
 * skips that round — fail closed, because a skipped round of archive or cleanup costs nothing and the next
 * one catches up, while two replicas archiving the same rows at once is exactly what the lease prevents.
 */
import { randomBytes } from 'node:crypto';
import type { RedisLink } from './redis-link.js';

/** KEYS[1] the lease; ARGV token, ttl ms. Held by us: renewed. Free: taken. Held by another: refused. */
const ACQUIRE = `
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if holder then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`;

/** KEYS[1] the lease; ARGV token, ttl ms. Only the holder renews. */
const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`;

/** KEYS[1] the lease; ARGV token. Only the holder releases. */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

export class RedisJobLease {
  /** This replica's token: distinct per process, so a restarted replica is a new holder. */
  readonly token = randomBytes(16).toString('base64url');

  constructor(
    private readonly link: RedisLink,
    private readonly prefix = 'jan:lease',
  ) {}

  /** True when this replica holds the lease on `job` for the next `ttlMs` (taken now, or renewed). */
  acquire(job: string, ttlMs: number): Promise<boolean> {
    return this.run('acquire', ACQUIRE, job, Math.max(1, Math.round(ttlMs)));
  }

  /** Extends the lease this replica holds; false when it no longer holds it. */
  renew(job: string, ttlMs: number): Promise<boolean> {
    return this.run('renew', RENEW, job, Math.max(1, Math.round(ttlMs)));
  }

  /** Frees the lease early if this replica holds it; false when it did not. */
  release(job: string): Promise<boolean> {
    return this.run('release', RELEASE, job);
  }

  private async run(operation: string, script: string, job: string, ...args: number[]): Promise<boolean> {
    try {
      return (await this.link.commands.eval(script, 1, `${this.prefix}:${job}`, this.token, ...args)) === 1;
    } catch (error) {
      this.link.failed('lease', error);
      throw new Error(`the job lease for ${job} could not be ${operation === 'acquire' ? 'asked for' : `${operation}d`}: Redis is unreachable (${error instanceof Error ? error.message : String(error)})`);
    }
  }
}

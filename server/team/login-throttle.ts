/**
 * Login guessing defence: failed logins are counted per account name and per client address; past a few
 * free failures each further one locks that key for twice as long as the last (1 s, 2 s, 4 s, … up to 15 min).
 * While locked, every attempt — even with the right password — is refused with 429 and `Retry-After`, before
 * any password is checked. A success clears the account's count (not the address's: one valid account must
 * not let an address reset its count between guesses at others). Counts are forgotten an hour after the last
 * failure.
 *
 * In memory, per process (like the rate limiter): a restart forgets them, which costs a guesser a restart of
 * the server it attacks. The map is bounded (oldest entries dropped first), so a flood of names cannot grow it.
 * With replicas (JAN_REDIS_URL) the counts are kept in Redis instead (server/cluster/shared-login-throttle.ts,
 * the same rules), so a guesser gains nothing by spreading guesses over replicas.
 */
import { AppError } from '../errors/app-error.js';

export interface LoginThrottleOptions {
  /** Failures per account before the first lock (default 5). */
  accountFreeFailures?: number;
  /** Failures per client address before the first lock (default 20: a shared NAT or a household). */
  addressFreeFailures?: number;
  /** First lock, in seconds (default 1); each further failure doubles it. */
  baseLockSeconds?: number;
  /** Longest lock, in seconds (default 900). */
  maxLockSeconds?: number;
  /** A count is forgotten this many seconds after its last failure (default 3600). */
  forgetAfterSeconds?: number;
  /** Most keys kept (default 10,000). */
  maxEntries?: number;
  /** Milliseconds since the epoch; injected by tests. */
  now?: () => number;
}

interface Entry {
  failures: number;
  lastFailureAt: number;
  lockedUntil: number;
}

/**
 * What the login service asks (this file's LoginThrottle, or one shared by replicas through Redis in
 * server/cluster/, with the same rules): each call may answer later, so the service awaits all three.
 */
export interface LoginGuard {
  /** Throws (or rejects with) 429 `login_throttled` while the account or the address is locked. */
  check(account: string, address: string | undefined): void | Promise<void>;
  failed(account: string, address: string | undefined): void | Promise<void>;
  succeeded(account: string): void | Promise<void>;
}

/** The rules' figures when none are given. */
export const loginThrottleDefaults = {
  accountFreeFailures: 5, addressFreeFailures: 20, baseLockSeconds: 1, maxLockSeconds: 900, forgetAfterSeconds: 3600, maxEntries: 10_000,
} as const;

/** The counted keys: an account name compared ignoring case and surrounding spaces, and an address. */
export const throttleKeys = {
  account: (name: string) => `a:${name.normalize('NFC').toLowerCase().trim()}`,
  address: (address: string) => `i:${address}`,
};

/** The refusal while locked for `waitMs` more. */
export function loginThrottled(waitMs: number): AppError {
  const seconds = Math.ceil(waitMs / 1000);
  return new AppError(429, 'rate_limit_error', `Too many failed logins for this account or from this address. Try again in ${seconds} s.`, {
    code: 'login_throttled',
    retryAfter: seconds,
  });
}

export class LoginThrottle implements LoginGuard {
  private readonly entries = new Map<string, Entry>();
  private readonly o: Required<LoginThrottleOptions>;

  constructor(options: LoginThrottleOptions = {}) {
    this.o = { ...loginThrottleDefaults, now: () => Date.now(), ...options };
  }

  /** Throws 429 with `Retry-After` while the account or the address is locked. */
  check(account: string, address: string | undefined): void {
    const now = this.o.now();
    const waits = [this.entries.get(throttleKeys.account(account)), address ? this.entries.get(throttleKeys.address(address)) : undefined]
      .map((entry) => (entry && entry.lockedUntil > now ? entry.lockedUntil - now : 0));
    const wait = Math.max(...waits);
    if (wait > 0) throw loginThrottled(wait);
  }

  failed(account: string, address: string | undefined): void {
    this.count(throttleKeys.account(account), this.o.accountFreeFailures);
    if (address) this.count(throttleKeys.address(address), this.o.addressFreeFailures);
  }

  succeeded(account: string): void {
    this.entries.delete(throttleKeys.account(account));
  }

  private count(key: string, free: number): void {
    const now = this.o.now();
    const previous = this.entries.get(key);
    const fresh = !previous || now - previous.lastFailureAt > this.o.forgetAfterSeconds * 1000;
    const failures = fresh ? 1 : previous.failures + 1;
    const over = failures - free;
    const lockSeconds = over < 0 ? 0 : Math.min(this.o.baseLockSeconds * 2 ** over, this.o.maxLockSeconds);
    // Re-inserted, so the map's order is least recently failed first and eviction drops the stalest.
    this.entries.delete(key);
    this.entries.set(key, { failures, lastFailureAt: now, lockedUntil: now + lockSeconds * 1000 });
    if (this.entries.size > this.o.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }
}

import { randomBytes } from 'node:crypto';

/**
 * One-time login tokens for the dashboard link printed at start. Kept in memory only: a restart prints a
 * new link. Each token works once and expires after `ttlMs`.
 */
export class LoginLinks {
  private readonly pending = new Map<string, number>();

  constructor(private readonly ttlMs = 24 * 3600 * 1000) {}

  issue(now = Date.now()): string {
    const token = randomBytes(24).toString('base64url');
    this.pending.set(token, now + this.ttlMs);
    return token;
  }

  /** True once for a token that was issued and has not expired; it is spent either way. */
  redeem(token: string, now = Date.now()): boolean {
    const expires = this.pending.get(token);
    this.pending.delete(token);
    return expires !== undefined && expires > now;
  }
}

/**
 * Signed, expiring URLs for media (Jan's "presigned" URLs, served by this server): an HMAC-SHA256 over what
 * the URL allows (`get` or `put`), the media id and the expiry, with a secret kept in the settings table so
 * URLs survive a restart. No user is in the URL: the signature is the permission.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SettingsRepo } from '../store/settings-repo.js';

export type SignedAction = 'get' | 'put';

export interface SignedParams {
  expires: number;
  signature: string;
}

export class MediaSigner {
  private readonly secret: Buffer;

  constructor(settings: SettingsRepo, readonly ttlSeconds: number) {
    this.secret = Buffer.from(settings.getOrCreate('media.signing_secret', () => randomBytes(32).toString('hex')), 'hex');
  }

  private mac(action: SignedAction, id: string, expires: number): string {
    return createHmac('sha256', this.secret).update(`${action}\n${id}\n${expires}`).digest('hex');
  }

  /** `?expires=…&signature=…` for `action` on `id`, valid for the configured lifetime. */
  sign(action: SignedAction, id: string, nowSeconds = Math.floor(Date.now() / 1000)): SignedParams {
    const expires = nowSeconds + this.ttlSeconds;
    return { expires, signature: this.mac(action, id, expires) };
  }

  query(params: SignedParams): string {
    return `expires=${params.expires}&signature=${params.signature}`;
  }

  /** Constant-time check of the signature, then of the expiry. */
  verify(action: SignedAction, id: string, params: SignedParams, nowSeconds = Math.floor(Date.now() / 1000)): boolean {
    const expected = Buffer.from(this.mac(action, id, params.expires), 'hex');
    const given = Buffer.from(params.signature, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected) && params.expires > nowSeconds;
  }
}

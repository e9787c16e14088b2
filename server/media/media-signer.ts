/**
 * Signed, expiring URLs for media (Jan's "presigned" URLs, served by this server): an HMAC-SHA256 over what
 * the URL allows (`get` or `put`), the media id and the expiry, with a secret kept in the settings table so
 * URLs survive a restart. No user is in the URL: the signature is the permission. The secret is read (or made)
 * on first use, not at construction: the store answers asynchronously.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Store } from '../store/store.js';

/** The one settings method the signer needs (its secret is kept there). */
export type SecretSettings = Pick<Store['settings'], 'getOrCreate'>;

export type SignedAction = 'get' | 'put';

export interface SignedParams {
  expires: number;
  signature: string;
}

export class MediaSigner {
  private secret: Promise<Buffer> | undefined;

  constructor(
    private readonly settings: SecretSettings,
    readonly ttlSeconds: number,
  ) {}

  /** The secret, read once; a failed read is tried again by the next caller. */
  private key(): Promise<Buffer> {
    this.secret ??= Promise.resolve(this.settings.getOrCreate('media.signing_secret', () => randomBytes(32).toString('hex'))).then(
      (hex) => Buffer.from(hex, 'hex'),
      (error: unknown) => {
        this.secret = undefined;
        throw error;
      },
    );
    return this.secret;
  }

  private async mac(action: SignedAction, id: string, expires: number): Promise<string> {
    return createHmac('sha256', await this.key()).update(`${action}\n${id}\n${expires}`).digest('hex');
  }

  /** `?expires=…&signature=…` for `action` on `id`, valid for the configured lifetime. */
  async sign(action: SignedAction, id: string, nowSeconds = Math.floor(Date.now() / 1000)): Promise<SignedParams> {
    const expires = nowSeconds + this.ttlSeconds;
    return { expires, signature: await this.mac(action, id, expires) };
  }

  query(params: SignedParams): string {
    return `expires=${params.expires}&signature=${params.signature}`;
  }

  /** Constant-time check of the signature, then of the expiry. */
  async verify(action: SignedAction, id: string, params: SignedParams, nowSeconds = Math.floor(Date.now() / 1000)): Promise<boolean> {
    const expected = Buffer.from(await this.mac(action, id, params.expires), 'hex');
    const given = Buffer.from(params.signature, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected) && params.expires > nowSeconds;
  }
}

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { z } from 'zod';
import type { ApiKeyCreateBody, ApiKeyInfo } from '../api/auth.js';
import { notFound } from '../errors/app-error.js';
import type { ApiKeyInfo as ApiKeyInfoRow } from '../store/api-keys-repo.js';
import { newId, nowSeconds } from '../store/ids.js';
import type { Store } from '../store/store.js';
import type { Principal } from './principal.js';

/** How often a key's `last_used_at` is written at most, so that authenticating stays a read. */
const TOUCH_INTERVAL_SECONDS = 60;

export function hashKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

function infoFromRow(row: ApiKeyInfoRow): ApiKeyInfo {
  return {
    id: row.id,
    object: 'api_key',
    name: row.name,
    prefix: row.prefix,
    suffix: row.suffix,
    created_at: row.created_at,
    expires_at: row.expires_at,
    last_used_at: row.last_used_at,
  };
}

/** API keys (`sk_…`): shown once at creation, only their SHA-256 is stored. */
export class ApiKeysService {
  private readonly lastTouched = new Map<string, number>();

  constructor(private readonly store: Store) {}

  async create(userId: string, body: z.infer<typeof ApiKeyCreateBody>) {
    const key = `sk_${randomBytes(32).toString('base64url')}`;
    const now = nowSeconds();
    const row = {
      id: newId('key'),
      user_id: userId,
      name: body.name,
      prefix: key.slice(0, 8),
      suffix: key.slice(-4),
      hash: hashKey(key),
      created_at: now,
      expires_at: body.expires_in_days ? now + body.expires_in_days * 86_400 : null,
      last_used_at: null,
    };
    await this.store.apiKeys.insert(row);
    return { ...infoFromRow(row), key };
  }

  async list(userId: string) {
    const items = (await this.store.apiKeys.listByUser(userId)).map(infoFromRow);
    return { object: 'list' as const, items, total: items.length };
  }

  /** Revoking a key also ends, at once, the dashboard sessions made by logging in with it. */
  async delete(userId: string, id: string): Promise<void> {
    const deleted = await this.store.transaction(async () => {
      if (!(await this.store.apiKeys.delete(userId, id))) return false;
      await this.store.sessions.revokeByApiKey(id, nowSeconds());
      return true;
    });
    if (!deleted) throw notFound('api_key', id, 'id');
  }

  /** The owner of a valid, unexpired key, or undefined. */
  async verify(key: string): Promise<Principal | undefined> {
    const hash = hashKey(key);
    const owner = await this.store.apiKeys.findByHash(hash);
    // The lookup is by hash (no secret-dependent early exit on the key itself); compare again in constant time.
    if (!owner || !timingSafeEqual(owner.hash, hash)) return undefined;
    const now = nowSeconds();
    if (owner.expires_at !== null && owner.expires_at <= now) return undefined;
    if (now - (this.lastTouched.get(owner.key_id) ?? 0) >= TOUCH_INTERVAL_SECONDS) {
      this.lastTouched.set(owner.key_id, now);
      await this.store.apiKeys.touch(owner.key_id, now);
    }
    return { userId: owner.user_id, role: owner.role, method: 'apikey', apiKey: { id: owner.key_id, expiresAt: owner.expires_at } };
  }
}

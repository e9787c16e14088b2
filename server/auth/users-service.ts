import type { z } from 'zod';
import type { UpgradeBody } from '../api/auth.js';
import { badRequest, notFound } from '../errors/app-error.js';
import { newId, nowSeconds } from '../store/ids.js';
import type { Store } from '../store/store.js';
import type { UserRow } from '../store/users-repo.js';
import type { Principal } from './principal.js';

export class UsersService {
  constructor(private readonly store: Store) {}

  /** The desktop owner: made on first start (an install from before migration 012 had it as its first admin). */
  async ensureOwner(): Promise<UserRow> {
    const existing = await this.store.users.owner();
    if (existing) return existing;
    const owner: UserRow = { id: newId('user'), name: 'Owner', role: 'owner', created_at: nowSeconds(), disabled_at: null };
    await this.store.users.insert(owner);
    return owner;
  }

  async createGuest(): Promise<UserRow> {
    const guest: UserRow = { id: newId('user'), name: 'Guest', role: 'guest', created_at: nowSeconds(), disabled_at: null };
    await this.store.users.insert(guest);
    return guest;
  }

  get(id: string): Promise<UserRow | undefined> {
    return this.store.users.get(id);
  }

  async me(principal: Principal) {
    const user = await this.store.users.get(principal.userId);
    if (!user) throw notFound('user', principal.userId);
    return { id: user.id, object: 'user' as const, name: user.name, role: user.role, auth_method: principal.method, created_at: user.created_at };
  }

  /** Jan's guest upgrade: a guest becomes a named user and keeps its data. */
  async upgrade(principal: Principal, body: z.infer<typeof UpgradeBody>) {
    if (principal.role !== 'guest') throw badRequest('Only a guest account can be upgraded.', null, 'not_a_guest');
    await this.store.users.update(principal.userId, body.username, 'member');
    return { status: 'upgraded' as const, user_id: principal.userId, username: body.username };
  }
}

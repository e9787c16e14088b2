/**
 * The audit log of admin actions: who invited, revoked, changed a role, disabled, enabled, renamed, deleted or
 * reset a member, switched LAN access, changed a setting. `record` is database work only (a read of the actor's
 * name and one INSERT), so it is awaited inside the transaction of the change it records: both happen or neither.
 */
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import type { AuditEntry, AuditQuery } from '../api/team.js';
import { nowSeconds } from '../store/ids.js';
import type { AuditRow } from '../store/audit-repo.js';
import type { Store } from '../store/store.js';

/** The actions this server records (others may be added by new features; the column is free text). */
export type AuditAction =
  | 'invitation.create' | 'invitation.revoke' | 'invitation.accept'
  | 'member.role' | 'member.disable' | 'member.enable' | 'member.rename' | 'member.delete' | 'member.reset'
  | 'lan.enable' | 'lan.disable' | 'settings.change'
  | (string & {});

function entryFromRow(row: AuditRow): AuditEntry {
  let details: Record<string, unknown> = {};
  try {
    details = JSON.parse(row.details) as Record<string, unknown>;
  } catch {
    // A row is only ever written by `record`, which stores JSON; keep the list readable regardless.
  }
  return { ...row, details };
}

export class AuditLog {
  constructor(private readonly store: Store) {}

  /**
   * Records one admin action. `actorId` is the user who did it (the owner for `JAN_API_KEY` and `JAN_AUTH=off`),
   * `target` what it was done to (a user, invitation or setting id, or `lan`), `details` small JSON-able facts
   * (never a secret: no codes, keys or passwords).
   */
  async record(actorId: string | null, action: AuditAction, target: string | null, details: Record<string, unknown> = {}): Promise<void> {
    const actor = actorId ? await this.store.users.get(actorId) : undefined;
    await this.store.audit.insert({
      id: `audit_${randomBytes(12).toString('hex')}`,
      actor_id: actorId,
      actor_name: actor?.name ?? null,
      action,
      target,
      details: JSON.stringify(details),
      created_at: nowSeconds(),
    });
  }

  /** Newest first; `after` continues from an entry of the previous page. */
  async list(query: z.infer<typeof AuditQuery>) {
    const rows = await this.store.audit.list(query.limit + 1, query.after);
    const data = rows.slice(0, query.limit).map(entryFromRow);
    return { object: 'list' as const, data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: rows.length > query.limit };
  }
}

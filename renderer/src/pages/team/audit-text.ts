/**
 * An audit entry in words: "Invited Lena as member", "Changed quotas of Ravi: requests/minute none → 30".
 * Targets are ids on the wire; members are named from the members list, the rest from the entry's details.
 */
import type { AuditEntry } from '../../api/team.js';
import { bytes, count, DASH, when } from '../../lib/format.js';
import { actionLabel, roleLabel } from './labels.js';

export interface AuditText {
  action: string;
  target: string;
  details: string;
}

/** Bookkeeping in `before`/`after` and elsewhere that says nothing to a reader. */
const QUIET = new Set(['user_id', 'updated_at', 'invitation_id', 'lan_urls']);

const words = (key: string) => key.replaceAll('_', ' ');

/** A detail's value, formatted by its key: bytes, times, counts. */
function value(v: unknown, key = ''): string {
  if (v === null || v === undefined) return 'none';
  if (typeof v === 'number') return key.includes('bytes') ? bytes(v) : key.endsWith('_at') ? when(v) : count(v);
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** `before`/`after` as the fields that changed; any other details as `key: value`. */
export function changes(details: Record<string, unknown>): string {
  const { before, after, ...rest } = details;
  const parts: string[] = [];
  if (before && after && typeof before === 'object' && typeof after === 'object') {
    const b = before as Record<string, unknown>;
    const a = after as Record<string, unknown>;
    for (const key of Object.keys(a)) {
      if (!QUIET.has(key) && JSON.stringify(a[key]) !== JSON.stringify(b[key])) parts.push(`${words(key)}: ${value(b[key], key)} → ${value(a[key], key)}`);
    }
  }
  for (const [key, v] of Object.entries(rest)) if (!QUIET.has(key) && typeof v !== 'object') parts.push(`${words(key)}: ${value(v, key)}`);
  return parts.join(', ');
}

export function auditText(entry: AuditEntry, names: ReadonlyMap<string, string>): AuditText {
  const d = (entry.details && typeof entry.details === 'object' ? entry.details : {}) as Record<string, unknown>;
  const member = (id: string | null) => (id ? (names.get(id) ?? (typeof d.name === 'string' ? d.name : 'a former member')) : DASH);
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  switch (entry.action) {
    case 'invitation.create':
      return { action: 'Invited', target: str(d.name) ?? 'someone (no name)', details: `as ${roleLabel(String(d.role ?? 'member')).toLowerCase()}${typeof d.expires_at === 'number' ? `, until ${when(d.expires_at)}` : ''}` };
    case 'invitation.revoke':
      return { action: 'Revoked an invitation', target: DASH, details: '' };
    case 'invitation.accept':
      return d.purpose === 'reset'
        ? { action: 'Set a new password', target: member(entry.actor_id), details: 'with a reset link' }
        : { action: 'Joined', target: member(entry.actor_id), details: `as ${roleLabel(String(d.role ?? 'member')).toLowerCase()}` };
    case 'member.role':
      return { action: 'Changed the role', target: member(entry.target), details: `${roleLabel(String(d.from))} → ${roleLabel(String(d.to))}` };
    case 'member.rename':
      return { action: 'Renamed', target: member(entry.target), details: `${value(d.from)} → ${value(d.to)}` };
    case 'member.disable':
      return { action: 'Disabled', target: member(entry.target), details: changes(d) };
    case 'member.enable':
      return { action: 'Enabled', target: member(entry.target), details: '' };
    case 'member.delete':
      return {
        action: 'Deleted',
        target: str(d.name) ?? member(entry.target),
        details: d.data === 'transfer' ? `data given to ${member(str(d.to) ?? null)}` : 'data deleted',
      };
    case 'member.reset':
      return { action: 'Made a password reset link', target: member(entry.target), details: changes(d) };
    case 'member.quotas':
      return { action: 'Changed quotas', target: member(entry.target), details: changes(d) || 'no change' };
    case 'lan.enable':
      return { action: 'Turned LAN access on', target: DASH, details: '' };
    case 'lan.disable':
      return { action: 'Turned LAN access off', target: DASH, details: '' };
    default:
      return { action: actionLabel(entry.action), target: entry.target ? (names.get(entry.target) ?? entry.target) : DASH, details: changes(d) };
  }
}

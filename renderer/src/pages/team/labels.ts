/** Words for roles, statuses, expiries and audit actions, shared by the team's cards and the invitation page. */
import { DASH, when } from '../../lib/format.js';

export const ROLE_LABELS: Record<string, string> = { owner: 'Owner', admin: 'Admin', member: 'Member', guest: 'Guest', user: 'Member' };

export const ROLE_HINTS: Record<string, string> = {
  admin: 'manages members, models and settings',
  member: 'chats and uses the API with their own data',
};

export function roleLabel(role: string): string {
  return ROLE_LABELS[role] ?? role;
}

export const EXPIRY_CHOICES = [
  { seconds: 3600, label: '1 hour' },
  { seconds: 86_400, label: '1 day' },
  { seconds: 7 * 86_400, label: '7 days' },
  { seconds: 30 * 86_400, label: '30 days' },
] as const;

/** "in 23 h" / "in 6 days" / "expired", from unix seconds (or ms), against `now` (ms). */
export function expiresIn(at: number, now = Date.now()): string {
  const ms = (at < 1e12 ? at * 1000 : at) - now;
  if (ms <= 0) return 'expired';
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `in ${Math.max(1, minutes)} min`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `in ${hours} h`;
  return `in ${Math.round(hours / 24)} days`;
}

/** "just now", "5 min ago", "3 h ago", "2 days ago", then the date; from unix seconds (or ms). */
export function lastSeen(at: number | null, now = Date.now()): string {
  if (!at) return 'never';
  const minutes = Math.floor((now - (at < 1e12 ? at * 1000 : at)) / 60_000);
  if (minutes < 2) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  if (minutes < 24 * 60) return `${Math.floor(minutes / 60)} h ago`;
  const days = Math.floor(minutes / (24 * 60));
  if (days < 7) return days === 1 ? 'yesterday' : `${days} days ago`;
  return when(at);
}

/** `member.disabled` → "Member disabled"; unknown actions are shown as they are, dots as spaces. */
export function actionLabel(action: string): string {
  const words = action.replaceAll(/[._]/g, ' ').trim();
  return words ? words[0]!.toUpperCase() + words.slice(1) : DASH;
}

/** The password rule the server enforces (its 400 says the same); shown before anyone types. */
export const PASSWORD_RULE = 'At least 10 characters (at most 256); not a commonly used password, and not the same as your name. A few words in a row make a good one.';

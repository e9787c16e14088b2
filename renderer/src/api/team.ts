/**
 * The team endpoints: members, invitations, password login, audit log, quotas and usage. The server's zod
 * schemas for these were being written alongside this file, so the shapes are written here (the contract of
 * issue 16) and read defensively where they may still grow (usage). Everything goes through the app's one
 * `Http` (`api.http`), so component tests answer it with the same fake fetch as every other page.
 */
import type { Api } from './index.js';

export type Role = 'owner' | 'admin' | 'member' | 'guest';
/** The roles an invitation or a role change may give (there is one owner, and guests are not invited). */
export type AssignableRole = 'admin' | 'member';

/** Owner and admin manage the team; `'admin'` is also what servers before roles call the owner. */
export function isAdminRole(role: string | undefined): boolean {
  return role === 'owner' || role === 'admin';
}

export interface Member {
  id: string;
  name: string;
  role: Role;
  status: 'active' | 'disabled';
  created_at: number;
  last_seen_at: number | null;
}

export interface Invitation {
  id: string;
  object: 'invitation';
  role: AssignableRole;
  name: string | null;
  code: string;
  url: string;
  expires_at: number;
  created_at: number;
  created_by: string | null;
  used_at: number | null;
}

/** What the public invitation endpoint tells the person who opened the link. */
export interface InvitationPreview {
  role: AssignableRole;
  name: string | null;
  expires_at: number;
}

export interface AuditEntry {
  id: string;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  target: string | null;
  details: unknown;
  created_at: number;
}

/** null is "unlimited". */
export interface Quotas {
  requests_per_minute: number | null;
  tokens_per_day: number | null;
  concurrent_streams: number | null;
  storage_bytes: number | null;
}

export type UsageGroup = 'user' | 'model' | 'day';

export interface UsageRow {
  key: string;
  label: string;
  requests: number;
  errors: number;
  prompt_tokens: number;
  completion_tokens: number;
  model_seconds: number;
  storage_bytes: number;
}

export interface UsageReport {
  object: 'list';
  data: UsageRow[];
  from: number | string;
  to: number | string;
  group_by: UsageGroup;
}

/** The caller's own usage: its exact fields are the usage service's, so the card reads it generically. */
export type MyUsage = Record<string, unknown>;

export interface LoggedInUser {
  user: { id: string; name: string; role: Role };
}

interface List<T> {
  object: 'list';
  data: T[];
  has_more?: boolean;
}

export type DeleteData = { data: 'delete' } | { data: 'transfer'; to: string };

const enc = encodeURIComponent;

export function teamApi(api: Pick<Api, 'http'>) {
  const { http } = api;
  return {
    members: {
      list: () => http.json<List<Member>>('GET', '/v1/admin/members'),
      update: (id: string, patch: { role?: AssignableRole; disabled?: boolean; name?: string }) =>
        http.json<Member>('PATCH', `/v1/admin/members/${enc(id)}`, { body: patch }),
      remove: (id: string, what: DeleteData) =>
        http.json<unknown>('DELETE', `/v1/admin/members/${enc(id)}`, { query: what.data === 'transfer' ? { data: 'transfer', to: what.to } : { data: 'delete' } }),
      /** A new one-time link with which the member sets a new password. */
      reset: (id: string) => http.json<Invitation>('POST', `/v1/admin/members/${enc(id)}/reset`),
      quotas: (id: string) => http.json<Quotas>('GET', `/v1/admin/members/${enc(id)}/quotas`),
      setQuotas: (id: string, quotas: Quotas) => http.json<Quotas>('PUT', `/v1/admin/members/${enc(id)}/quotas`, { body: quotas }),
    },
    invitations: {
      list: () => http.json<List<Invitation>>('GET', '/v1/admin/invitations'),
      create: (input: { role: AssignableRole; name?: string; expires_in_seconds?: number }) =>
        http.json<Invitation>('POST', '/v1/admin/invitations', { body: input }),
      revoke: (id: string) => http.json<unknown>('DELETE', `/v1/admin/invitations/${enc(id)}`),
      /** Public: what an invitation offers (410 when used or expired, 404 when unknown). */
      preview: (code: string) => http.json<InvitationPreview>('GET', `/auth/invitations/${enc(code)}`),
      /** Public: makes the account and answers with a session cookie. */
      accept: (code: string, input: { name: string; password: string }) =>
        http.json<LoggedInUser>('POST', `/auth/invitations/${enc(code)}/accept`, { body: input }),
    },
    auth: {
      login: (name: string, password: string) => http.json<LoggedInUser>('POST', '/auth/login', { body: { name, password } }),
      changePassword: (currentPassword: string, newPassword: string) =>
        http.json<unknown>('POST', '/auth/password', { body: { current_password: currentPassword, new_password: newPassword } }),
    },
    audit: (after?: string, limit = 50) => http.json<List<AuditEntry>>('GET', '/v1/admin/audit', { query: { limit, after } }),
    usage: {
      report: (group: UsageGroup, from: number, to: number) =>
        http.json<UsageReport>('GET', '/v1/admin/usage', { query: { from, to, group_by: group } }),
      me: () => http.json<MyUsage>('GET', '/v1/usage/me'),
    },
  };
}

export type TeamApi = ReturnType<typeof teamApi>;

/** Query keys of the team's data (kept beside its calls: api/query-keys.ts is shared by every page). */
export const teamKeys = {
  all: ['team'] as const,
  members: ['team', 'members'] as const,
  invitations: ['team', 'invitations'] as const,
  quotas: (id: string) => ['team', 'quotas', id] as const,
  audit: ['team', 'audit'] as const,
  usage: (group: UsageGroup, days: number) => ['team', 'usage', group, days] as const,
  myUsage: ['usage-me'] as const,
};

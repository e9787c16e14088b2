/**
 * The team endpoints: members, invitations, password login, audit log, quotas and usage, typed from the
 * server's zod schemas (server/api/team.ts, server/api/usage.ts; type-only imports). Everything goes through the
 * app's one `Http` (`api.http`), so component tests answer it with the same fake fetch as every other page.
 */
import type { z } from 'zod';
import type {
  AuditEntry as AuditEntrySchema, AuditList as AuditListSchema, GrantableRole, Invitation as InvitationSchema,
  InvitationCreated as InvitationCreatedSchema, InvitationPreview as InvitationPreviewSchema, Member as MemberSchema,
  MemberDeleted as MemberDeletedSchema, MemberRole, SessionUser,
} from '../../../server/api/team.js';
import type { MemberQuotas as MemberQuotasSchema, MyUsage as MyUsageSchema, UsageGroupBy, UsageLine, UsageReport as UsageReportSchema } from '../../../server/api/usage.js';
import type { Api } from './index.js';

export type Role = z.infer<typeof MemberRole> | 'guest';
/** The roles an invitation or a role change may give (there is one owner, and guests are not invited). */
export type AssignableRole = z.infer<typeof GrantableRole>;

/** Owner and admin manage the team; `'admin'` is also what servers before roles call the owner. */
export function isAdminRole(role: string | undefined): boolean {
  return role === 'owner' || role === 'admin';
}

export type Member = z.infer<typeof MemberSchema>;
/** An invitation or reset link as listed (no code or link: the server keeps only their hash). */
export type Invitation = z.infer<typeof InvitationSchema>;
/** An invitation as created: with its code and link, shown once. */
export type InvitationCreated = z.infer<typeof InvitationCreatedSchema>;
/** What the public invitation endpoint tells the person who opened the link (`purpose`: join or reset). */
export type InvitationPreview = z.infer<typeof InvitationPreviewSchema>;
export type AuditEntry = z.infer<typeof AuditEntrySchema>;
export type AuditList = z.infer<typeof AuditListSchema>;
export type LoggedInUser = z.infer<typeof SessionUser>;
export type MemberDeleted = z.infer<typeof MemberDeletedSchema>;

/** null is "unlimited". What an admin sends; the server answers with these plus `user_id` and `updated_at`. */
export interface Quotas {
  requests_per_minute: number | null;
  tokens_per_day: number | null;
  concurrent_streams: number | null;
  storage_bytes: number | null;
}

export type MemberQuotas = z.infer<typeof MemberQuotasSchema>;
export type UsageGroup = z.infer<typeof UsageGroupBy>;
export type UsageRow = z.infer<typeof UsageLine>;
export type UsageReport = z.infer<typeof UsageReportSchema>;
/** The caller's own usage: today, the last 7 days, stored bytes, and each quota's limit, use and remainder. */
export type MyUsage = z.infer<typeof MyUsageSchema>;

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
        http.json<MemberDeleted>('DELETE', `/v1/admin/members/${enc(id)}`, { query: what.data === 'transfer' ? { data: 'transfer', to: what.to } : { data: 'delete' } }),
      /** A new one-time link with which the member sets a new password. */
      reset: (id: string) => http.json<InvitationCreated>('POST', `/v1/admin/members/${enc(id)}/reset`),
      quotas: (id: string) => http.json<MemberQuotas>('GET', `/v1/admin/members/${enc(id)}/quotas`),
      setQuotas: (id: string, quotas: Quotas) => http.json<MemberQuotas>('PUT', `/v1/admin/members/${enc(id)}/quotas`, { body: quotas }),
    },
    invitations: {
      list: () => http.json<List<Invitation>>('GET', '/v1/admin/invitations'),
      create: (input: { role: AssignableRole; name?: string; expires_in_seconds?: number }) =>
        http.json<InvitationCreated>('POST', '/v1/admin/invitations', { body: input }),
      revoke: (id: string) => http.json<unknown>('DELETE', `/v1/admin/invitations/${enc(id)}`),
      /** Public: what an invitation offers (410 when used or expired, 404 when unknown). */
      preview: (code: string) => http.json<InvitationPreview>('GET', `/auth/invitations/${enc(code)}`),
      /** Public: makes the account and answers with a session cookie. */
      accept: (code: string, input: { name?: string; password: string }) =>
        http.json<LoggedInUser>('POST', `/auth/invitations/${enc(code)}/accept`, { body: input }),
    },
    auth: {
      login: (name: string, password: string) => http.json<LoggedInUser>('POST', '/auth/login', { body: { name, password } }),
      /** `currentPassword` may be empty only for an account without a password yet (the owner's first). */
      changePassword: (currentPassword: string, newPassword: string) =>
        http.json<unknown>('POST', '/auth/password', { body: { current_password: currentPassword || undefined, new_password: newPassword } }),
    },
    audit: (after?: string, limit = 50) => http.json<AuditList>('GET', '/v1/admin/audit', { query: { limit, after } }),
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

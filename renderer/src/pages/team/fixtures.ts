/** Team fixtures for the component tests (never used by the product). */
import type { AuditEntry, InvitationCreated, Member, UsageRow } from '../../api/team.js';

const NOW = Math.floor(Date.now() / 1000);

export const members: Member[] = [
  { id: 'user_owner', name: 'Ada', role: 'owner', status: 'active', created_at: NOW - 90 * 86_400, last_seen_at: NOW - 60 },
  { id: 'user_bob', name: 'Bob', role: 'member', status: 'active', created_at: NOW - 10 * 86_400, last_seen_at: NOW - 3600 },
  { id: 'user_cy', name: 'Cy', role: 'admin', status: 'active', created_at: NOW - 5 * 86_400, last_seen_at: null },
  { id: 'user_dee', name: 'Dee', role: 'member', status: 'disabled', created_at: NOW - 3 * 86_400, last_seen_at: NOW - 86_400 },
];

export function invitation(overrides: Partial<InvitationCreated> = {}): InvitationCreated {
  return {
    id: 'inv_1', object: 'invitation', role: 'member', name: 'Eve', user_id: null, code: 'code123', url: '/invite/code123',
    expires_at: NOW + 7 * 86_400, created_at: NOW, created_by: 'user_owner', used_at: null, ...overrides,
  };
}

export const audit: AuditEntry[] = [
  { id: 'aud_3', actor_id: 'user_owner', actor_name: 'Ada', action: 'member.quotas', target: 'user_bob', details: { before: { user_id: 'user_bob', requests_per_minute: null, tokens_per_day: 1000, updated_at: null }, after: { user_id: 'user_bob', requests_per_minute: 30, tokens_per_day: 1000, storage_bytes: 1_073_741_824, updated_at: 5 } }, created_at: NOW - 50 },
  { id: 'aud_2', actor_id: 'user_owner', actor_name: 'Ada', action: 'member.disable', target: 'user_dee', details: { sessions_ended: 2, api_keys_revoked: 1 }, created_at: NOW - 100 },
  { id: 'aud_1', actor_id: 'user_owner', actor_name: 'Ada', action: 'invitation.create', target: 'inv_1', details: { role: 'member', name: 'Eve', expires_at: NOW + 86_400 }, created_at: NOW - 200 },
];

export function usageRow(key: string, label: string, requests: number, tokens: number): UsageRow {
  return { key, label, requests, errors: 0, prompt_tokens: tokens / 2, completion_tokens: tokens / 2, model_seconds: requests * 0.5, storage_bytes: 0 };
}

export const me = (id = 'user_owner', role = 'owner') => ({ id, object: 'user', name: id === 'user_owner' ? 'Ada' : 'Bob', role, auth_method: 'session', created_at: 1 });

export const errorResponse = (status: number, message: string, type = 'invalid_request_error') =>
  new Response(JSON.stringify({ error: { message, type, param: null, code: null } }), { status, headers: { 'content-type': 'application/json' } });

import { z } from 'zod';

export const GuestLoginResponse = z.object({
  access_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int(),
  user_id: z.string(),
  principal_id: z.string(),
  username: z.string(),
});

export const UpgradeBody = z.object({
  username: z.string().trim().min(1).max(120),
  email: z.string().max(320).optional(),
  full_name: z.string().max(200).optional(),
});

export const ApiKeyCreateBody = z.object({
  name: z.string().trim().min(1).max(120),
  expires_in_days: z.number().int().min(1).max(3650).nullish(),
});

export const ApiKeyInfo = z.object({
  id: z.string(),
  object: z.literal('api_key'),
  name: z.string(),
  prefix: z.string(),
  suffix: z.string(),
  created_at: z.number().int(),
  expires_at: z.number().int().nullable(),
  last_used_at: z.number().int().nullable(),
});
export type ApiKeyInfo = z.infer<typeof ApiKeyInfo>;

/** The secret `key` appears in the create response only. */
export const ApiKeyCreated = ApiKeyInfo.extend({ key: z.string() });

export const ApiKeyList = z.object({ object: z.literal('list'), items: z.array(ApiKeyInfo), total: z.number().int() });

export const Me = z.object({
  id: z.string(),
  object: z.literal('user'),
  name: z.string(),
  role: z.enum(['owner', 'admin', 'member', 'guest']),
  auth_method: z.string(),
  created_at: z.number().int(),
});

/** A dashboard session; never its cookie. `current` marks the session the request itself was made with. */
export const SessionInfo = z.object({
  id: z.string(),
  object: z.literal('session'),
  user_id: z.string(),
  created_at: z.number().int(),
  expires_at: z.number().int(),
  /** Updated at most once a minute. */
  last_seen_at: z.number().int(),
  /** The API key the session was made from (revoking it ends the session); null for the login link or `JAN_API_KEY`. */
  created_by_api_key_id: z.string().nullable(),
  user_agent: z.string().nullable(),
  ip: z.string().nullable(),
  current: z.boolean(),
});

export const SessionList = z.object({ object: z.literal('list'), items: z.array(SessionInfo), total: z.number().int() });

/** Whose sessions: the caller's by default; another user's for an admin only. */
export const SessionsOfUser = z.object({ user_id: z.string().min(1).max(100).optional() });

export const SessionsRevoked = z.object({ object: z.literal('sessions.revoked'), user_id: z.string(), revoked: z.number().int() });

/** `POST /auth/login`: a member's name (case-insensitive) and password. */
export const LoginBody = z.strictObject({
  name: z.string().trim().min(1).max(60),
  password: z.string().min(1).max(1024),
});

export const LoginResponse = z.object({ user: z.object({ id: z.string(), name: z.string(), role: z.enum(['owner', 'admin', 'member']) }) });

/** `current_password` may be left out only by an account that has no password yet (the owner's first). */
export const PasswordChangeBody = z.strictObject({
  current_password: z.string().max(1024).optional(),
  new_password: z.string().max(1024),
});

export const PasswordChanged = z.object({
  object: z.literal('password.changed'),
  /** Sessions ended: every other one of the account (the caller's own is replaced by a fresh cookie). */
  sessions_ended: z.number().int(),
});

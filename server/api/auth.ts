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
  role: z.enum(['admin', 'user', 'guest']),
  auth_method: z.string(),
  created_at: z.number().int(),
});

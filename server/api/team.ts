/** Team administration: members and roles, invitations and reset links, the audit log (issue 16). */
import { z } from 'zod';

export const MemberRole = z.enum(['owner', 'admin', 'member']);
/** Roles an admin can give; there is exactly one owner. */
export const GrantableRole = z.enum(['admin', 'member']);

const MemberName = z.string().trim().min(1).max(60);

export const Member = z.object({
  id: z.string(),
  name: z.string(),
  role: MemberRole,
  status: z.enum(['active', 'disabled']),
  created_at: z.number().int(),
  /** The latest use of one of the member's sessions or API keys (each written at most once a minute). */
  last_seen_at: z.number().int().nullable(),
});
export type Member = z.infer<typeof Member>;

export const MemberList = z.object({ object: z.literal('list'), data: z.array(Member) });

export const MemberUpdateBody = z
  .strictObject({ role: GrantableRole.optional(), disabled: z.boolean().optional(), name: MemberName.optional() })
  .refine((b) => b.role !== undefined || b.disabled !== undefined || b.name !== undefined, 'Send at least one of role, disabled, name.');

/** `data` is required (the service explains both choices when it is missing); `to` goes with `transfer`. */
export const MemberDeleteQuery = z.object({
  data: z.string().max(20).optional(),
  to: z.string().min(1).max(100).optional(),
});

export const MemberDataCounts = z.object({
  projects: z.number().int(),
  conversations: z.number().int(),
  archived_conversations: z.number().int(),
  media_files: z.number().int(),
  responses: z.number().int(),
});

export const MemberDeleted = z.object({
  id: z.string(),
  object: z.literal('member.deleted'),
  deleted: z.literal(true),
  data: z.enum(['transfer', 'delete']),
  /** The account that received the data, with `data=transfer`. */
  transferred_to: z.string().nullable(),
  /** What was moved or deleted. */
  counts: MemberDataCounts,
});

const MAX_EXPIRY_SECONDS = 30 * 86_400;
export const DEFAULT_INVITATION_SECONDS = 7 * 86_400;

export const InvitationCreateBody = z.strictObject({
  role: GrantableRole,
  name: MemberName.optional(),
  expires_in_seconds: z.number().int().min(60).max(MAX_EXPIRY_SECONDS).optional(),
});

export const Invitation = z.object({
  id: z.string(),
  object: z.literal('invitation'),
  role: GrantableRole,
  name: z.string().nullable(),
  /** Set on a password-reset link: the member whose password it sets. */
  user_id: z.string().nullable(),
  expires_at: z.number().int(),
  created_at: z.number().int(),
  created_by: z.string(),
  used_at: z.number().int().nullable(),
});
export type Invitation = z.infer<typeof Invitation>;

/** The code and the link appear in the create (and reset) response only: only their hash is stored. */
export const InvitationCreated = Invitation.extend({ code: z.string(), url: z.string() });

export const InvitationList = z.object({ object: z.literal('list'), data: z.array(Invitation) });

export const InvitationCode = z.object({ code: z.string().min(1).max(200) });

/** What the invitation page shows before the person picks a name and password. */
export const InvitationPreview = z.object({
  /** `join` makes a new account; `reset` sets the password of the account `name`. */
  purpose: z.enum(['join', 'reset']),
  role: MemberRole,
  name: z.string().nullable(),
  expires_at: z.number().int(),
  server_name: z.string().optional(),
});

export const InvitationAcceptBody = z.strictObject({
  /** Required to join unless the invitation names the person; a reset link keeps the account's name unless given. */
  name: MemberName.optional(),
  password: z.string().max(1024),
});

export const SessionUser = z.object({ user: z.object({ id: z.string(), name: z.string(), role: MemberRole }) });

export const AuditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  after: z.string().min(1).max(100).optional(),
});

export const AuditEntry = z.object({
  id: z.string(),
  actor_id: z.string().nullable(),
  actor_name: z.string().nullable(),
  action: z.string(),
  target: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  created_at: z.number().int(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AuditList = z.object({
  object: z.literal('list'),
  data: z.array(AuditEntry),
  first_id: z.string().nullable(),
  last_id: z.string().nullable(),
  has_more: z.boolean(),
});

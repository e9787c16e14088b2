/** Team administration (members, invitations, reset links, audit log) and the public invitation endpoints. */
import { PathId } from '../../api/common.js';
import {
  AuditList, AuditQuery, InvitationAcceptBody, InvitationCode, InvitationCreateBody, InvitationCreated, InvitationList, InvitationPreview,
  MemberDeleteQuery, MemberDeleted, MemberList, Member, MemberUpdateBody, SessionUser,
} from '../../api/team.js';
import { setSessionCookie } from '../authenticate-request.js';
import { endpoint } from '../endpoint.js';

const tags = ['team'];

export const listMembers = endpoint({
  summary: 'Team members (every account but guests): role, status, last seen.', tags, access: 'admin', response: MemberList,
  handle: (_, s) => s.members.list(),
});

export const updateMember = endpoint({
  summary: "Change a member's role (owner only), disable/enable them (ends their sessions and keys at once) or rename them.",
  tags, access: 'admin', params: PathId, body: MemberUpdateBody, response: Member,
  handle: ({ principal, params, body }, s) => s.members.update(principal, params.id, body),
});

export const deleteMember = endpoint({
  summary: 'Delete a member; `data=transfer&to=<user id>` moves their data to that account, `data=delete` deletes it (one is required).',
  tags, access: 'admin', params: PathId, query: MemberDeleteQuery, response: MemberDeleted,
  handle: ({ principal, params, query }, s) => s.members.remove(principal, params.id, query),
});

export const resetMember = endpoint({
  summary: "A new single-use link that sets the member's password (24 h); ends their sessions. The code is shown here only.",
  tags, access: 'admin', params: PathId, status: 201, response: InvitationCreated,
  handle: ({ principal, params }, s) => s.members.reset(principal, params.id),
});

export const createInvitation = endpoint({
  summary: 'Invite a member or (owner only) an admin: a single-use link, 7 days by default (at most 30). The code is shown here only.',
  tags, access: 'admin', body: InvitationCreateBody, status: 201, response: InvitationCreated,
  handle: ({ principal, body }, s) => s.invitations.create(principal, body),
});

export const listInvitations = endpoint({
  summary: 'Pending invitations and reset links (never their codes).', tags, access: 'admin', response: InvitationList,
  handle: (_, s) => s.invitations.listPending(),
});

export const revokeInvitation = endpoint({
  summary: 'Revoke a pending invitation or reset link; it then answers 410.', tags, access: 'admin', params: PathId, status: 204,
  handle: async ({ principal, params, ctx }, s) => {
    await s.invitations.revoke(principal, params.id);
    ctx.status = 204;
    return undefined;
  },
});

export const audit = endpoint({
  summary: 'The audit log of admin actions, newest first (`after` = the last id of the previous page).',
  tags, access: 'admin', query: AuditQuery, response: AuditList,
  handle: ({ query }, s) => s.audit.list(query),
});

export const previewInvitation = endpoint({
  summary: 'What an invitation link is for (role, name, expiry); 410 when it was used, revoked or has expired.',
  tags, access: 'public', params: InvitationCode, response: InvitationPreview,
  handle: ({ params, ctx }, s) => {
    ctx.set('Cache-Control', 'no-store');
    return s.invitations.preview(params.code);
  },
});

export const acceptInvitation = endpoint({
  summary: 'Accept an invitation: pick a name and password (creates the member, or sets the reset password) and start a dashboard session.',
  tags, access: 'public', startsSession: true, params: InvitationCode, body: InvitationAcceptBody, status: 201, response: SessionUser,
  handle: async ({ params, body, ctx }, s) => {
    const { user, session } = await s.invitations.accept(params.code, body, { userAgent: ctx.get('User-Agent'), ip: ctx.ip });
    setSessionCookie(ctx, session.token, session.maxAgeSeconds);
    return { user };
  },
});

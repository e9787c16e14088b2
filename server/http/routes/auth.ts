import {
  ApiKeyCreateBody, ApiKeyCreated, ApiKeyList, GuestLoginResponse, LoginBody, LoginResponse, Me, PasswordChangeBody, PasswordChanged, SessionInfo,
  SessionList, SessionsOfUser, SessionsRevoked, UpgradeBody,
} from '../../api/auth.js';
import { PathId } from '../../api/common.js';
import { clearSessionCookie, sessionCookie, setSessionCookie } from '../authenticate-request.js';
import { endpoint } from '../endpoint.js';

const tags = ['auth'];

export const guestLogin = endpoint({
  summary: 'Get a guest access token (loopback servers only, unless JAN_GUEST_LOGIN=on).', tags,
  access: 'public', status: 201, response: GuestLoginResponse,
  handle: (_, s) => s.sessions.guestLogin(),
});

export const upgrade = endpoint({
  summary: 'Turn the calling guest into a named user.', tags, body: UpgradeBody,
  handle: ({ principal, body }, s) => s.users.upgrade(principal, body),
});

export const me = endpoint({
  summary: 'Who the credentials belong to.', tags, response: Me,
  handle: ({ principal }, s) => s.users.me(principal),
});

export const createKey = endpoint({
  summary: 'Create an API key; the `key` is shown in this response only.', tags,
  body: ApiKeyCreateBody, status: 201, response: ApiKeyCreated,
  handle: ({ principal, body }, s) => s.apiKeys.create(principal.userId, body),
});

export const listKeys = endpoint({
  summary: 'List your API keys (never their secrets).', tags, response: ApiKeyList,
  handle: ({ principal }, s) => s.apiKeys.list(principal.userId),
});

export const deleteKey = endpoint({
  summary: 'Revoke an API key; dashboard sessions made from it end with it.', tags, params: PathId, status: 204,
  handle: async ({ principal, params, ctx }, s) => {
    await s.apiKeys.delete(principal.userId, params.id);
    ctx.status = 204;
    return undefined;
  },
});

/** The dashboard's API-key login: the key becomes an HttpOnly session cookie, so the page need not keep the key. */
export const createSession = endpoint({
  summary: 'Open a dashboard session from the API key in this request (sets the session cookie); it ends with the key.', tags,
  status: 201, response: SessionInfo,
  handle: async ({ principal, ctx }, s) => {
    const issued = await s.sessions.fromApiKey(principal, { userAgent: ctx.get('User-Agent'), ip: ctx.ip });
    setSessionCookie(ctx, issued.token, issued.maxAgeSeconds);
    return issued.session;
  },
});

export const listSessions = endpoint({
  summary: "List your active dashboard sessions (an admin may pass another user's `user_id`); never their cookies.", tags,
  query: SessionsOfUser, response: SessionList,
  handle: ({ principal, query }, s) => s.sessions.list(principal, query.user_id),
});

export const revokeSession = endpoint({
  summary: 'End one dashboard session (yours; an admin may end anyone\'s).', tags, params: PathId, status: 204,
  handle: async ({ principal, params, ctx }, s) => {
    await s.sessions.revoke(principal, params.id);
    if (params.id === principal.sessionId) clearSessionCookie(ctx);
    ctx.status = 204;
    return undefined;
  },
});

export const revokeAllSessions = endpoint({
  summary: "Log out everywhere: end every dashboard session of yours (an admin may pass another user's `user_id`).", tags,
  body: SessionsOfUser, response: SessionsRevoked,
  handle: async ({ principal, body, ctx }, s) => {
    const result = await s.sessions.revokeAll(principal, body.user_id);
    if (principal.sessionId && result.user_id === principal.userId) clearSessionCookie(ctx);
    return result;
  },
});

/** Password login: the same revocable, HttpOnly session cookie as the dashboard's other logins. */
export const login = endpoint({
  summary: 'Log in with a name and password (sets the session cookie). Repeated failures lock the account and the address with growing waits (429 + Retry-After).',
  tags, access: 'public', startsSession: true, body: LoginBody, response: LoginResponse,
  handle: async ({ body, ctx }, s) => {
    const { user, session } = await s.login.login(body, { userAgent: ctx.get('User-Agent'), ip: ctx.ip });
    setSessionCookie(ctx, session.token, session.maxAgeSeconds);
    return { user };
  },
});

/** The same as `POST /dashboard/logout`: public, it reads only the cookie, so an expired one is still cleared. */
export const logout = endpoint({
  summary: 'Log out: ends the session of the cookie (it no longer works anywhere) and clears the cookie.', tags, access: 'public', status: 204,
  handle: async ({ ctx }, s) => {
    await s.sessions.logout(sessionCookie(ctx));
    clearSessionCookie(ctx);
    ctx.status = 204;
    return undefined;
  },
});

export const changePassword = endpoint({
  summary: 'Set your password (`current_password` required once you have one); ends your other sessions.', tags,
  body: PasswordChangeBody, response: PasswordChanged,
  handle: async ({ principal, body, ctx }, s) => {
    const { result, session } = await s.login.change(principal, body, { userAgent: ctx.get('User-Agent'), ip: ctx.ip });
    if (session) setSessionCookie(ctx, session.token, session.maxAgeSeconds);
    return result;
  },
});

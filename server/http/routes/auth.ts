import { ApiKeyCreateBody, ApiKeyCreated, ApiKeyList, GuestLoginResponse, Me, UpgradeBody } from '../../api/auth.js';
import { PathId } from '../../api/common.js';
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
  summary: 'Revoke an API key.', tags, params: PathId, status: 204,
  handle: ({ principal, params, ctx }, s) => {
    s.apiKeys.delete(principal.userId, params.id);
    ctx.status = 204;
    return undefined;
  },
});

/**
 * The hub's failures as API errors. Every message says what went wrong in words a person can act on; an
 * unreachable hub also says that local import still works. A FetchError never reaches the client as is
 * (its URL could carry a mirror's address; the token is never in a URL or message).
 */
import { AppError } from '../errors/app-error.js';
import { FetchError } from '../net/index.js';

const LOCAL_IMPORT = 'Local import still works: POST /v1/models/import with a `path` (or a `url`).';

export const hubDisabled = () =>
  new AppError(403, 'permission_error', `The model hub is switched off on this server (JAN_HUB=off). ${LOCAL_IMPORT}`, { code: 'hub_disabled' });

export function hubUnreachable(endpoint: string, detail: string): AppError {
  return new AppError(502, 'server_error', `The model hub (${endpoint}) cannot be reached: ${detail}. ${LOCAL_IMPORT}`, { code: 'hub_unreachable' });
}

/**
 * What the hub's refusal or failure means for a request about `repo` (when it names one). The Hub answers
 * 401 for a repository that does not exist (so as not to tell private ones apart): on its API calls
 * (`repoApi`) a 401 is a 404; on a file it means the repository is gated.
 */
export function hubError(error: unknown, endpoint: string, repo?: string, hasToken = false, repoApi = false): unknown {
  if (error instanceof SyntaxError) return new AppError(502, 'server_error', 'The hub sent an answer that is not the JSON expected.', { code: 'hub_error' });
  if (!(error instanceof FetchError)) return error;
  if (error.code === 'aborted') return error;
  if (error.code === 'blocked') {
    return hubUnreachable(endpoint, `its address ${error.address ?? ''} is not public; allow it with JAN_HUB_ALLOW`.replace('  ', ' '));
  }
  if (error.code === 'timeout') return hubUnreachable(endpoint, 'no answer in time');
  if (error.code === 'failed' && error.reason === 'status') {
    const status = error.status ?? 0;
    const what = repo ? `repository '${repo}'` : 'the request';
    if (status === 404 || (status === 401 && repoApi)) {
      return new AppError(404, 'not_found_error', `The hub has no ${what}${status === 401 ? ' (or it is private)' : ''}.`, { code: 'hub_not_found', param: repo ? 'repo' : null });
    }
    if (status === 401 || status === 403) {
      const message = hasToken
        ? `The hub refused ${what}: the token in JAN_HF_TOKEN has no access to it (a gated repository: accept its terms on the hub with that account).`
        : `The hub refused ${what}: it is gated or private and needs an access token. Accept its terms on the hub, then set JAN_HF_TOKEN.`;
      return new AppError(403, 'permission_error', message, { code: 'hub_gated' });
    }
    if (status === 429) return new AppError(503, 'service_unavailable_error', 'The hub is rate limiting this server; try again in a minute.', { code: 'hub_rate_limited', retryAfter: 60 });
    return new AppError(502, 'server_error', `The hub answered HTTP ${status} for ${what}.`, { code: 'hub_error' });
  }
  if (error.code === 'too_large') return new AppError(502, 'server_error', 'The hub sent an answer larger than expected.', { code: 'hub_error' });
  return hubUnreachable(endpoint, error.detail);
}

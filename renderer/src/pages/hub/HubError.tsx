/**
 * A failed hub call in words: the server's own message (for an unreachable hub it says that local import still
 * works), and the way around it, the Models page's import form.
 */
import { ApiError } from '../../api/index.js';
import { href } from '../../lib/hash-route.js';

/** 502/503/504: the hub (or the way to it) is down or switched off; anything not from the server: no answer at all. */
const unreachable = (error: Error) => !(error instanceof ApiError) || error.status === 502 || error.status === 503 || error.status === 504;

export function HubError({ error, prefix }: { error: Error | null | undefined; prefix?: string }) {
  if (!error) return null;
  return (
    <div className="error-note hub-error" role="alert">
      <span>{prefix ? `${prefix}: ` : ''}{error.message}</span>
      {unreachable(error) && (
        <span> <a href={href('models')}>Import a .gguf file from this machine or a URL instead</a>.</span>
      )}
    </div>
  );
}

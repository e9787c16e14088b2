/**
 * A one-time link (an invitation or a password reset) with its copy button and expiry. The link is the only
 * way in for the person it is for, so it is shown until the admin closes it.
 */
import { CopyButton } from '../../components/CopyButton.js';
import { when } from '../../lib/format.js';
import { expiresIn } from './labels.js';

/** The server's `url` is absolute when it knows its LAN address; a path is made absolute with this origin. */
export function absoluteLink(url: string): string {
  return /^https?:\/\//.test(url) ? url : `${window.location.origin}${url.startsWith('/') ? '' : '/'}${url}`;
}

export function LinkNote({ title, url, expiresAt, onDone }: { title: string; url: string; expiresAt: number; onDone(): void }) {
  const link = absoluteLink(url);
  return (
    <div className="note team-link" role="status" aria-label={title}>
      <strong>{title}</strong>
      <div className="secret">
        <code data-testid="team-link">{link}</code>
        <CopyButton text={link} label={`Copy the link: ${title}`} />
        <button type="button" onClick={onDone}>Done</button>
      </div>
      <div className="stat-detail wrap">
        Works once; expires {expiresIn(expiresAt)} ({when(expiresAt)}). Send it to them directly: whoever opens it first gets the account.
      </div>
    </div>
  );
}

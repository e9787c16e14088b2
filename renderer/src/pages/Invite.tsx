/**
 * The invitation page at `/invite/<code>` (the server serves the app there; no login needed): what the
 * invitation offers, then a name and a password (the rule shown before typing, the server's 400 shown under
 * the form). A used or expired link gets a page that says so and what to do. Accepting sets the session
 * cookie, and `onAccepted` takes the person into the dashboard.
 */
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ApiError, type Api } from '../api/index.js';
import { teamApi, type InvitationPreview } from '../api/team.js';
import { LoginFrame } from '../components/LoginFrame.js';
import { when } from '../lib/format.js';
import { expiresIn, PASSWORD_RULE, ROLE_HINTS, roleLabel } from './team/labels.js';

/** The code in `/invite/<code>`, or undefined on any other path. */
export function invitationCode(pathname: string): string | undefined {
  const match = /^\/invite\/([^/]+)\/?$/.exec(pathname);
  return match ? decodeURIComponent(match[1]!) : undefined;
}

function Gone() {
  return (
    <LoginFrame title="This invitation can’t be used">
      <p>This invitation was used or has expired — ask your admin for a new link.</p>
      <p className="team-muted">Each link works once. If you already made your account with it, <a href="/">log in</a> with your name and password.</p>
    </LoginFrame>
  );
}

function gone(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 410 || error.status === 404);
}

function AcceptForm({ api, code, invitation, onAccepted }: { api: Api; code: string; invitation: InvitationPreview; onAccepted(): void }) {
  const reset = invitation.purpose === 'reset';
  const [name, setName] = useState(invitation.name ?? '');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const accept = useMutation({
    gcTime: 0,
    // A reset link keeps the account's name; a join link sends the name picked here.
    mutationFn: () => teamApi(api).invitations.accept(code, reset ? { password } : { name: name.trim(), password }),
    onSuccess: () => {
      setPassword('');
      setConfirm('');
      onAccepted();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (password !== confirm) return setMismatch(true);
    setMismatch(false);
    if (!accept.isPending) accept.mutate();
  };
  // Someone else used the link between opening and sending it.
  if (gone(accept.error)) return <Gone />;
  const { role, expires_at } = invitation;
  return (
    <LoginFrame title={reset ? `A new password for ${invitation.name ?? 'your account'}` : invitation.name ? `Welcome, ${invitation.name}` : 'Join this Jan Server'}>
      {reset ? (
        <p>Your admin made this link so you can set a new password. It expires {expiresIn(expires_at)} ({when(expires_at)}).</p>
      ) : (
        <p>
          You are invited as <strong>{roleLabel(role)}</strong> ({ROLE_HINTS[role] ?? role}). The invitation expires {expiresIn(expires_at)} ({when(expires_at)}).
        </p>
      )}
      <form className="team-invite-accept" onSubmit={submit}>
        {!reset && (
          <label>
            Your name
            <input value={name} onChange={(e) => setName(e.target.value)} placeholder="how the team sees you" autoComplete="username" maxLength={60} required />
          </label>
        )}
        <label>
          Password
          <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" aria-describedby="password-rule" required />
        </label>
        <div id="password-rule" className="stat-detail wrap">{PASSWORD_RULE}</div>
        <label>
          Confirm password
          <input type="password" value={confirm} onChange={(e) => { setConfirm(e.target.value); setMismatch(false); }} autoComplete="new-password" required />
        </label>
        {mismatch && <div className="error-note" role="alert">The two passwords are not the same.</div>}
        {accept.error && (
          <div className="error-note" role="alert">
            {accept.error instanceof ApiError && accept.error.status === 400 ? accept.error.message : `Could not join: ${accept.error.message}`}
          </div>
        )}
        <button type="submit" className="primary" disabled={accept.isPending}>
          {reset ? 'Set my password' : 'Create my account'}
        </button>
      </form>
    </LoginFrame>
  );
}

export function Invite({ api, code, onAccepted }: { api: Api; code: string; onAccepted(): void }) {
  const preview = useQuery({ queryKey: ['invitation', code], queryFn: () => teamApi(api).invitations.preview(code), retry: false });
  if (gone(preview.error)) return <Gone />;
  if (preview.error) {
    return (
      <LoginFrame title="Join this Jan Server">
        <div className="error-note" role="alert">The server did not answer: {preview.error.message}</div>
        <button type="button" className="retry" onClick={() => void preview.refetch()}>Try again</button>
      </LoginFrame>
    );
  }
  if (!preview.data) return <main className="login" aria-busy="true" />;
  return <AcceptForm api={api} code={code} invitation={preview.data} onAccepted={onAccepted} />;
}

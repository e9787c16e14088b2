/**
 * Who is logged in, and a form to change one's own password (`POST /auth/password`). Placed on Settings;
 * logging out is the sidebar's button. Hidden parts: the password form when the server has no passwords
 * (before teams), or when this session did not come from a password-holding user.
 */
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { queryKeys } from '../api/query-keys.js';
import { teamApi } from '../api/team.js';
import { useApi, useCapabilities } from '../hooks/api-context.js';
import { PASSWORD_RULE, roleLabel } from '../pages/team/labels.js';
import { Card } from './Card.js';
import { ErrorNote } from './Notes.js';

/** `owner`: the only account that may have no password yet (it logs in with the printed link or a key). */
function ChangePassword({ owner }: { owner: boolean }) {
  const api = useApi();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const change = useMutation({
    gcTime: 0,
    mutationFn: () => teamApi(api).auth.changePassword(current, next),
    onSuccess: () => {
      setCurrent('');
      setNext('');
      setConfirm('');
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (next !== confirm) return setMismatch(true);
    setMismatch(false);
    change.mutate();
  };
  return (
    <form onSubmit={submit} aria-label="Change password">
      <div className="row form-row">
        <label className="grow">
          Current password
          <input type="password" value={current} onChange={(e) => setCurrent(e.target.value)} autoComplete="current-password" placeholder={owner ? 'none yet? leave blank' : undefined} required={!owner} />
        </label>
        <label className="grow">
          New password
          <input type="password" value={next} onChange={(e) => { setNext(e.target.value); change.reset(); }} autoComplete="new-password" required />
        </label>
        <label className="grow">
          Confirm new password
          <input type="password" value={confirm} onChange={(e) => { setConfirm(e.target.value); setMismatch(false); }} autoComplete="new-password" required />
        </label>
        <button type="submit" disabled={change.isPending}>Change password</button>
      </div>
      <div className="stat-detail wrap">
        {PASSWORD_RULE} Your other sessions are signed out.{owner && ' Set a first password here to log in by name from other machines too.'}
      </div>
      {mismatch && <div className="error-note" role="alert">The two new passwords are not the same.</div>}
      {change.isSuccess && <div className="note" role="status">Password changed.</div>}
      <ErrorNote error={change.error} />
    </form>
  );
}

export function AccountCard() {
  const api = useApi();
  const me = useQuery({ queryKey: queryKeys.me, queryFn: () => api.me() });
  const hasPasswords = useCapabilities().has('POST', '/auth/password');
  return (
    <Card title="Your account" hint={me.data ? `${me.data.name} · ${roleLabel(me.data.role)}` : undefined} span={12}>
      {hasPasswords ? <ChangePassword owner={me.data?.role === 'owner'} /> : <div className="stat-detail wrap">This server has no passwords: you are logged in with the owner’s link or an API key.</div>}
    </Card>
  );
}

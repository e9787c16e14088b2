/**
 * Invitations: a small form (role, optional name, expiry) that makes a one-time link, the link with its copy
 * button, and the invitations not used yet, each revocable.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { teamKeys, type AssignableRole, type Invitation, type InvitationCreated } from '../../api/team.js';
import { Card } from '../../components/Card.js';
import { EmptyState, ErrorNote } from '../../components/Notes.js';
import { RevokeButton } from '../../components/RevokeButton.js';
import { EXPIRY_CHOICES, expiresIn, ROLE_HINTS, roleLabel } from './labels.js';
import { LinkNote } from './LinkNote.js';
import { useTeamApi } from './use-team.js';

function InviteForm({ onCreated }: { onCreated(invitation: InvitationCreated): void }) {
  const team = useTeamApi();
  const queryClient = useQueryClient();
  const [role, setRole] = useState<AssignableRole>('member');
  const [name, setName] = useState('');
  const [seconds, setSeconds] = useState<number>(EXPIRY_CHOICES[2].seconds);
  const create = useMutation({
    gcTime: 0,
    mutationFn: () => team.invitations.create({ role, name: name.trim() || undefined, expires_in_seconds: seconds }),
    onSuccess: (invitation) => {
      setName('');
      onCreated(invitation);
      return queryClient.invalidateQueries({ queryKey: teamKeys.all });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!create.isPending) create.mutate();
  };
  return (
    <form className="team-invite-form" onSubmit={submit} aria-label="Invite someone">
      <div className="row form-row">
        <label>
          Role
          <select value={role} onChange={(e) => setRole(e.target.value as AssignableRole)}>
            <option value="member">Member</option>
            <option value="admin">Admin</option>
          </select>
        </label>
        <label className="grow">
          Name (optional)
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder="they can choose it" maxLength={60} />
        </label>
        <label>
          Expires after
          <select value={seconds} onChange={(e) => setSeconds(Number(e.target.value))}>
            {EXPIRY_CHOICES.map((c) => <option key={c.seconds} value={c.seconds}>{c.label}</option>)}
          </select>
        </label>
        <button type="submit" className="primary" disabled={create.isPending}>Create link</button>
      </div>
      <div className="stat-detail wrap">{roleLabel(role)}: {ROLE_HINTS[role]}.</div>
      <ErrorNote error={create.error} />
    </form>
  );
}

function PendingRow({ invitation, onRevoke }: { invitation: Invitation; onRevoke(): void }) {
  const who = invitation.name ?? 'unnamed';
  return (
    <tr>
      <td>
        {invitation.name ?? <span className="team-muted">anyone</span>}
        {invitation.user_id && <span className="badge team-you">password reset</span>}
      </td>
      <td>{roleLabel(invitation.role)}</td>
      <td>{expiresIn(invitation.expires_at)}</td>
      <td className="num">
        <RevokeButton label={`Revoke the invitation for ${who}`} onRevoke={onRevoke} />
      </td>
    </tr>
  );
}

export function InviteCard() {
  const team = useTeamApi();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [created, setCreated] = useState<InvitationCreated>();
  const invitations = useQuery({ queryKey: teamKeys.invitations, queryFn: () => team.invitations.list(), refetchInterval: 15_000 });
  const revoke = useMutation({
    mutationFn: (id: string) => team.invitations.revoke(id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: teamKeys.all }),
  });
  const pending = (invitations.data?.data ?? []).filter((i) => i.used_at === null);
  return (
    <Card
      title="Invitations"
      hint="one-time links"
      span={6}
      actions={!open && <button type="button" className="primary" onClick={() => setOpen(true)}>Invite someone…</button>}
    >
      {open && <InviteForm onCreated={(invitation) => { setCreated(invitation); setOpen(false); }} />}
      {created && <LinkNote title={`Invitation link${created.name ? ` for ${created.name}` : ''} (${roleLabel(created.role)})`} url={created.url} expiresAt={created.expires_at} onDone={() => setCreated(undefined)} />}
      <ErrorNote error={invitations.error ?? revoke.error} />
      {!invitations.data ? null : pending.length === 0 ? (
        <EmptyState title="No pending invitations">A link works once; it lets someone on your network pick a name and a password.</EmptyState>
      ) : (
        <div className="table-wrap">
          <table aria-label="Pending invitations" className="team-table">
            <thead><tr><th>For</th><th>Role</th><th>Expires</th><th className="num">Actions</th></tr></thead>
            <tbody>{pending.map((i) => <PendingRow key={i.id} invitation={i} onRevoke={() => revoke.mutate(i.id)} />)}</tbody>
          </table>
        </div>
      )}
    </Card>
  );
}

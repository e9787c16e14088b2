/**
 * The members table and what an admin does to a member: change the role, disable or enable (the server ends
 * their sessions and keys at once), reset the password (a new one-time link), edit quotas, delete (with the
 * data choice). The panels (reset link, quotas, delete) open below the table, one at a time.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { teamKeys, type AssignableRole, type DeleteData, type InvitationCreated, type Member } from '../../api/team.js';
import { Card } from '../../components/Card.js';
import { EmptyState, ErrorNote } from '../../components/Notes.js';
import { DeleteMember } from './DeleteMember.js';
import { LinkNote } from './LinkNote.js';
import { MemberRow } from './MemberRow.js';
import { QuotasEditor } from './QuotasEditor.js';
import { useMe, useTeamApi } from './use-team.js';

type Panel = { kind: 'quotas' | 'delete'; id: string } | { kind: 'reset'; id: string; link: InvitationCreated } | undefined;

export function MembersCard() {
  const team = useTeamApi();
  const { me } = useMe();
  const queryClient = useQueryClient();
  // Polled: people join through links opened elsewhere, and last seen moves.
  const members = useQuery({ queryKey: teamKeys.members, queryFn: () => team.members.list(), refetchInterval: 15_000 });
  const [panel, setPanel] = useState<Panel>();
  const changed = () => queryClient.invalidateQueries({ queryKey: teamKeys.all });
  const update = useMutation({
    mutationFn: (input: { id: string; role?: AssignableRole; disabled?: boolean }) => team.members.update(input.id, { role: input.role, disabled: input.disabled }),
    onSettled: changed,
  });
  const reset = useMutation({
    gcTime: 0,
    mutationFn: (id: string) => team.members.reset(id),
    onSuccess: (link, id) => {
      setPanel({ kind: 'reset', id, link });
      return changed();
    },
  });
  const remove = useMutation({
    mutationFn: (input: { id: string; what: DeleteData }) => team.members.remove(input.id, input.what),
    onSuccess: () => {
      setPanel(undefined);
      return changed();
    },
  });
  const list = members.data?.data ?? [];
  const selected = panel && list.find((m) => m.id === panel.id);
  const open = (kind: 'quotas' | 'delete', m: Member) => {
    remove.reset();
    setPanel({ kind, id: m.id });
  };
  return (
    <>
      <Card title="Members" hint={members.data ? `${list.length} ${list.length === 1 ? 'person' : 'people'}` : undefined} span={12}>
        <ErrorNote error={members.error ?? update.error ?? reset.error} />
        {!members.data ? null : list.length === 0 ? (
          <EmptyState title="Nobody here yet">Invite someone: they get their own account, data and API keys.</EmptyState>
        ) : (
          <div className="table-wrap">
            <table aria-label="Members" className="team-table team-members">
              <thead><tr><th>Name</th><th>Role</th><th>Status</th><th>Last seen</th><th className="num">Actions</th></tr></thead>
              <tbody>
                {list.map((m) => (
                  <MemberRow
                    key={m.id}
                    member={m}
                    isSelf={m.id === me?.id}
                    busy={update.isPending || reset.isPending}
                    actions={{
                      setRole: (role) => update.mutate({ id: m.id, role }),
                      setDisabled: (disabled) => update.mutate({ id: m.id, disabled }),
                      reset: () => reset.mutate(m.id),
                      quotas: () => open('quotas', m),
                      remove: () => open('delete', m),
                    }}
                  />
                ))}
              </tbody>
            </table>
          </div>
        )}
        {panel?.kind === 'reset' && selected && (
          <LinkNote title={`Password reset link for ${selected.name}`} url={panel.link.url} expiresAt={panel.link.expires_at} onDone={() => setPanel(undefined)} />
        )}
      </Card>
      {panel?.kind === 'quotas' && selected && <QuotasEditor member={selected} onClose={() => setPanel(undefined)} />}
      {panel?.kind === 'delete' && selected && (
        <DeleteMember
          key={selected.id}
          member={selected}
          others={list.filter((m) => m.id !== selected.id && m.status === 'active')}
          pending={remove.isPending}
          error={remove.error}
          onDelete={(what) => remove.mutate({ id: selected.id, what })}
          onCancel={() => setPanel(undefined)}
        />
      )}
    </>
  );
}

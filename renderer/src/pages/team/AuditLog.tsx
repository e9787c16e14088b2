/** The audit log of admin actions, newest first, 50 at a time. */
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { teamKeys } from '../../api/team.js';
import { Card } from '../../components/Card.js';
import { EmptyState, ErrorNote } from '../../components/Notes.js';
import { DASH, when } from '../../lib/format.js';
import { auditText } from './audit-text.js';
import { useTeamApi } from './use-team.js';

const PAGE = 50;

export function AuditLog() {
  const team = useTeamApi();
  const audit = useInfiniteQuery({
    queryKey: teamKeys.audit,
    queryFn: ({ pageParam }) => team.audit(pageParam, PAGE),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => ((last.has_more ?? last.data.length === PAGE) ? last.data.at(-1)?.id : undefined),
  });
  // The same query as the members table: targets are member ids, shown by name.
  const members = useQuery({ queryKey: teamKeys.members, queryFn: () => team.members.list() });
  const names = useMemo(() => new Map((members.data?.data ?? []).map((m) => [m.id, m.name])), [members.data]);
  const entries = audit.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <Card title="Audit log" hint="who changed what" span={12}>
      <ErrorNote error={audit.error} />
      {!audit.data ? null : entries.length === 0 ? (
        <EmptyState title="Nothing recorded yet">Invitations, role changes, quotas, LAN and settings changes are listed here.</EmptyState>
      ) : (
        <div className="table-wrap">
          <table aria-label="Audit log">
            <thead><tr><th>When</th><th>Who</th><th>Action</th><th>Target</th><th>Details</th></tr></thead>
            <tbody>
              {entries.map((e) => {
                const text = auditText(e, names);
                return (
                  <tr key={e.id}>
                    <td>{when(e.created_at)}</td>
                    <td>{e.actor_name ?? DASH}</td>
                    <td>{text.action}</td>
                    <td className="team-target">{text.target}</td>
                    <td className="team-details" title={text.details}>{text.details}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {audit.hasNextPage && (
        <button type="button" onClick={() => void audit.fetchNextPage()} disabled={audit.isFetchingNextPage}>Show older</button>
      )}
    </Card>
  );
}

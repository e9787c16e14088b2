/** The audit log of admin actions, newest first, 50 at a time. */
import { useInfiniteQuery } from '@tanstack/react-query';
import { teamKeys } from '../../api/team.js';
import { Card } from '../../components/Card.js';
import { EmptyState, ErrorNote } from '../../components/Notes.js';
import { DASH, when } from '../../lib/format.js';
import { actionLabel, detailsText } from './labels.js';
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
              {entries.map((e) => (
                <tr key={e.id}>
                  <td>{when(e.created_at)}</td>
                  <td>{e.actor_name ?? e.actor_id ?? DASH}</td>
                  <td>{actionLabel(e.action)}</td>
                  <td>{e.target ?? DASH}</td>
                  <td className="team-details" title={detailsText(e.details)}>{detailsText(e.details)}</td>
                </tr>
              ))}
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

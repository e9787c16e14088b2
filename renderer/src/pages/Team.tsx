/**
 * Team (admins): members and their roles, invitations, quotas, usage and the audit log. Members never see
 * this page in the navigation; the server refuses its calls to them anyway (403).
 */
import { EmptyState } from '../components/Notes.js';
import { AuditLog } from './team/AuditLog.js';
import { InviteCard } from './team/InviteCard.js';
import { MembersCard } from './team/MembersCard.js';
import { UsageCharts } from './team/UsageCharts.js';
import { useMe } from './team/use-team.js';

export function Team() {
  const { me, admin } = useMe();
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Team</h1>
          <p>People who use this server: each has their own account, data, API keys and limits.</p>
        </div>
      </div>
      {!me ? null : !admin ? (
        <EmptyState title="For admins only">Ask an admin of this server to change members, invitations or quotas.</EmptyState>
      ) : (
        <div className="grid">
          <MembersCard />
          <InviteCard />
          <UsageCharts />
          <AuditLog />
        </div>
      )}
    </div>
  );
}

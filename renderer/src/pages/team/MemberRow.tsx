/**
 * One member in the table: role (a select for anyone but the owner), status, last seen, and the actions an
 * admin takes on them. Disabling asks once more; deleting opens its own panel (DeleteMember) below the table.
 */
import { useState } from 'react';
import type { AssignableRole, Member } from '../../api/team.js';
import { lastSeen, roleLabel } from './labels.js';

export interface MemberActions {
  setRole(role: AssignableRole): void;
  setDisabled(disabled: boolean): void;
  reset(): void;
  quotas(): void;
  remove(): void;
}

export function MemberRow({ member, isSelf, busy, actions }: { member: Member; isSelf: boolean; busy: boolean; actions: MemberActions }) {
  const [confirmDisable, setConfirmDisable] = useState(false);
  const owner = member.role === 'owner';
  const disabled = member.status === 'disabled';
  return (
    <tr data-status={member.status}>
      <td>
        {member.name}
        {isSelf && <span className="badge team-you">you</span>}
      </td>
      <td>
        {owner || isSelf || (member.role !== 'admin' && member.role !== 'member') ? (
          roleLabel(member.role)
        ) : (
          <select value={member.role} disabled={busy} onChange={(e) => actions.setRole(e.target.value as AssignableRole)} aria-label={`Role of ${member.name}`}>
            <option value="member">Member</option>
            <option value="admin">Admin</option>
          </select>
        )}
      </td>
      <td><span className="badge" data-state={disabled ? 'bad' : 'ok'}>{disabled ? 'Disabled' : 'Active'}</span></td>
      <td>{lastSeen(member.last_seen_at)}</td>
      <td className="num">
        {owner || isSelf ? (
          <span className="row row-end">
            <button type="button" onClick={actions.quotas} aria-label={`Quotas of ${member.name}`}>Quotas</button>
          </span>
        ) : confirmDisable ? (
          <span className="row row-end">
            <span className="team-confirm">Sign {member.name} out everywhere and stop their keys?</span>
            <button type="button" className="danger" onClick={() => { setConfirmDisable(false); actions.setDisabled(true); }}>Disable now</button>
            <button type="button" onClick={() => setConfirmDisable(false)}>Keep</button>
          </span>
        ) : (
          <span className="row row-end">
            <button type="button" onClick={actions.quotas} aria-label={`Quotas of ${member.name}`}>Quotas</button>
            <button type="button" disabled={busy} onClick={actions.reset} aria-label={`Reset the password of ${member.name}`}>Reset password</button>
            {disabled ? (
              <button type="button" disabled={busy} onClick={() => actions.setDisabled(false)} aria-label={`Enable ${member.name}`}>Enable</button>
            ) : (
              <button type="button" className="danger" disabled={busy} onClick={() => setConfirmDisable(true)} aria-label={`Disable ${member.name}`}>Disable</button>
            )}
            <button type="button" className="danger" disabled={busy} onClick={actions.remove} aria-label={`Delete ${member.name}`}>Delete…</button>
          </span>
        )}
      </td>
    </tr>
  );
}

/**
 * Deleting a member never loses data by accident: the admin picks what happens to it (handed to another
 * member, or deleted), then confirms that choice in words, and only then is the request sent.
 */
import { useState } from 'react';
import type { DeleteData, Member } from '../../api/team.js';
import { Card } from '../../components/Card.js';
import { ErrorNote } from '../../components/Notes.js';

export function DeleteMember({ member, others, pending, error, onDelete, onCancel }: {
  member: Member;
  /** Who can receive the data (active members other than this one). */
  others: Member[];
  pending: boolean;
  error: Error | null;
  onDelete(what: DeleteData): void;
  onCancel(): void;
}) {
  const [choice, setChoice] = useState<'transfer' | 'delete'>();
  const [to, setTo] = useState(others[0]?.id ?? '');
  const [confirming, setConfirming] = useState(false);
  const receiver = others.find((m) => m.id === to);
  const ready = choice === 'delete' || (choice === 'transfer' && receiver !== undefined);
  const consequence = choice === 'transfer' ? `Their conversations, files and API keys go to ${receiver?.name ?? '…'}.` : 'Their conversations, files and API keys are deleted for good.';
  return (
    <Card title={`Delete ${member.name}`} hint="choose what happens to their data" span={12}>
      <fieldset className="team-choice" disabled={confirming || pending}>
        <legend className="sr-only">What happens to {member.name}’s data</legend>
        <label className="inline">
          <input type="radio" name="delete-data" checked={choice === 'transfer'} onChange={() => setChoice('transfer')} disabled={others.length === 0} />
          Transfer their data to
          <select value={to} onChange={(e) => { setTo(e.target.value); setChoice('transfer'); }} disabled={others.length === 0} aria-label="Member who receives the data">
            {others.map((m) => <option key={m.id} value={m.id}>{m.name}</option>)}
          </select>
        </label>
        <label className="inline">
          <input type="radio" name="delete-data" checked={choice === 'delete'} onChange={() => setChoice('delete')} />
          Delete their data (conversations, files, API keys)
        </label>
      </fieldset>
      {confirming ? (
        <div className="note team-confirm-step" role="alertdialog" aria-label={`Confirm deleting ${member.name}`}>
          <strong>Delete {member.name}? {consequence} This cannot be undone.</strong>
          <div className="row">
            <button
              type="button"
              className="danger"
              disabled={pending}
              onClick={() => onDelete(choice === 'transfer' ? { data: 'transfer', to } : { data: 'delete' })}
            >
              {choice === 'transfer' ? `Delete ${member.name} and transfer` : `Delete ${member.name} and their data`}
            </button>
            <button type="button" onClick={() => setConfirming(false)}>Back</button>
          </div>
        </div>
      ) : (
        <div className="row">
          <button type="button" className="danger" disabled={!ready} onClick={() => setConfirming(true)}>Continue…</button>
          <button type="button" onClick={onCancel}>Cancel</button>
        </div>
      )}
      <ErrorNote error={error} />
    </Card>
  );
}

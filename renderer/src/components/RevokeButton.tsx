/** "Revoke", then "Revoke now" / "Keep": a destructive row action that asks once before it acts. */
import { useState } from 'react';

export function RevokeButton({ label, onRevoke }: { /** Names what is revoked, for screen readers. */ label: string; onRevoke(): void }) {
  const [confirming, setConfirming] = useState(false);
  return confirming ? (
    <span className="row row-end">
      <button type="button" className="danger" onClick={onRevoke}>Revoke now</button>
      <button type="button" onClick={() => setConfirming(false)}>Keep</button>
    </span>
  ) : (
    <button type="button" className="danger" onClick={() => setConfirming(true)} aria-label={label}>Revoke</button>
  );
}

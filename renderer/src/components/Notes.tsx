/** The small honest states every page needs: empty, not available on this server, failed. */
import type { ReactNode } from 'react';

export function EmptyState({ title, children, action }: { title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="empty" role="status">
      <strong>{title}</strong>
      {children && <p>{children}</p>}
      {action}
    </div>
  );
}

/** For a feature this server does not offer (yet): says so instead of showing made-up figures. */
export function Unavailable({ what, children }: { what: string; children?: ReactNode }) {
  return (
    <div className="unavailable" role="note">
      {what}: not available on this server yet.{children && <> {children}</>}
    </div>
  );
}

export function ErrorNote({ error, prefix }: { error: Error | null | undefined; prefix?: string }) {
  if (!error) return null;
  return (
    <div className="error-note" role="alert">
      {prefix ? `${prefix}: ` : ''}
      {error.message}
    </div>
  );
}

export function Progress({ value, label }: { value: number; label: string }) {
  const pct = Math.max(0, Math.min(100, Math.round(value * 100)));
  return (
    <div className="progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct}>
      {/* The width is the figure itself, so it is set here (as a custom property, see .progress in styles.css). */}
      <div style={{ '--progress': `${pct}%` }} />
    </div>
  );
}

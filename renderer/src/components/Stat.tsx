import type { ReactNode } from 'react';

export type StatState = 'ok' | 'warn' | 'breach' | 'bad' | undefined;

/** One big figure with its label; `state` colours it (ok/warn/breach). */
export function Stat({ label, value, detail, state, mini }: { label: string; value: ReactNode; detail?: ReactNode; state?: StatState; mini?: boolean }) {
  return (
    <div className={mini ? 'stat stat-mini' : 'stat'} data-state={state} role="group" aria-label={label}>
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
      {detail !== undefined && <div className="stat-detail">{detail}</div>}
    </div>
  );
}

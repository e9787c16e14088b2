import type { ReactNode } from 'react';

export interface CardProps {
  title: string;
  hint?: ReactNode;
  span?: 3 | 4 | 5 | 6 | 7 | 8 | 12;
  actions?: ReactNode;
  children: ReactNode;
}

/** A titled panel; `span` is its width in the 12-column grid. */
export function Card({ title, hint, span, actions, children }: CardProps) {
  const id = `card-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return (
    <section className={`card${span ? ` span-${span}` : ''}`} aria-labelledby={id}>
      <div className="card-head">
        <h3 id={id}>{title}</h3>
        {hint !== undefined && <span className="hint">{hint}</span>}
        {actions}
      </div>
      {children}
    </section>
  );
}

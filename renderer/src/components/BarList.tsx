/** Horizontal bars for "per endpoint" and "per status" breakdowns: readable, accessible, no chart library. */
export interface Bar {
  key: string;
  label: string;
  value: number;
  text: string;
  color?: string;
}

export function BarList({ bars, label, max }: { bars: Bar[]; label: string; max?: number }) {
  const top = max ?? Math.max(0, ...bars.map((b) => b.value));
  return (
    <ul className="bars" aria-label={label}>
      {bars.map((bar) => (
        <li key={bar.key} className="bar-row">
          <div>
            <div className="bar-label">
              <span className="route" title={bar.label}>{bar.label}</span>
            </div>
            <div className="bar-track">
              {/* Length and colour come from the data: set as custom properties that .bar-fill reads. */}
              <div className="bar-fill" style={{ '--bar': `${top > 0 ? (bar.value / top) * 100 : 0}%`, '--bar-color': bar.color }} />
            </div>
          </div>
          <span className="bar-value">{bar.text}</span>
        </li>
      ))}
    </ul>
  );
}

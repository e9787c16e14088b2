import type { KpiWindow } from '../../api/index.js';

const WINDOWS: { id: KpiWindow; label: string }[] = [
  { id: '1m', label: '1 min' },
  { id: '5m', label: '5 min' },
  { id: '1h', label: '1 hour' },
];

/** The sliding window the figures are computed over. */
export function WindowPicker({ value, onChange }: { value: KpiWindow; onChange(w: KpiWindow): void }) {
  return (
    <div className="segmented" role="group" aria-label="Window">
      {WINDOWS.map((w) => (
        <button key={w.id} type="button" aria-pressed={value === w.id} onClick={() => onChange(w.id)}>
          {w.label}
        </button>
      ))}
    </div>
  );
}

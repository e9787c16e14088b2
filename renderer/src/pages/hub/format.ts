/** Figures of the hub pages: counts as on Hugging Face (12.3k, 1.2M), days without the time. */
import { DASH } from '../../lib/format.js';

export function compact(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return DASH;
  if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e7 ? 0 : 1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(n >= 1e4 ? 0 : 1)}k`;
  return String(Math.round(n));
}

/** Unix seconds (or ms) as a short date. */
export function day(unix: number | null | undefined): string {
  if (!unix) return DASH;
  return new Date(unix < 1e12 ? unix * 1000 : unix).toLocaleDateString('en-US', { year: 'numeric', month: 'short', day: 'numeric' });
}

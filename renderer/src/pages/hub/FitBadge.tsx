/** The fit verdict in words and colour (never colour alone), with a sign for those who do not read colour. */
import type { FitVerdict } from '../../api/hub.js';

const VERDICT: Record<FitVerdict, { state: string; sign: string; text: string }> = {
  fits: { state: 'ok', sign: '✓', text: 'Fits' },
  tight: { state: 'warn', sign: '!', text: 'Tight' },
  wont_fit: { state: 'bad', sign: '✕', text: "Won't fit" },
};

export function FitBadge({ verdict }: { verdict: FitVerdict }) {
  const v = VERDICT[verdict];
  return (
    <span className="badge fit-badge" data-state={v.state} data-verdict={verdict}>
      <span aria-hidden="true">{v.sign}</span>
      {v.text}
    </span>
  );
}

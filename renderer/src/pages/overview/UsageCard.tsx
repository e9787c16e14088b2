/**
 * "Your usage" on the Overview, for every user: the caller's own totals (today, the last 7 days), their
 * quotas and what remains, from `GET /v1/usage/me`. The answer is read generically: every group of figures
 * it has becomes a row of small stats, each formatted by its name (bytes, seconds, counts), and a null limit
 * reads "unlimited"; so a field the server adds shows up without a change here.
 */
import { useQuery } from '@tanstack/react-query';
import { teamKeys } from '../../api/team.js';
import { Card } from '../../components/Card.js';
import { ErrorNote } from '../../components/Notes.js';
import { Stat } from '../../components/Stat.js';
import { useCapabilities } from '../../hooks/api-context.js';
import { bytes, count, duration } from '../../lib/format.js';
import { useTeamApi } from '../team/use-team.js';

const GROUP_LABELS: Record<string, string> = {
  today: 'Today', last_7_days: 'Last 7 days', week: 'Last 7 days', last_week: 'Last 7 days', quotas: 'Limits', limits: 'Limits', remaining: 'Remaining',
};
const FIELD_LABELS: Record<string, string> = {
  requests: 'Requests', errors: 'Errors', prompt_tokens: 'Prompt tokens', completion_tokens: 'Generated tokens', model_seconds: 'Time on model',
  storage_bytes: 'Storage', requests_per_minute: 'Requests/min', tokens_per_day: 'Tokens/day', concurrent_streams: 'Concurrent streams',
};
/** Fields that are bookkeeping, not figures. */
const SKIP = new Set(['object', 'id', 'user_id', 'from', 'to', 'at', 'created_at', 'updated_at']);

const words = (key: string) => FIELD_LABELS[key] ?? GROUP_LABELS[key] ?? (key.charAt(0).toUpperCase() + key.slice(1)).replaceAll('_', ' ');

function formatField(key: string, value: number | null, limits: boolean): string {
  if (value === null) return limits ? 'unlimited' : '—';
  if (key.includes('bytes')) return bytes(value);
  if (key.includes('seconds')) return value > 0 && value < 1 ? `${value.toFixed(2)}s` : duration(value);
  return count(value);
}

type Figures = [string, number | null][];

/** The answer's groups of figures: nested objects of numbers, plus top-level numbers as one group. */
export function usageGroups(body: Record<string, unknown>): { key: string; figures: Figures }[] {
  const figuresOf = (o: Record<string, unknown>): Figures =>
    Object.entries(o).filter(([k, v]) => !SKIP.has(k) && (v === null || typeof v === 'number')) as Figures;
  const groups: { key: string; figures: Figures }[] = [];
  const top = figuresOf(body);
  if (top.length > 0) groups.push({ key: 'totals', figures: top });
  for (const [key, value] of Object.entries(body)) {
    if (SKIP.has(key) || value === null || typeof value !== 'object' || Array.isArray(value)) continue;
    const figures = figuresOf(value as Record<string, unknown>);
    if (figures.length > 0) groups.push({ key, figures });
  }
  return groups;
}

export function UsageCard() {
  const team = useTeamApi();
  const available = useCapabilities().has('GET', '/v1/usage/me');
  const usage = useQuery({ queryKey: teamKeys.myUsage, queryFn: () => team.usage.me(), enabled: available, refetchInterval: 15_000 });
  if (!available) return null;
  const groups = usage.data ? usageGroups(usage.data) : [];
  return (
    <Card title="Your usage" hint="your own requests, tokens and limits" span={12}>
      <ErrorNote error={usage.error} />
      {groups.map((g) => {
        const limits = g.key === 'quotas' || g.key === 'limits' || g.key === 'remaining';
        return (
          <div key={g.key} className="team-usage-group" role="group" aria-label={words(g.key)}>
            <h2 className="subhead">{words(g.key)}</h2>
            <div className="mini-stats">
              {g.figures.map(([k, v]) => <Stat key={k} mini label={words(k)} value={formatField(k, v, limits)} />)}
            </div>
          </div>
        );
      })}
    </Card>
  );
}

/**
 * "Your usage" on the Overview, for every user: the caller's own requests and tokens today and over the last
 * 7 days, what they store, and each quota with how much of it is used (`GET /v1/usage/me`). Shown only where
 * the server has that endpoint.
 */
import { useQuery } from '@tanstack/react-query';
import { teamKeys, type MyUsage } from '../../api/team.js';
import { Card } from '../../components/Card.js';
import { ErrorNote, Progress } from '../../components/Notes.js';
import { Stat } from '../../components/Stat.js';
import { useCapabilities } from '../../hooks/api-context.js';
import { bytes, count, duration, when } from '../../lib/format.js';
import { useTeamApi } from '../team/use-team.js';

type Totals = MyUsage['today'];
type QuotaKey = keyof MyUsage['quotas'];

const seconds = (v: number) => (v > 0 && v < 1 ? `${v.toFixed(2)}s` : duration(v));

function Period({ label, totals }: { label: string; totals: Totals }) {
  return (
    <div className="team-usage-group" role="group" aria-label={label}>
      <h2 className="subhead">{label}</h2>
      <div className="mini-stats">
        <Stat mini label="Requests" value={count(totals.requests)} detail={totals.errors > 0 ? `${count(totals.errors)} failed` : undefined} />
        <Stat mini label="Generated tokens" value={count(totals.completion_tokens)} />
        <Stat mini label="Prompt tokens" value={count(totals.prompt_tokens)} />
        <Stat mini label="Time on model" value={seconds(totals.model_seconds)} />
      </div>
    </div>
  );
}

const QUOTAS: { key: QuotaKey; label: string; format(v: number): string }[] = [
  { key: 'requests_per_minute', label: 'Requests this minute', format: count },
  { key: 'tokens_per_day', label: 'Generated tokens today', format: count },
  { key: 'concurrent_streams', label: 'Streams open', format: count },
  { key: 'storage_bytes', label: 'Storage', format: bytes },
];

function Limits({ quotas }: { quotas: MyUsage['quotas'] }) {
  return (
    <div className="team-usage-group" role="group" aria-label="Limits">
      <h2 className="subhead">Limits</h2>
      <div className="team-limits">
        {QUOTAS.map(({ key, label, format }) => {
          const q = quotas[key];
          const resets = 'resets_at' in q && q.limit !== null ? ` · resets ${when(q.resets_at)}` : '';
          return (
            <div key={key} className="team-limit" role="group" aria-label={label}>
              <div className="row">
                <span className="grow">{label}</span>
                <strong>{q.limit === null ? `${format(q.used)} · no limit` : `${format(q.used)} of ${format(q.limit)}`}</strong>
              </div>
              {q.limit !== null && <Progress value={q.limit > 0 ? q.used / q.limit : 1} label={`${label}: share used`} />}
              {q.remaining !== null && <div className="stat-detail">{format(q.remaining)} left{resets}</div>}
            </div>
          );
        })}
      </div>
    </div>
  );
}

export function UsageCard() {
  const team = useTeamApi();
  const available = useCapabilities().has('GET', '/v1/usage/me');
  const usage = useQuery({ queryKey: teamKeys.myUsage, queryFn: () => team.usage.me(), enabled: available, refetchInterval: 15_000 });
  if (!available) return null;
  const data = usage.data;
  return (
    <Card title="Your usage" hint={data ? `storing ${bytes(data.storage_bytes)}` : undefined} span={12}>
      <ErrorNote error={usage.error} />
      {data && (
        <div className="team-usage">
          <Period label="Today" totals={data.today} />
          <Period label="Last 7 days" totals={data.last_7_days} />
          <Limits quotas={data.quotas} />
        </div>
      )}
    </Card>
  );
}

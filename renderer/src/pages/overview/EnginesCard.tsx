/**
 * "Engines" on the Overview, for admins of a server with remote inference engines (JAN_ENGINES): each engine's
 * state, requests in flight, models, last check's latency and last error. Polled every 5 s; hidden when the
 * server has no such endpoint or no engine is configured.
 */
import { useQuery } from '@tanstack/react-query';
import { engineKeys, listEngines, type EngineStatus } from '../../api/engines.js';
import { Card } from '../../components/Card.js';
import { ErrorNote } from '../../components/Notes.js';
import { useApi, useCapabilities } from '../../hooks/api-context.js';
import { count } from '../../lib/format.js';

const STATE: Record<EngineStatus['state'], { label: string; tone: 'ok' | 'bad' | undefined }> = {
  healthy: { label: 'healthy', tone: 'ok' },
  ejected: { label: 'ejected', tone: 'bad' },
  unknown: { label: 'checking', tone: undefined },
};

function EngineRow({ engine }: { engine: EngineStatus }) {
  const state = STATE[engine.state];
  return (
    <tr>
      <td><strong>{engine.name}</strong><div className="stat-detail">{engine.url}</div></td>
      <td><span className="badge" data-state={state.tone}>{state.label}</span></td>
      <td className="num">{count(engine.in_flight)}</td>
      <td className="num">{engine.latency_ms === null ? '—' : `${engine.latency_ms.toFixed(0)} ms`}</td>
      <td className="num">{count(engine.requests_total)}</td>
      <td className="num">{count(engine.errors_total)}</td>
      <td>{engine.models.length === 0 ? '—' : engine.models.join(', ')}<div className="stat-detail">{engine.models_source}</div></td>
      <td className="stat-detail">{engine.last_error ?? '—'}</td>
    </tr>
  );
}

export function EnginesCard({ admin }: { admin: boolean }) {
  const api = useApi();
  const available = useCapabilities().has('GET', '/v1/admin/engines') && admin;
  const engines = useQuery({ queryKey: engineKeys.list, queryFn: () => listEngines(api), enabled: available, refetchInterval: 5_000 });
  const data = engines.data?.data ?? [];
  if (!available || (data.length === 0 && !engines.error)) return null; // none configured (or not yet read)
  const healthy = data.filter((e) => e.healthy).length;
  return (
    <Card title="Engines" hint={engines.data ? `${healthy} of ${data.length} healthy` : undefined} span={12}>
      <ErrorNote error={engines.error} />
      {data.length > 0 && (
        <div className="table-wrap">
          <table aria-label="Remote inference engines">
            <thead>
              <tr>
                <th>Engine</th><th>State</th><th className="num">In flight</th><th className="num">Check</th>
                <th className="num">Requests</th><th className="num">Errors</th><th>Models</th><th>Last error</th>
              </tr>
            </thead>
            <tbody>
              {data.map((engine) => <EngineRow key={engine.name} engine={engine} />)}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}

/**
 * The guide's infrastructure rows: resources, database, caches, and the LLM runtime. Each card's figures
 * re-render only when they change; its chart follows every snapshot.
 */
import { BarList } from '../../components/BarList.js';
import { Card } from '../../components/Card.js';
import { KpiChart } from '../../components/KpiChart.js';
import { EmptyState } from '../../components/Notes.js';
import { Stat } from '../../components/Stat.js';
import { useKpi } from '../../hooks/use-kpi.js';
import { bytes, count, ms, percent, rate, when } from '../../lib/format.js';
import { latestPart } from '../../lib/kpi-series.js';
import { sameJson } from '../../lib/kpi-store.js';

const NOT_MEASURED = 'not measured on this server';

const selectResources = latestPart((l) => l.resources);
const selectDatabase = latestPart((l) => l.database);
const selectCaches = latestPart((l) => l.caches);
const selectLlm = latestPart((l) => l.llm);

export function Resources() {
  const r = useKpi(selectResources, sameJson);
  if (!r) return null;
  const memShare = r.memory_total_bytes > 0 ? r.memory_rss_bytes / r.memory_total_bytes : null;
  const diskUsed = r.disk_total_bytes && r.disk_free_bytes !== null ? 1 - r.disk_free_bytes / r.disk_total_bytes : null;
  const net = r.network_rx_bytes_per_second === null && r.network_tx_bytes_per_second === null;
  return (
    <Card title="Resources" hint={`${r.cpu_count} CPUs`} span={6}>
      <div className="mini-stats">
        <Stat mini label="CPU (server)" value={r.cpu_percent === null ? '—' : `${r.cpu_percent.toFixed(1)}%`} detail={`load ${r.load_average_1m === null ? '—' : r.load_average_1m.toFixed(2)} · loop p99 ${ms(r.event_loop_delay_p99_ms)}`} />
        <Stat mini label="Memory (RSS)" value={bytes(r.memory_rss_bytes)} detail={`${percent(memShare, 1)} of ${bytes(r.memory_total_bytes)}`} />
        <Stat mini label="Heap used" value={bytes(r.heap_used_bytes)} detail={`${bytes(r.memory_free_bytes)} free on host`} />
        <Stat mini label="Network" value={net ? '—' : `↓ ${bytes(r.network_rx_bytes_per_second)}/s`} detail={net ? NOT_MEASURED : `↑ ${bytes(r.network_tx_bytes_per_second)}/s`} />
        <Stat mini label="Disk (data folder)" value={r.disk_free_bytes === null ? '—' : `${bytes(r.disk_free_bytes)} free`} detail={diskUsed === null ? NOT_MEASURED : `${percent(diskUsed, 0)} used of ${bytes(r.disk_total_bytes)}`} />
        <Stat mini label="Accept queue" value={r.accept_backlog === null ? '—' : count(r.accept_backlog)} detail={r.accept_backlog === null ? NOT_MEASURED : 'connections not yet accepted'} />
      </div>
      <KpiChart
        label="CPU and memory over time"
        height={130}
        format={(v) => `${v.toFixed(0)}%`}
        minMax={10}
        lines={[
          { label: 'CPU %', color: '--chart-1', fill: true, pick: (s) => s.resources.cpu_percent },
          { label: 'memory %', color: '--chart-5', pick: (s) => (s.resources.memory_total_bytes ? (100 * s.resources.memory_rss_bytes) / s.resources.memory_total_bytes : null) },
        ]}
      />
    </Card>
  );
}

export function Database() {
  const d = useKpi(selectDatabase, sameJson);
  if (!d) return null;
  return (
    <Card title="Database" hint="SQLite" span={6}>
      <div className="mini-stats">
        <Stat mini label="Query p50" value={ms(d.query_p50_ms)} />
        <Stat mini label="Query p95" value={ms(d.query_p95_ms)} />
        <Stat mini label="Query p99" value={ms(d.query_p99_ms)} />
        <Stat mini label="Queries/s" value={rate(d.queries_per_second, '')} />
        <Stat mini label="Connections" value={`${d.connections_active} active`} detail={`${d.connections_idle} idle`} />
        <Stat mini label="Size" value={bytes(d.size_bytes)} />
      </div>
      <KpiChart
        label="Database query duration over time"
        height={110}
        format={ms}
        minMax={1}
        lines={[
          { label: 'p50', color: '--chart-2', pick: (s) => s.database.query_p50_ms },
          { label: 'p95', color: '--chart-3', pick: (s) => s.database.query_p95_ms },
        ]}
      />
      <div>
        <h2 className="subhead">Slow queries</h2>
        {d.slow_queries.length === 0 ? (
          <div className="stat-detail">None in this window.</div>
        ) : (
          <table>
            <tbody>
              {d.slow_queries.slice(0, 5).map((q, i) => (
                <tr key={i}><td className="route">{q.operation}</td><td className="num">{ms(q.ms)}</td><td className="num">{when(q.at)}</td></tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </Card>
  );
}

const CACHE_NAMES: Record<string, string> = { http: 'Response cache', prompt: 'Prompt (KV) reuse', ocr: 'OCR cache', analysis: 'Analysis cache' };

export function Caches() {
  const caches = useKpi(selectCaches, sameJson) ?? [];
  return (
    <Card title="Cache hit ratio" hint="hits / (hits + misses)" span={6}>
      {caches.length === 0 ? (
        <EmptyState title="No caches report yet">Hit ratios appear once the response, OCR, analysis or prompt caches are used.</EmptyState>
      ) : (
        <>
          <BarList
            label="Cache hit ratio per cache"
            max={1}
            bars={caches.map((c) => ({
              key: c.cache, label: CACHE_NAMES[c.cache] ?? c.cache, value: c.hit_ratio ?? 0,
              text: c.hit_ratio === null ? 'no lookups' : percent(c.hit_ratio, 1), color: 'var(--chart-5)',
            }))}
          />
          <table>
            <thead><tr><th>Cache</th><th className="num">Hits</th><th className="num">Misses</th><th className="num">Evictions</th></tr></thead>
            <tbody>
              {caches.map((c) => (
                <tr key={c.cache}><td>{CACHE_NAMES[c.cache] ?? c.cache}</td><td className="num">{count(c.hits)}</td><td className="num">{count(c.misses)}</td><td className="num">{count(c.evictions)}</td></tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </Card>
  );
}

export function Llm() {
  const l = useKpi(selectLlm, sameJson);
  if (!l) return null;
  return (
    <Card title="LLM" hint={l.loaded_models.length > 0 ? `${l.loaded_models.length} loaded` : 'no model loaded'} span={6}>
      <div className="mini-stats">
        <Stat mini label="Time to first token" value={ms(l.ttft_p50_ms)} detail={`p95 ${ms(l.ttft_p95_ms)}`} />
        <Stat mini label="Tokens/s per stream" value={l.tokens_per_second === null ? '—' : l.tokens_per_second.toFixed(1)} detail="after the first token" />
        <Stat mini label="Tokens/s generated" value={l.generated_tokens_per_second === null ? '—' : l.generated_tokens_per_second.toFixed(1)} detail="whole server" />
        <Stat mini label="Active streams" value={count(l.active_streams)} />
        <Stat mini label="Queue depth" value={count(l.queue_depth)} />
      </div>
      <KpiChart
        label="Tokens per second and queue depth over time"
        height={110}
        format={(v) => v.toFixed(1)}
        minMax={1}
        lines={[
          { label: 'tokens/s', color: '--chart-1', fill: true, pick: (s) => s.llm.generated_tokens_per_second },
          { label: 'queue', color: '--chart-3', pick: (s) => s.llm.queue_depth },
          { label: 'streams', color: '--chart-5', pick: (s) => s.llm.active_streams },
        ]}
      />
      <div className="stat-detail wrap loaded-models">
        Loaded: {l.loaded_models.length > 0 ? l.loaded_models.map((m) => <code key={m}>{m}</code>) : <>none — load one on the <a href="#/models">Models</a> page.</>}
      </div>
    </Card>
  );
}

import { QueryClientProvider } from '@tanstack/react-query';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { Profiler, type ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import { createApi, type Api, type KpiSnapshot, type KpiWindow } from '../api/index.js';
import { createQueryClient } from '../api/query-client.js';
import { column } from '../lib/kpi-series.js';
import { KpiStore, sameJson, type KpiState } from '../lib/kpi-store.js';
import { Caches } from '../pages/overview/System.js';
import { Overview } from '../pages/Overview.js';
import { HeadlineStats } from '../pages/overview/Traffic.js';
import { capabilities, fakeFetch, snapshot } from '../test/fixtures.js';
import { ApiProvider } from './api-context.js';
import { KpiProvider, KpiStoreProvider, useKpi } from './use-kpi.js';

/** A snapshot `seconds` after the first, with the request rate and queue depth given. */
function snap(seconds: number, rps: number, queue: number): KpiSnapshot {
  const base = snapshot({}, 1_767_000_000_000 + seconds * 1000);
  return { ...base, totals: { ...base.totals, rps }, llm: { ...base.llm, queue_depth: queue } };
}

const pickRps = (s: KpiSnapshot) => s.totals.rps;
const pickQueue = (s: KpiSnapshot) => s.llm.queue_depth;
const selectLive = (s: KpiState) => s.live;

/** A chart's worth of one figure: its values over the kept snapshots. */
function Series({ pick }: { pick: (s: KpiSnapshot) => number }) {
  const values = useKpi((s) => column(s.series, pick), sameJson);
  return <span>{values.join(',')}</span>;
}

function LiveFlag() {
  return <span>{String(useKpi(selectLive))}</span>;
}

/** Renders each consumer under a Profiler and counts its commits (a commit per render that reached the DOM). */
function renderCounted(store: KpiStore, consumers: Record<string, ReactNode>) {
  const commits: Record<string, number> = Object.fromEntries(Object.keys(consumers).map((k) => [k, 0]));
  render(
    <KpiStoreProvider store={store}>
      {Object.entries(consumers).map(([id, node]) => (
        <Profiler key={id} id={id} onRender={() => (commits[id] = (commits[id] ?? 0) + 1)}>
          <div data-testid={id}>{node}</div>
        </Profiler>
      ))}
    </KpiStoreProvider>,
  );
  return commits;
}

describe('KPI store and useKpi', () => {
  it('re-renders a consumer of one series only when that series changes, not when another one does', () => {
    const store = new KpiStore({ available: true, live: true, keep: 3, series: [snap(0, 20, 0), snap(1, 20, 0), snap(2, 20, 0)] });
    const commits = renderCounted(store, { rps: <Series pick={pickRps} />, queue: <Series pick={pickQueue} />, live: <LiveFlag /> });
    expect(commits).toEqual({ rps: 1, queue: 1, live: 1 });

    // Only the queue moves: the request-rate series (20,20,20 → 20,20,20) and the live flag stay put.
    act(() => store.push(snap(3, 20, 4)));
    expect(commits).toEqual({ rps: 1, queue: 2, live: 1 });
    expect(screen.getByTestId('queue').textContent).toBe('0,0,4');

    // The queue's window fills with 4s (0,4,4 → 4,4,4); then only the request rate moves.
    act(() => store.push(snap(4, 20, 4)));
    act(() => store.push(snap(5, 20, 4)));
    expect(commits).toEqual({ rps: 1, queue: 4, live: 1 });
    act(() => store.push(snap(6, 35, 4)));
    expect(commits).toEqual({ rps: 2, queue: 4, live: 1 });
    expect(screen.getByTestId('rps').textContent).toBe('20,20,35');

    // The stream drops: only the consumer of `live` hears of it.
    act(() => store.setLive(false));
    expect(commits).toEqual({ rps: 2, queue: 4, live: 2 });
    expect(screen.getByTestId('live').textContent).toBe('false');
  });

  it('keeps the Overview headline still while only the cache figures change, and the reverse', () => {
    const first = snapshot({}, 1_767_000_000_000);
    const store = new KpiStore({ available: true, live: true, series: [first] });
    const commits = renderCounted(store, { headline: <HeadlineStats />, caches: <Caches /> });
    expect(commits).toEqual({ headline: 1, caches: 1 });

    const moreHits = { ...first, at: first.at + 1000, caches: [{ cache: 'prompt', hit_ratio: 0.9, hits: 90, misses: 10, evictions: 4 }] };
    act(() => store.push(moreHits));
    expect(commits).toEqual({ headline: 1, caches: 2 });
    expect(screen.getByRole('list', { name: 'Cache hit ratio per cache' }).textContent).toBe('Prompt (KV) reuse90.0%');

    act(() => store.push({ ...moreHits, at: moreHits.at + 1000, totals: { ...moreHits.totals, rps: 42.5 } }));
    expect(commits).toEqual({ headline: 2, caches: 2 });
    expect(within(screen.getByRole('group', { name: 'Requests/s' })).getByText('42.5')).toBeTruthy();
  });

  it('keeps at most `keep` snapshots, oldest first, and starts over on another window', () => {
    const store = new KpiStore({ keep: 2 });
    store.push(snap(0, 1, 0));
    store.push(snap(1, 2, 0));
    store.push(snap(2, 3, 0));
    expect(store.getSnapshot().series.map((s) => s.totals.rps)).toEqual([2, 3]);
    expect(store.getSnapshot().latest?.totals.rps).toBe(3);
    store.setWindow('5m');
    expect(store.getSnapshot()).toMatchObject({ series: [], latest: undefined, window: '5m' });
  });

  it('KpiProvider subscribes once per window, for admins only, and drops the old window\'s series', () => {
    const streams: { window: KpiWindow; push: (s: KpiSnapshot) => void; setLive: (live: boolean) => void; closed: boolean }[] = [];
    // The Overview also asks for the model list (its first-run card): no fixture, so a 404 and no card.
    const base = createApi({ fetch: fakeFetch({}) });
    const api: Api = {
      ...base,
      kpi: {
        ...base.kpi,
        subscribe: (window, push, setLive) => {
          const stream = { window, push, setLive, closed: false };
          streams.push(stream);
          return { close: () => void (stream.closed = true) };
        },
      },
    };
    const stream = capabilities('GET /v1/admin/metrics/stream');
    const { unmount } = render(
      <QueryClientProvider client={createQueryClient()}>
        <ApiProvider api={api} capabilities={stream}>
          <KpiProvider admin={false}><Overview /></KpiProvider>
        </ApiProvider>
      </QueryClientProvider>,
    );
    expect(streams).toEqual([]);
    expect(screen.getByRole('note').textContent).toContain('Live metrics: not available');
    unmount();

    render(
      <QueryClientProvider client={createQueryClient()}>
        <ApiProvider api={api} capabilities={stream}>
          <KpiProvider admin><Overview /></KpiProvider>
        </ApiProvider>
      </QueryClientProvider>,
    );
    expect(streams.map((s) => [s.window, s.closed])).toEqual([['1m', false]]);
    act(() => {
      streams[0]!.setLive(true);
      streams[0]!.push(snapshot({ totals: { ...snapshot().totals, rps: 42.5 } }));
    });
    expect(within(screen.getByRole('group', { name: 'Requests/s' })).getByText('42.5')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: '5 min' }));
    expect(streams.map((s) => [s.window, s.closed])).toEqual([['1m', true], ['5m', false]]);
    expect(screen.getByText('Waiting for live figures')).toBeTruthy();
    expect(screen.getByText('Waiting for the first snapshot…')).toBeTruthy();
  });
});

/**
 * Model downloads from the hub, as the server has them (`GET /v1/models/pulls`): progress bars with bytes, %,
 * rate and time left, pause / resume / cancel, and "Chat with it" once a model is installed. The state lives
 * on the server, so a reload shows the same bars; the list is polled only while a pull is moving. Shared by
 * the Hub and Models pages through the one query key, so both see the same figures.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { ACTIVE_PULL, FINISHED_PULL, hubKeys, useHub, type Pull, type PullStatus } from '../api/hub.js';
import { ApiError } from '../api/index.js';
import { queryKeys } from '../api/query-keys.js';
import { bytes, duration } from '../lib/format.js';
import { href } from '../lib/hash-route.js';
import { Card } from './Card.js';
import { ErrorNote, Progress } from './Notes.js';

/** How often the list is read while a pull is queued, downloading or verifying. */
export const PULL_POLL_MS = 1_000;
/** A finished pull stays listed this long (seconds), so "Chat with it" is there after a reload too. */
const RECENT_S = 3_600;
/** The Chat page's remembered model (see pages/Chat.tsx): "Chat with it" sets it before opening the chat. */
const CHAT_MODEL_KEY = 'jan-chat-model';

const isActive = (p: Pull) => ACTIVE_PULL.includes(p.status);
const seconds = (t: number) => (t < 1e12 ? t : t / 1000);

/**
 * The pulls, polled while any is active. When one completes (or an active one leaves the list), the models
 * list is read again, so Models, Chat and the first-run card see the new model without a reload.
 */
export function usePulls() {
  const hub = useHub();
  const queryClient = useQueryClient();
  const query = useQuery({
    queryKey: hubKeys.pulls,
    queryFn: () => hub.pulls(),
    refetchInterval: (q) => ((q.state.data?.data ?? []).some(isActive) ? PULL_POLL_MS : false),
  });
  const seen = useRef(new Map<string, PullStatus>());
  useEffect(() => {
    if (!query.data) return;
    const before = seen.current;
    const now = new Map(query.data.data.map((p) => [p.id, p.status] as const));
    const installed =
      query.data.data.some((p) => p.status === 'completed' && before.has(p.id) && before.get(p.id) !== 'completed') ||
      [...before].some(([id, status]) => !now.has(id) && ACTIVE_PULL.includes(status));
    seen.current = now;
    if (installed) void queryClient.invalidateQueries({ queryKey: queryKeys.models });
  }, [query.data, queryClient]);
  return query;
}

const STATUS_STATE: Partial<Record<PullStatus, string>> = { downloading: 'ok', verifying: 'ok', completed: 'ok', paused: 'warn', failed: 'bad' };
const STATUS_TEXT: Record<PullStatus, string> = {
  queued: 'Queued', downloading: 'Downloading', paused: 'Paused', verifying: 'Verifying', completed: 'Installed', failed: 'Failed', cancelled: 'Cancelled',
};

type Action = 'pause' | 'resume' | 'cancel';

function progressText(p: Pull): string {
  const total = p.bytes_total ?? 0;
  const parts = [`${bytes(p.bytes_done)}${total > 0 ? ` of ${bytes(total)}` : ''}`];
  if (total > 0) parts.push(`${Math.floor((p.bytes_done / total) * 100)}%`);
  if (p.status === 'downloading') {
    if (p.rate_bytes_per_second) parts.push(`${bytes(p.rate_bytes_per_second)}/s`);
    if (p.eta_seconds !== null && p.eta_seconds !== undefined) parts.push(`${duration(p.eta_seconds)} left`);
  }
  return parts.join(' · ');
}

function PullRow({ p, busy, onAction, onDismiss }: { p: Pull; busy: boolean; onAction(a: Action): void; onDismiss(): void }) {
  const name = p.quantization ? `${p.repo}:${p.quantization}` : p.repo;
  const finished = FINISHED_PULL.includes(p.status);
  const total = p.bytes_total ?? 0;
  return (
    <li className="pull" data-status={p.status}>
      <div className="pull-head">
        <span className="pull-name"><strong>{p.repo}</strong>{p.quantization && <code>{p.quantization}</code>}</span>
        <span className="badge" data-state={STATUS_STATE[p.status]}>{STATUS_TEXT[p.status]}</span>
        <span className="row row-end grow">
          {(p.status === 'downloading' || p.status === 'queued') && (
            <button type="button" disabled={busy} onClick={() => onAction('pause')} aria-label={`Pause ${name}`}>Pause</button>
          )}
          {(p.status === 'paused' || p.status === 'failed') && (
            // A failed pull resumes too, from where its part files end (after a checksum failure, from the start).
            <button type="button" disabled={busy} onClick={() => onAction('resume')} aria-label={`${p.status === 'failed' ? 'Retry' : 'Resume'} ${name}`}>
              {p.status === 'failed' ? 'Retry' : 'Resume'}
            </button>
          )}
          {((!finished && p.status !== 'verifying') || p.status === 'failed') && (
            <button type="button" className="danger" disabled={busy} onClick={() => onAction('cancel')} aria-label={`Cancel ${name}`}>
              {p.status === 'failed' ? 'Discard' : 'Cancel'}
            </button>
          )}
          {p.status === 'completed' && p.model_id && (
            <a className="button primary" href={href('chat')} onClick={() => localStorage.setItem(CHAT_MODEL_KEY, p.model_id!)}>Chat with it</a>
          )}
          {(p.status === 'completed' || p.status === 'cancelled') && (
            <button type="button" className="ghost" onClick={onDismiss} aria-label={`Hide ${name}`}>Hide</button>
          )}
        </span>
      </div>
      {!finished && <Progress label={`Download of ${name}`} value={total > 0 ? p.bytes_done / total : 0} />}
      {p.status === 'completed' ? (
        <div className="stat-detail">{bytes(total || p.bytes_done)} downloaded and verified{p.model_id ? <> · listed as <code>{p.model_id}</code></> : null}</div>
      ) : (
        p.status !== 'failed' && p.status !== 'cancelled' && <div className="stat-detail">{progressText(p)}</div>
      )}
      {p.error && <div className="error-note" role="alert">{p.error.message}</div>}
    </li>
  );
}

/**
 * The downloads card; nothing at all while there is no download to show. `showReadError` also shows a failed
 * read of the list (the Hub page wants it; the Models page stays quiet when the hub is switched off).
 */
export function PullList({ showReadError = false }: { showReadError?: boolean }) {
  const hub = useHub();
  const queryClient = useQueryClient();
  const pulls = usePulls();
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const act = useMutation({
    mutationFn: ({ id, action }: { id: string; action: Action }) => hub[action](id),
    onSettled: () => queryClient.invalidateQueries({ queryKey: hubKeys.pulls }),
  });
  // "Now" is when the list was read, so a render shows the same rows however often it runs.
  const nowS = pulls.dataUpdatedAt / 1000;
  const list = (pulls.data?.data ?? []).filter(
    (p) => !hidden.has(p.id) && (!FINISHED_PULL.includes(p.status) || (p.status !== 'cancelled' && nowS - seconds(p.updated_at) < RECENT_S)),
  );
  // A member may not see pulls (403): not an error worth showing, there is just nothing of theirs to list.
  const readError = pulls.error instanceof ApiError && pulls.error.status === 403 ? null : pulls.error;
  if (list.length === 0) return showReadError ? <ErrorNote error={readError} prefix="Downloads could not be read" /> : null;
  const running = list.filter(isActive).length;
  return (
    <Card title="Downloads" hint={running > 0 ? `${running} running` : undefined}>
      <ul className="pulls" aria-label="Downloads">
        {list.map((p) => (
          <PullRow key={p.id} p={p} busy={act.isPending && act.variables.id === p.id}
            onAction={(action) => act.mutate({ id: p.id, action })} onDismiss={() => setHidden((h) => new Set(h).add(p.id))} />
        ))}
      </ul>
      <ErrorNote error={act.error} prefix="The download could not be changed" />
    </Card>
  );
}

/**
 * Models: what is installed (with what the GGUF header says), load/unload, delete, and import from a local
 * path or a URL with a progress bar. Admin actions appear only where the server offers them.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { ModelEntry } from '../api/index.js';
import { queryKeys } from '../api/query-keys.js';
import { Card } from '../components/Card.js';
import { EmptyState, ErrorNote, Progress } from '../components/Notes.js';
import { PullList } from '../components/PullList.js';
import { useApi, useCapabilities } from '../hooks/api-context.js';
import { bytes, count } from '../lib/format.js';
import { href } from '../lib/hash-route.js';

function params(n: number | null): string {
  if (n === null) return '—';
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)}B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  return count(n);
}

type Action = 'load' | 'unload' | 'remove';

const STATUS_STATE = { loaded: 'ok', loading: 'warn', unloaded: undefined } as const;

function ModelRow({ m, busy, onAction }: { m: ModelEntry; busy: boolean; onAction(action: Action): void }) {
  const has = useCapabilities().has;
  const [confirming, setConfirming] = useState(false);
  return (
    <tr>
      <td>
        <div><strong>{m.id}</strong></div>
        {m.error && <div className="stat-detail wrap model-error">{m.error}</div>}
      </td>
      <td><span className="badge" data-state={STATUS_STATE[m.status]}>{m.status}</span></td>
      <td>{m.architecture ?? '—'}</td>
      <td className="num">{params(m.parameters)}</td>
      <td>{m.quantization ?? '—'}</td>
      <td className="num">{m.context_length === null ? '—' : count(m.context_length)}</td>
      <td className="num">{bytes(m.size_bytes)}</td>
      <td className="num">
        <span className="row row-end">
          {m.status === 'loaded' && has('POST', '/v1/models/{id}/unload') && (
            <button type="button" disabled={busy} onClick={() => onAction('unload')} aria-label={`Unload ${m.id}`}>Unload</button>
          )}
          {m.status !== 'loaded' && has('POST', '/v1/models/{id}/load') && (
            <button type="button" disabled={busy || m.status === 'loading' || !!m.error} onClick={() => onAction('load')} aria-label={`Load ${m.id}`}>Load</button>
          )}
          {m.status === 'loaded' && <a className="button" href={href('chat')}>Chat</a>}
          {has('DELETE', '/v1/models/{id}') &&
            (confirming ? (
              <>
                <button type="button" className="danger" disabled={busy} onClick={() => onAction('remove')}>Delete file</button>
                <button type="button" onClick={() => setConfirming(false)}>Keep</button>
              </>
            ) : (
              <button type="button" className="danger" onClick={() => setConfirming(true)} aria-label={`Delete ${m.id}`}>Delete</button>
            ))}
        </span>
      </td>
    </tr>
  );
}

/** After any change to a model, the list is read again (the Chat's model picker reads the same one). */
function useModelsChanged() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: queryKeys.models });
}

function ImportForm() {
  const api = useApi();
  const [source, setSource] = useState('');
  const [progress, setProgress] = useState<{ received: number; total: number | null }>();
  const changed = useModelsChanged();
  const importing = useMutation({
    mutationFn: (value: string) => api.models.import(/^https?:\/\//i.test(value) ? { url: value } : { path: value }, (received, total) => setProgress({ received, total })),
    onMutate: () => setProgress({ received: 0, total: null }),
    onSuccess: () => {
      setSource('');
      return changed();
    },
    onSettled: () => setProgress(undefined),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    importing.mutate(source.trim());
  };
  return (
    <Card title="Import a model" hint="a .gguf file from this machine or the web">
      <form className="row form-row" onSubmit={submit}>
        <label className="grow">
          Path on the server's machine, or an http(s) URL
          <input value={source} onChange={(e) => setSource(e.target.value)} placeholder="/home/me/Downloads/model.Q4_K_M.gguf or https://…/model.gguf" disabled={!!progress} />
        </label>
        <button type="submit" className="primary" disabled={!source.trim() || !!progress}>Import</button>
      </form>
      {progress && (
        <div>
          <Progress label="Import progress" value={progress.total ? progress.received / progress.total : 0} />
          <div className="stat-detail">{bytes(progress.received)}{progress.total ? ` of ${bytes(progress.total)}` : ''} copied</div>
        </div>
      )}
      {importing.data && <div className="note" role="status">Imported <strong>{importing.data.id}</strong>.</div>}
      <ErrorNote error={importing.error} prefix="Import failed" />
    </Card>
  );
}

export function Models() {
  const api = useApi();
  const canImport = useCapabilities().has('POST', '/v1/models/import');
  const canPull = useCapabilities().has('GET', '/v1/models/pulls');
  const models = useQuery({ queryKey: queryKeys.models, queryFn: () => api.models.list() });
  const changed = useModelsChanged();
  const act = useMutation({
    mutationFn: ({ id, action }: { id: string; action: Action }) => api.models[action](id),
    // Also after a failure: the model's status or error may have changed on the server all the same.
    onSettled: changed,
  });
  const busy = act.isPending ? act.variables.id : undefined;
  const list = models.data?.data ?? [];
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Models</h1>
          <p>GGUF models served through <code>/v1/chat/completions</code> and friends. A model also loads on first use.</p>
        </div>
        {canPull && <a className="button" href={href('hub')}>Find a model in the Hub</a>}
      </div>
      <ErrorNote error={models.error ?? act.error} />
      {canPull && <PullList />}
      <Card title="Installed" hint={models.data ? `${list.length} model${list.length === 1 ? '' : 's'}` : undefined}>
        {models.data && list.length === 0 ? (
          <EmptyState title="No model yet">
            Drop a <code>.gguf</code> file into the server's models folder (<code>./models</code> where the server was started, or <code>JAN_MODELS_DIR</code>){canImport ? ', or import one below' : ''}. It shows up here without a restart.
          </EmptyState>
        ) : (
          <div className="table-wrap">
            <table aria-label="Installed models">
              <thead>
                <tr><th>Model</th><th>Status</th><th>Architecture</th><th className="num">Parameters</th><th>Quantization</th><th className="num">Context</th><th className="num">Size</th><th className="num">Actions</th></tr>
              </thead>
              <tbody>{list.map((m) => <ModelRow key={m.id} m={m} busy={busy === m.id} onAction={(action) => act.mutate({ id: m.id, action })} />)}</tbody>
            </table>
          </div>
        )}
      </Card>
      {canImport && <ImportForm />}
    </div>
  );
}

/**
 * Conversations: search (by title, over everything the user has — the list is paged in full), open in the
 * chat, rename in place, delete after a confirmation.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState, type FormEvent } from 'react';
import type { Api, Conversation } from '../api/index.js';
import { queryKeys } from '../api/query-keys.js';
import { Card } from '../components/Card.js';
import { EmptyState, ErrorNote } from '../components/Notes.js';
import { useApi } from '../hooks/api-context.js';
import { when } from '../lib/format.js';
import { href } from '../lib/hash-route.js';

async function loadAll(api: Api): Promise<Conversation[]> {
  const all: Conversation[] = [];
  let after: string | undefined;
  for (let page = 0; page < 50; page++) {
    const list = await api.conversations.list(after);
    all.push(...list.data);
    if (!list.has_more || !list.last_id) break;
    after = list.last_id;
  }
  return all;
}

function Row({ c, onRename, onDelete }: { c: Conversation; onRename(title: string): Promise<void>; onDelete(): Promise<void> }) {
  const [editing, setEditing] = useState(false);
  const [title, setTitle] = useState(c.title ?? '');
  const [confirming, setConfirming] = useState(false);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    await onRename(title.trim());
    setEditing(false);
  };
  return (
    <tr>
      <td className="title-cell">
        {editing ? (
          <form onSubmit={save} className="row">
            <label className="sr-only" htmlFor={`t-${c.id}`}>New title</label>
            <input id={`t-${c.id}`} value={title} onChange={(e) => setTitle(e.target.value)} autoFocus className="grow" maxLength={512} />
            <button type="submit" className="primary">Save</button>
            <button type="button" onClick={() => setEditing(false)}>Cancel</button>
          </form>
        ) : (
          <a href={href('chat', c.id)}>{c.title || 'Untitled'}</a>
        )}
        <div className="stat-detail mono">{c.id}</div>
      </td>
      <td>{when(c.updated_at)}</td>
      <td className="num">
        {confirming ? (
          <span className="row row-end">
            Delete for good?
            <button type="button" className="danger" onClick={() => void onDelete()}>Delete</button>
            <button type="button" onClick={() => setConfirming(false)}>Keep</button>
          </span>
        ) : (
          <span className="row row-end">
            <button type="button" onClick={() => setEditing(true)} aria-label={`Rename ${c.title || c.id}`}>Rename</button>
            <button type="button" className="danger" onClick={() => setConfirming(true)} aria-label={`Delete ${c.title || c.id}`}>Delete</button>
          </span>
        )}
      </td>
    </tr>
  );
}

export function Conversations() {
  const api = useApi();
  const queryClient = useQueryClient();
  const list = useQuery({ queryKey: queryKeys.conversations.everything, queryFn: () => loadAll(api) });
  // Both lists (this page's and the chat's) show titles; the items of a deleted conversation go with it.
  const refresh = () => queryClient.invalidateQueries({ queryKey: queryKeys.conversations.lists });
  const rename = useMutation({ mutationFn: ({ id, title }: { id: string; title: string }) => api.conversations.rename(id, title), onSuccess: refresh });
  const remove = useMutation({
    mutationFn: (id: string) => api.conversations.remove(id),
    onSuccess: (_reply, id) => {
      queryClient.removeQueries({ queryKey: queryKeys.conversations.items(id) });
      return refresh();
    },
  });
  const [query, setQuery] = useState('');
  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    const all = list.data ?? [];
    return q ? all.filter((c) => (c.title ?? '').toLowerCase().includes(q) || c.id.toLowerCase().includes(q)) : all;
  }, [list.data, query]);
  // A failure is shown above the list; the row's own form closes either way.
  const settle = (work: Promise<unknown>) => work.then(() => undefined, () => undefined);

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Conversations</h1>
          <p>{list.data ? `${list.data.length} saved` : 'Loading…'}</p>
        </div>
        <div className="row">
          <label className="sr-only" htmlFor="conv-search">Search conversations</label>
          <input id="conv-search" type="search" placeholder="Search titles" value={query} onChange={(e) => setQuery(e.target.value)} />
          <a className="button" href={href('chat')}>New chat</a>
        </div>
      </div>
      <ErrorNote error={list.error ?? rename.error ?? remove.error} />
      <Card title="All conversations" hint={query ? `${shown.length} match` : undefined}>
        {list.data && list.data.length === 0 ? (
          <EmptyState title="No conversations yet" action={<a className="button" href={href('chat')}>Start one in the chat</a>}>
            Conversations you have in the chat, or create through <code>POST /v1/conversations</code>, show up here.
          </EmptyState>
        ) : shown.length === 0 && query ? (
          <EmptyState title={`Nothing matches “${query}”`} />
        ) : (
          <div className="table-wrap">
            <table>
              <thead><tr><th>Title</th><th>Updated</th><th className="num">Actions</th></tr></thead>
              <tbody>
                {shown.map((c) => (
                  <Row key={c.id} c={c} onRename={(title) => settle(rename.mutateAsync({ id: c.id, title }))} onDelete={() => settle(remove.mutateAsync(c.id))} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </div>
  );
}

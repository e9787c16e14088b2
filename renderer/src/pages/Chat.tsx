/** Chat playground: pick a model, stream an answer (stop any time), conversations saved and reopened. */
import { useQuery } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { queryKeys } from '../api/query-keys.js';
import { FirstRunCard, useFirstRun } from '../components/FirstRunCard.js';
import { EmptyState, ErrorNote, Unavailable } from '../components/Notes.js';
import { useApi, useCapabilities } from '../hooks/api-context.js';
import { href } from '../lib/hash-route.js';
import { useChat } from './chat/use-chat.js';

const MODEL_KEY = 'jan-chat-model';

function ModelPicker({ models, value, onChange }: { models: string[]; value: string; onChange(id: string): void }) {
  return (
    <label className="inline">
      Model
      <select value={value} onChange={(e) => onChange(e.target.value)} disabled={models.length === 0}>
        {models.length === 0 && <option value="">no model installed</option>}
        {models.map((m) => <option key={m} value={m}>{m}</option>)}
      </select>
    </label>
  );
}

function Composer({ disabled, streaming, onSend, onStop }: { disabled: boolean; streaming: boolean; onSend(text: string): void; onStop(): void }) {
  const [text, setText] = useState('');
  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    if (!text.trim() || disabled || streaming) return;
    onSend(text.trim());
    setText('');
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && !e.shiftKey) submit(e);
  };
  return (
    <form className="composer" onSubmit={submit}>
      <label className="sr-only" htmlFor="chat-input">Message</label>
      <textarea id="chat-input" rows={2} value={text} onChange={(e) => setText(e.target.value)} onKeyDown={onKey}
        placeholder={disabled ? 'Install a model to chat' : 'Message (Enter to send, Shift+Enter for a new line)'} disabled={disabled} />
      {streaming ? (
        <button type="button" className="danger" onClick={onStop}>Stop</button>
      ) : (
        <button type="submit" className="primary" disabled={disabled || !text.trim()}>Send</button>
      )}
    </form>
  );
}

export function Chat({ arg }: { arg: string | undefined }) {
  const api = useApi();
  const canChat = useCapabilities().has('POST', '/v1/chat/completions');
  const models = useQuery({ queryKey: queryKeys.models, queryFn: () => api.models.list() });
  const firstRun = useFirstRun();
  const ids = (models.data?.data ?? []).map((m) => m.id);
  const [model, setModel] = useState(() => localStorage.getItem(MODEL_KEY) ?? '');
  const chosen = ids.includes(model) ? model : (ids[0] ?? '');
  // Refreshed when a conversation is created here (or renamed, deleted on the Conversations page).
  const conversations = useQuery({ queryKey: queryKeys.conversations.recent, queryFn: () => api.conversations.list() });
  const onCreated = useCallback((id: string) => window.location.replace(href('chat', id)), []);
  const chat = useChat(api, arg, onCreated);
  const end = useRef<HTMLDivElement>(null);
  useEffect(() => {
    end.current?.scrollIntoView?.({ block: 'end' });
  }, [chat.turns]);

  const pick = (id: string) => {
    setModel(id);
    localStorage.setItem(MODEL_KEY, id);
  };
  const title = conversations.data?.data.find((c) => c.id === arg)?.title;
  return (
    <div className="page">
      <div className="chat">
        <nav className="card chat-list" aria-label="Conversations">
          <a href={href('chat')} className="button new-chat">New chat</a>
          {(conversations.data?.data ?? []).map((c) => (
            <a key={c.id} href={href('chat', c.id)} aria-current={c.id === arg} title={c.title ?? c.id}>{c.title || 'Untitled'}</a>
          ))}
        </nav>
        <section className="card chat-main" aria-label="Chat">
          <div className="page-head">
            <h1>{arg ? title || 'Conversation' : 'New chat'}</h1>
            <ModelPicker models={ids} value={chosen} onChange={pick} />
          </div>
          {!canChat && <Unavailable what="Chat completions">This server has no <code>/v1/chat/completions</code>; conversations can still be read.</Unavailable>}
          <div className="messages" aria-live="polite">
            {chat.turns.length === 0 && !chat.loading && (
              firstRun ? (
                <FirstRunCard flat />
              ) : (
                <EmptyState title="Start a conversation">Messages are saved as a conversation you can reopen from the list or the Conversations page.</EmptyState>
              )
            )}
            {chat.turns.map((t) => (
              <div key={t.id} className="msg" data-role={t.role}>
                {t.text || (t.status === 'in_progress' ? '…' : '')}
                {t.status === 'incomplete' && <div className="msg-meta">stopped</div>}
              </div>
            ))}
            <div ref={end} />
          </div>
          <ErrorNote error={chat.error} />
          {chat.stats && !chat.streaming && (
            <div className="msg-meta">{chat.stats.tokens} tokens in {chat.stats.seconds.toFixed(1)} s ({(chat.stats.tokens / Math.max(chat.stats.seconds, 0.001)).toFixed(1)} tokens/s)</div>
          )}
          <Composer disabled={!canChat || !chosen} streaming={chat.streaming} onSend={(text) => void chat.send(text, chosen)} onStop={chat.stop} />
        </section>
      </div>
    </div>
  );
}

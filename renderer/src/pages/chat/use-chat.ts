/**
 * The chat playground's state: the open conversation's turns, one streaming answer at a time, and saving.
 * Every turn is stored through the Conversations API as it happens (the user's message before generation,
 * the answer when it ends — marked `incomplete` when stopped), so a reopened conversation shows the same.
 *
 * The saved turns are the query cache's (`conversations.items(id)`); the exchange in progress is local until
 * the answer is saved, then appended to the cache. Turns are matched by id, so a read of the conversation
 * that lands mid-answer (it already has the user's message) shows nothing twice.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Api, ChatMessage } from '../../api/index.js';
import { queryKeys } from '../../api/query-keys.js';
import { loadAllItems, toTurns, type ChatTurn } from '../../lib/items.js';

export interface StreamStats {
  tokens: number;
  seconds: number;
}

export interface ChatState {
  turns: ChatTurn[];
  loading: boolean;
  streaming: boolean;
  error: Error | undefined;
  stats: StreamStats | undefined;
  send(text: string, model: string): Promise<void>;
  stop(): void;
}

/** The user's message and the answer being written, in one conversation. */
interface Exchange {
  conversationId: string;
  user: ChatTurn;
  answer: ChatTurn;
}

const STREAMING = 'streaming';
const NO_TURNS: ChatTurn[] = [];

function titleOf(text: string): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > 60 ? `${line.slice(0, 57)}…` : line;
}

/** `turns` followed by those of `more` it does not have yet. */
function withTurns(turns: ChatTurn[], more: ChatTurn[]): ChatTurn[] {
  const known = new Set(turns.map((t) => t.id));
  const missing = more.filter((t) => !known.has(t.id));
  return missing.length > 0 ? [...turns, ...missing] : turns;
}

export function useChat(api: Api, conversationId: string | undefined, onCreated: (id: string) => void): ChatState {
  const queryClient = useQueryClient();
  const saved = useQuery({
    queryKey: queryKeys.conversations.items(conversationId ?? ''),
    queryFn: async () => toTurns(await loadAllItems(api, conversationId!)),
    enabled: conversationId !== undefined,
  });
  const [exchange, setExchange] = useState<Exchange>();
  const [streaming, setStreaming] = useState(false);
  /** A failed send, shown while its conversation is open. */
  const [failure, setFailure] = useState<{ conversationId: string | undefined; error: Error }>();
  const [stats, setStats] = useState<StreamStats>();
  const controller = useRef<AbortController | undefined>(undefined);

  const turns = useMemo(() => {
    if (conversationId === undefined) return NO_TURNS;
    const base = saved.data ?? NO_TURNS;
    return exchange?.conversationId === conversationId ? withTurns(base, [exchange.user, exchange.answer]) : base;
  }, [conversationId, saved.data, exchange]);

  useEffect(() => () => controller.current?.abort(), []);

  const generate = useCallback(
    async (id: string, user: ChatTurn, history: ChatMessage[], model: string) => {
      const abort = new AbortController();
      controller.current = abort;
      const started = performance.now();
      let text = '';
      let tokens = 0;
      let status = 'completed';
      const write = (answer: ChatTurn) => setExchange({ conversationId: id, user, answer });
      write({ id: STREAMING, role: 'assistant', text: '', status: 'in_progress' });
      try {
        for await (const delta of api.chat.stream(model, history, abort.signal)) {
          text += delta.content;
          tokens = delta.usage?.completion_tokens ?? tokens + (delta.content ? 1 : 0);
          write({ id: STREAMING, role: 'assistant', text, status: 'in_progress' });
        }
      } catch (e) {
        if (!abort.signal.aborted) setFailure({ conversationId: id, error: e as Error });
        status = 'incomplete';
      }
      if (abort.signal.aborted) status = 'incomplete';
      setStats({ tokens, seconds: (performance.now() - started) / 1000 });
      write({ id: STREAMING, role: 'assistant', text, status });
      const reply = await api.conversations.addItems(id, [{ type: 'message', role: 'assistant', content: text, status: status as 'completed' }]);
      const answer: ChatTurn = { id: reply.data[0]?.id ?? `a${Date.now()}`, role: 'assistant', text, status };
      // A read of this conversation still under way would put back what it had before the answer.
      const key = queryKeys.conversations.items(id);
      await queryClient.cancelQueries({ queryKey: key });
      queryClient.setQueryData<ChatTurn[]>(key, (cached = []) => withTurns(cached, [user, answer]));
      setExchange(undefined);
    },
    [api, queryClient],
  );

  const send = useCallback(
    async (text: string, model: string) => {
      setFailure(undefined);
      setStreaming(true);
      let id = conversationId;
      try {
        if (!id) {
          id = (await api.conversations.create(titleOf(text))).id;
          // Nothing to read yet: its turns are the ones about to be written here.
          queryClient.setQueryData<ChatTurn[]>(queryKeys.conversations.items(id), []);
          void queryClient.invalidateQueries({ queryKey: queryKeys.conversations.lists });
          onCreated(id);
        }
        const reply = await api.conversations.addItems(id, [{ type: 'message', role: 'user', content: text }]);
        const user: ChatTurn = { id: reply.data[0]?.id ?? `u${Date.now()}`, role: 'user', text };
        const history = [...turns, user].filter((t) => t.text !== '').map((t) => ({ role: t.role, content: t.text }));
        await generate(id, user, history, model);
      } catch (e) {
        setFailure({ conversationId: id, error: e as Error });
      } finally {
        controller.current = undefined;
        setStreaming(false);
      }
    },
    [api, queryClient, conversationId, generate, onCreated, turns],
  );

  const stop = useCallback(() => controller.current?.abort(), []);
  const error = saved.error ?? (failure && failure.conversationId === conversationId ? failure.error : undefined);
  return { turns, loading: saved.isLoading, streaming, error, stats, send, stop };
}

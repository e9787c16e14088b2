/**
 * The chat playground's state: the open conversation's turns, one streaming answer at a time, and saving.
 * Every turn is stored through the Conversations API as it happens (the user's message before generation,
 * the answer when it ends — marked `incomplete` when stopped), so a reopened conversation shows the same.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Api, ChatMessage } from '../../api/index.js';
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

function titleOf(text: string): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > 60 ? `${line.slice(0, 57)}…` : line;
}

export function useChat(api: Api, conversationId: string | undefined, onCreated: (id: string) => void): ChatState {
  const [turns, setTurns] = useState<ChatTurn[]>([]);
  const [loading, setLoading] = useState(false);
  const [streaming, setStreaming] = useState(false);
  const [error, setError] = useState<Error>();
  const [stats, setStats] = useState<StreamStats>();
  const controller = useRef<AbortController | undefined>(undefined);
  /** The conversation this page just created: its turns are already on screen, do not reload them. */
  const created = useRef<string | undefined>(undefined);

  useEffect(() => {
    setError(undefined);
    if (!conversationId) {
      setTurns([]);
      return;
    }
    if (conversationId === created.current) return;
    let stale = false;
    setLoading(true);
    loadAllItems(api, conversationId).then(
      (items) => !stale && (setTurns(toTurns(items)), setLoading(false)),
      (e: Error) => !stale && (setError(e), setLoading(false)),
    );
    return () => {
      stale = true;
    };
  }, [api, conversationId]);

  useEffect(() => () => controller.current?.abort(), []);

  const generate = useCallback(
    async (id: string, history: ChatMessage[], model: string) => {
      const abort = new AbortController();
      controller.current = abort;
      const started = performance.now();
      let text = '';
      let tokens = 0;
      let status = 'completed';
      setTurns((t) => [...t, { id: 'streaming', role: 'assistant', text: '', status: 'in_progress' }]);
      try {
        for await (const delta of api.chat.stream(model, history, abort.signal)) {
          text += delta.content;
          tokens = delta.usage?.completion_tokens ?? tokens + (delta.content ? 1 : 0);
          setTurns((t) => t.map((turn) => (turn.id === 'streaming' ? { ...turn, text } : turn)));
        }
      } catch (e) {
        if (!abort.signal.aborted) setError(e as Error);
        status = 'incomplete';
      }
      if (abort.signal.aborted) status = 'incomplete';
      setStats({ tokens, seconds: (performance.now() - started) / 1000 });
      const saved = await api.conversations.addItems(id, [{ type: 'message', role: 'assistant', content: text, status: status as 'completed' }]);
      setTurns((t) => t.map((turn) => (turn.id === 'streaming' ? { ...turn, id: saved.data[0]?.id ?? `a${Date.now()}`, status } : turn)));
    },
    [api],
  );

  const send = useCallback(
    async (text: string, model: string) => {
      setError(undefined);
      setStreaming(true);
      try {
        let id = conversationId;
        if (!id) {
          id = (await api.conversations.create(titleOf(text))).id;
          created.current = id;
          onCreated(id);
        }
        const saved = await api.conversations.addItems(id, [{ type: 'message', role: 'user', content: text }]);
        const userTurn: ChatTurn = { id: saved.data[0]?.id ?? `u${Date.now()}`, role: 'user', text };
        const history = [...turns, userTurn].filter((t) => t.text !== '').map((t) => ({ role: t.role, content: t.text }));
        setTurns((t) => [...t, userTurn]);
        await generate(id, history, model);
      } catch (e) {
        setError(e as Error);
      } finally {
        controller.current = undefined;
        setStreaming(false);
      }
    },
    [api, conversationId, generate, onCreated, turns],
  );

  const stop = useCallback(() => controller.current?.abort(), []);
  return { turns, loading, streaming, error, stats, send, stop };
}

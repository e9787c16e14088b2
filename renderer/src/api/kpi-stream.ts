/**
 * The live KPI feed (`GET /v1/admin/metrics/stream`, one snapshot a second). With the session cookie it is a
 * plain EventSource (which reconnects by itself); with an API key it is read over fetch, since EventSource
 * cannot send an Authorization header, and reconnected here after a growing pause.
 */
import type { Http } from './http.js';
import { readSse } from './sse.js';
import type { KpiSnapshot, KpiWindow } from './types.js';

export interface KpiSubscription {
  close(): void;
}

const PATH = '/v1/admin/metrics/stream';

function viaEventSource(http: Http, window: KpiWindow, onSnapshot: (s: KpiSnapshot) => void, onState: (live: boolean) => void): KpiSubscription {
  const source = new EventSource(http.url(PATH, { window }), { withCredentials: true });
  source.onopen = () => onState(true);
  source.onerror = () => onState(false);
  const onData = (e: MessageEvent<string>) => {
    onState(true);
    onSnapshot(JSON.parse(e.data) as KpiSnapshot);
  };
  source.addEventListener('message', onData);
  source.addEventListener('snapshot', onData as EventListener);
  return { close: () => source.close() };
}

function viaFetch(http: Http, window: KpiWindow, onSnapshot: (s: KpiSnapshot) => void, onState: (live: boolean) => void): KpiSubscription {
  const controller = new AbortController();
  void (async () => {
    let pause = 500;
    while (!controller.signal.aborted) {
      try {
        const response = await fetch(http.url(PATH, { window }), { headers: { accept: 'text/event-stream', ...http.headers() }, signal: controller.signal });
        if (!response.ok || !response.body) throw new Error(`stream answered ${response.status}`);
        for await (const event of readSse(response.body, controller.signal)) {
          onState(true);
          pause = 500;
          onSnapshot(JSON.parse(event.data) as KpiSnapshot);
        }
      } catch {
        // reconnect below
      }
      if (controller.signal.aborted) return;
      onState(false);
      await new Promise((resolve) => setTimeout(resolve, pause));
      pause = Math.min(pause * 2, 10_000);
    }
  })();
  return { close: () => controller.abort() };
}

export function subscribeKpi(
  http: Http, window: KpiWindow, onSnapshot: (s: KpiSnapshot) => void, onState: (live: boolean) => void, useFetch: boolean,
): KpiSubscription {
  return (useFetch || typeof EventSource === 'undefined' ? viaFetch : viaEventSource)(http, window, onSnapshot, onState);
}

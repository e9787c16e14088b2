/**
 * Who is watching which pull: the pull service announces every change of a pull here, and event streams
 * (`stream: true`, Ollama's NDJSON) follow one pull until it finishes, their client leaves or the server stops.
 */
import { EventEmitter } from 'node:events';
import { FINISHED, type Pull } from './pull-object.js';

export class PullEvents {
  private readonly events = new EventEmitter();

  constructor() {
    this.events.setMaxListeners(0);
  }

  announce(pull: Pull): void {
    this.events.emit(`pull:${pull.id}`, pull);
  }

  /** The server stops: every follower ends. */
  close(): void {
    this.events.emit('close');
  }

  /** Calls `listener` with the pull's object on every change until unsubscribed; `onClose` when the server stops. */
  subscribe(id: string, listener: (pull: Pull) => void, onClose?: () => void): () => void {
    const event = `pull:${id}`;
    this.events.on(event, listener);
    if (onClose) this.events.once('close', onClose);
    return () => {
      this.events.off(event, listener);
      if (onClose) this.events.off('close', onClose);
    };
  }

  /** Sends `current` now and every change after it, until the pull finishes, `signal` aborts or the server stops. */
  follow(current: Pull, signal: AbortSignal, send: (pull: Pull) => void): Promise<void> {
    return new Promise<void>((resolve) => {
      const finish = () => {
        unsubscribe();
        signal.removeEventListener('abort', finish);
        resolve();
      };
      const onPull = (pull: Pull) => {
        send(pull);
        if (FINISHED.has(pull.status)) finish();
      };
      const unsubscribe = this.subscribe(current.id, onPull, finish);
      signal.addEventListener('abort', finish, { once: true });
      onPull(current);
    });
  }
}

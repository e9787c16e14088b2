/**
 * The store's change feed across replicas: every change this replica commits is PUBLISHed on one Redis channel,
 * and the changes other replicas publish come back out of `remote` — a feed with the same shape as the store's
 * own, so the response cache follows it with the same `invalidateOnStoreChanges` it uses locally (and anything
 * else that keeps copies of data can subscribe the same way).
 *
 * Chosen over holding the cache in Redis (measured: test/load/cluster-cache-bench.ts): a hit stays a local
 * memory read with no round trip, and a write costs one PUBLISH, whose answer the write's response waits for
 * (`published()`), so the other replicas hold the invalidation before the writer hears its write succeeded.
 * What remains is a window for readers that do not wait for the write's answer: until the message arrives
 * (one Redis hop after the commit), another replica may still serve the old copy.
 *
 * Messages lost while this replica's subscription was down cannot be replayed (pub/sub keeps nothing), so
 * `onOutage` tells the cache to stop serving and storing while it is down and to start empty when it is back.
 * Messages carry their sender's id; a replica ignores its own (its local feed already told its cache).
 */
import { randomBytes } from 'node:crypto';
import type { StoreChange, StoreChangeListener, StoreChanges } from '../store/store-changes.js';
import type { RedisLink } from './redis-link.js';

interface Message {
  /** The sending replica. */
  from: string;
  change: StoreChange;
}

export interface OutageListener {
  /** The subscription went down: changes made elsewhere may be missed from now on. */
  down(): void;
  /** The subscription is up again (or for the first time): copies made before now may be stale. */
  up(): void;
}

export class ChangeBroadcast {
  readonly id = randomBytes(8).toString('hex');
  private readonly listeners = new Set<StoreChangeListener>();
  private readonly outageListeners = new Set<OutageListener>();
  private readonly unsubscribeLocal: () => void;
  private subscribed = false;
  /** PUBLISHes sent and not yet answered. */
  private readonly inFlight = new Set<Promise<unknown>>();
  private closed = false;
  /** The changes other replicas committed. */
  readonly remote: StoreChanges = { subscribe: (listener) => this.add(this.listeners, listener) };

  constructor(
    private readonly link: RedisLink,
    local: StoreChanges,
    private readonly channel = 'jan:store-changes',
  ) {
    this.unsubscribeLocal = local.subscribe((change) => this.publish(change));
    const subscriber = link.subscriber;
    subscriber.on('message', (channel: string, text: string) => {
      if (channel === this.channel) this.receive(text);
    });
    // ioredis subscribes again after a reconnect but says 'ready' before Redis has confirmed it; our own
    // SUBSCRIBE (idempotent) resolves on the confirmation, from when no message can be missed.
    const subscribe = () => {
      subscriber.subscribe(this.channel).then(() => this.setSubscribed(true), (error: unknown) => link.failed('subscribe', error));
    };
    subscriber.on('ready', subscribe);
    subscriber.on('close', () => this.setSubscribed(false));
    subscribe();
  }

  /** True while this replica hears the other replicas' changes. */
  get listening(): boolean {
    return this.subscribed;
  }

  /** Calls `listener.down()` now if the subscription is not up yet, then on each outage and recovery. */
  onOutage(listener: OutageListener): () => void {
    if (!this.subscribed) listener.down();
    return this.add(this.outageListeners, listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.unsubscribeLocal();
    // Only over a live connection: a queued UNSUBSCRIBE would wait for a Redis that may never return.
    if (this.link.subscriber.status === 'ready') await this.link.subscriber.unsubscribe(this.channel).catch(() => undefined);
  }

  private publish(change: StoreChange): void {
    if (this.closed) return;
    const message: Message = { from: this.id, change };
    // The store's listeners are synchronous: the command is written to the socket now; `published()` awaits replies.
    const sent = this.link.commands.publish(this.channel, JSON.stringify(message)).catch((error: unknown) => this.link.failed('publish', error));
    this.inFlight.add(sent);
    void sent.finally(() => this.inFlight.delete(sent));
  }

  /**
   * Settles when every change published so far has reached Redis (answered or failed). Redis queues a message
   * for the subscribers before it answers PUBLISH (and sends those out first), so once this settles the other
   * replicas have the invalidation on their sockets ahead of any request a client sends them next: the HTTP layer awaits it before answering a
   * write (http/middleware/replica-writes.ts), which closes the window in which another replica could still
   * serve the old copy to a client that has seen the write acknowledged.
   */
  async published(): Promise<void> {
    if (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private receive(text: string): void {
    let message: Message;
    try {
      message = JSON.parse(text) as Message;
    } catch (error) {
      this.link.failed('message', error);
      return;
    }
    if (message.from === this.id || !message.change) return;
    for (const listener of this.listeners) {
      try {
        listener(message.change);
      } catch (error) {
        this.link.failed('message', error);
      }
    }
  }

  private setSubscribed(subscribed: boolean): void {
    if (this.closed || subscribed === this.subscribed) return;
    this.subscribed = subscribed;
    for (const listener of this.outageListeners) (subscribed ? listener.up : listener.down).call(listener);
  }

  private add<T>(set: Set<T>, item: T): () => void {
    set.add(item);
    return () => set.delete(item);
  }
}

/**
 * When did a request reach the server? The dashboard's percentiles have to match what clients measure, and
 * a request timed only from the moment Koa sees it misses the time it waited while the event loop was busy
 * with others: first in the kernel's socket buffer (the loop was running JavaScript, not polling), then
 * behind the requests read before it in the same loop turn. On a saturated server that wait is most of the
 * latency (measured: 0.5 ms in Koa vs 12.6 ms at the client with 16 connections).
 *
 * The kernel does not tell Node when bytes arrived, so the clock bounds it from what the process knows:
 * - every request read in one turn of the loop's poll phase arrived no later than that turn's start, so it
 *   is timed from there at the latest (this covers the wait behind requests of the same turn);
 * - if the loop sat idle in poll before this turn, the request is what woke it: it arrived at the turn start;
 * - otherwise it arrived while the loop was busy, after the previous turn started (it would have been read
 *   then) and after the previous response on its connection was written (a client sends its next request on
 *   a keep-alive connection after reading the last answer) or after the connection was accepted. The later
 *   of those is taken. For a closed-loop client (a load generator, an SDK awaiting each call) that is when
 *   the request was sent, give or take the client's own turnaround; for a client that pauses between calls
 *   it can be early by up to one loop turn.
 *
 * A turn is detected by its first connection, request or finished response (compressed and streamed
 * responses finish from callbacks of their own, which are loop work other requests wait behind);
 * `setImmediate` (the check phase, right after poll) ends it. Idle time comes from libuv's loop metrics
 * (`performance.eventLoopUtilization()`).
 *
 * Measured (`npm run bench -- kpi-accuracy`): dashboard p95 within 8.1 % of autocannon's and hey's at 10
 * connections and 2.2 % at 50; at one connection 15-39 % lower: the client's own 0.07-0.31 ms, which shows
 * on sub-millisecond answers.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

export interface ArrivalClock {
  /** Call from the server's `connection` event. */
  onConnection(socket: Socket): void;
  /** Wraps the request listener so that every request is stamped before any other code sees it. */
  wrap(listener: RequestListener): RequestListener;
  /** The request's arrival on the `process.hrtime.bigint()` clock, if it came through `wrap`. */
  arrivalOf(req: IncomingMessage): bigint | undefined;
}

const max = (a: bigint, b: bigint) => (a > b ? a : b);

export function createArrivalClock(now: () => bigint = process.hrtime.bigint): ArrivalClock {
  const arrivals = new WeakMap<IncomingMessage, bigint>();
  /** When each connection last became ready for a new request: accepted, or its last response written. */
  const readySince = new WeakMap<Socket, bigint>();
  let turnStart = 0n;
  let previousTurnStart = 0n;
  let inTurn = false;
  let idledBeforeTurn = true;
  let idleAtTurnEnd = performance.eventLoopUtilization().idle;

  const endTurn = () => {
    inTurn = false;
    idleAtTurnEnd = performance.eventLoopUtilization().idle;
  };

  /** Starts a turn on its first event; returns the current time. */
  const enterTurn = (): bigint => {
    const time = now();
    if (!inTurn) {
      inTurn = true;
      previousTurnStart = turnStart;
      turnStart = time;
      idledBeforeTurn = performance.eventLoopUtilization().idle > idleAtTurnEnd;
      setImmediate(endTurn);
    }
    return time;
  };

  const estimate = (socket: Socket): bigint => {
    if (idledBeforeTurn) return turnStart;
    const ready = readySince.get(socket) ?? previousTurnStart;
    return max(previousTurnStart, ready < turnStart ? ready : turnStart);
  };

  // One listener for every response (no closure per request); by 'finish' the response has let go of its
  // socket, the request still has it. A response written from a later callback (compression, a stream) also
  // marks a poll turn.
  function onFinish(this: ServerResponse): void {
    readySince.set(this.req.socket, enterTurn());
  }

  return {
    onConnection(socket) {
      readySince.set(socket, enterTurn());
    },
    wrap(listener) {
      return (req: IncomingMessage, res: ServerResponse) => {
        enterTurn();
        arrivals.set(req, estimate(req.socket));
        res.on('finish', onFinish); // 'finish' comes once: `once` would wrap the listener in two more objects
        listener(req, res);
      };
    },
    arrivalOf: (req) => arrivals.get(req),
  };
}

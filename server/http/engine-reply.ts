/**
 * A remote engine's answer to the client (server/engines/ proxied it). JSON was read whole (so a failure could
 * still fail over) and is returned as the body. A stream is piped as its bytes arrive, token by token, with
 * backpressure: when the client's socket stops draining, reading from the engine pauses (and TCP slows the
 * engine). The client going away destroys the engine's body, which closes the engine's connection and stops
 * its generation. If the engine breaks off, one `data: {"error":…}` frame ends the stream, on its own line.
 */
import type { EngineReply } from '../engines/index.js';
import type { Services } from '../create-services.js';
import { errorEnvelope } from './middleware/error-handler.js';
import type { AppContext } from './types.js';

/** The handler's return value: the JSON body, or undefined once the stream is being written. */
export function sendEngineReply(ctx: AppContext, reply: EngineReply, services: Pick<Services, 'metrics'>): unknown {
  if (reply.kind === 'json') {
    ctx.set('X-Jan-Engine', reply.engine);
    return reply.body;
  }
  const { res } = ctx;
  const { body } = reply;
  if (res.headersSent || ctx.state.signal.aborted) {
    body.destroy(); // timed out and answered, or the client left: stop the engine
    return undefined;
  }
  ctx.respond = false;
  res.writeHead(200, {
    'Content-Type': reply.contentType, 'Cache-Control': 'no-cache, no-transform', Connection: 'keep-alive',
    'X-Accel-Buffering': 'no', 'X-Jan-Engine': reply.engine,
  });
  res.flushHeaders();
  services.metrics.activeStreams.inc();
  let tail = '\n\n'; // the last two bytes written: an error frame must start on a fresh line
  body.on('data', (chunk: Buffer) => {
    tail = (tail + chunk.toString('latin1')).slice(-2);
    if (!res.write(chunk)) {
      body.pause();
      res.once('drain', () => body.resume());
    }
  });
  body.once('end', () => res.end());
  body.once('error', (error) => {
    if (res.writableEnded || res.destroyed) return;
    const frame = `data: ${JSON.stringify(errorEnvelope(reply.failure(error)))}\n\n`;
    res.end(`${tail === '\n\n' ? '' : '\n\n'}${frame}`);
  });
  res.once('close', () => {
    services.metrics.activeStreams.dec();
    body.destroy();
  });
  return undefined;
}

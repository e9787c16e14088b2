/**
 * `ctx.body = value`, with the JSON Content-Type of a plain object or array set directly: the value Koa
 * would set, without the MIME-table lookup Koa's body setter makes for it on every response.
 */
import type { AppContext } from './types.js';

const JSON_TYPE = 'application/json; charset=utf-8';

export function setBody(ctx: AppContext, value: unknown): void {
  if (typeof value === 'object' && value !== null && !ctx.res.hasHeader('Content-Type')) {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === Array.prototype) ctx.res.setHeader('Content-Type', JSON_TYPE);
  }
  ctx.body = value;
}

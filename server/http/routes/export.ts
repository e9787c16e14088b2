/**
 * A user's own data out and in: `GET /v1/export` streams everything they own as JSON Lines (format in
 * server/api/export.ts), `POST /v1/import` takes such a file (optionally gzip-encoded) and adds what is not
 * there yet. The export is streamed as it is read, so its size is not bounded by memory or the timeout.
 */
import { Readable } from 'node:stream';
import { ImportResult } from '../../api/export.js';
import { endpoint } from '../endpoint.js';
import { checkImportType, readLines } from './export-lines.js';

const tags = ['export'];

export const exportData = endpoint({
  summary: 'Everything you own (projects, conversations with their items, archived ones too) as streamed JSON Lines.',
  tags,
  handle({ principal, ctx }, s) {
    const date = new Date().toISOString().slice(0, 10);
    ctx.set('Content-Disposition', `attachment; filename="jan-export-${date}.jsonl"`);
    ctx.set('Cache-Control', 'no-store');
    ctx.type = 'application/x-ndjson';
    ctx.body = Readable.from(s.exports.chunks(principal.userId, ctx.state.signal));
    return undefined;
  },
});

export const importData = endpoint({
  summary: 'Import an export (JSON Lines, gzip allowed) into your account; what you already have is skipped.',
  tags, response: ImportResult, timeoutMs: 60_000,
  handle({ principal, ctx }, s) {
    checkImportType(ctx.req);
    const lines = readLines(ctx.req, s.imports.limits.maxBytes, s.imports.limits.maxLineBytes, ctx.state.signal);
    return s.imports.import(principal.userId, lines, ctx.state.signal);
  },
});

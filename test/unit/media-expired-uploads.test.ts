/** The media domain's sweep of the tus folder: uploads past their resume window go, with their info files; nothing else does. */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deleteExpiredUploads } from '../../server/media/expired-uploads.js';

const HOUR = 3600 * 1000;
const NOW = Date.parse('2026-03-01T12:00:00Z');

describe('deleteExpiredUploads', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'jan-expired-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const upload = (id: string, info: string | Record<string, unknown>) => {
    writeFileSync(join(dir, id), 'partial bytes');
    writeFileSync(join(dir, `${id}.json`), typeof info === 'string' ? info : JSON.stringify({ id, size: 100, offset: 0, ...info }));
  };
  const createdHoursAgo = (hours: number) => ({ creation_date: new Date(NOW - hours * HOUR).toISOString() });

  it('deletes the bytes and the info of every upload created before the window, and counts them', async () => {
    upload('old', createdHoursAgo(25));
    upload('older', createdHoursAgo(100));
    upload('fresh', createdHoursAgo(23));
    expect(await deleteExpiredUploads(dir, 24 * HOUR, NOW)).toBe(2);
    expect(readdirSync(dir).sort()).toEqual(['fresh', 'fresh.json']);
  });

  it('keeps what it cannot date, and files that are not tus info', async () => {
    upload('no-date', {});
    upload('bad-date', { creation_date: 'yesterday' });
    upload('broken', '{"creation_da');
    writeFileSync(join(dir, 'abc.done'), 'a finished upload being ingested');
    expect(await deleteExpiredUploads(dir, 24 * HOUR, NOW)).toBe(0);
    expect(readdirSync(dir)).toHaveLength(7);
  });

  it('answers 0 for a folder that does not exist', async () => {
    expect(await deleteExpiredUploads(join(dir, 'missing'), HOUR, NOW)).toBe(0);
  });
});

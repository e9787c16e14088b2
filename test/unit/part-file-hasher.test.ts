/** The part-file hasher: SHA-256 of files as they are written, on its worker thread. */
import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PartFileHasher } from '../../server/hub/part-file-hasher.js';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('PartFileHasher', () => {
  let dir: string;
  let hasher: PartFileHasher;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'jan-part-hash-'));
    hasher = new PartFileHasher();
  });
  afterEach(async () => {
    await hasher.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('hashes a file written in steps, including bytes it held before (a resume), and one created after it was followed', async () => {
    const earlier = randomBytes(3 << 20);
    const resumed = join(dir, 'resumed.part');
    writeFileSync(resumed, earlier);
    const fresh = join(dir, 'fresh.part');
    const a = hasher.follow(resumed);
    const b = hasher.follow(fresh); // does not exist yet
    const pieces = Array.from({ length: 6 }, () => randomBytes(1 << 20));
    for (const piece of pieces) {
      appendFileSync(resumed, piece);
      appendFileSync(fresh, piece);
      a.grew(piece.length);
      b.grew(piece.length);
    }
    const whole = Buffer.concat(pieces);
    expect(await a.digest()).toEqual({ digest: sha256(Buffer.concat([earlier, whole])), bytes: earlier.length + whole.length });
    expect(await b.digest()).toEqual({ digest: sha256(whole), bytes: whole.length });
  });

  it('tells one changed byte apart', async () => {
    const bytes = randomBytes(1 << 20);
    const path = join(dir, 'x.part');
    writeFileSync(path, bytes);
    const first = await hasher.follow(path).digest();
    bytes.writeUInt8(bytes[12_345]! ^ 0xff, 12_345);
    writeFileSync(path, bytes);
    const second = await hasher.follow(path).digest();
    expect(second.digest).not.toBe(first.digest);
    expect(second.digest).toBe(sha256(bytes));
  });

  it('a dropped job answers nothing; a digest asked for after close fails, and the next job starts a new thread', async () => {
    const path = join(dir, 'y.part');
    writeFileSync(path, 'abc');
    const dropped = hasher.follow(path);
    dropped.drop();
    await expect(dropped.digest()).rejects.toThrow(/stopped/);
    const open = hasher.follow(path);
    await hasher.close();
    await expect(open.digest()).rejects.toThrow(/stopped/);
    expect(await hasher.follow(path).digest()).toEqual({ digest: sha256(Buffer.from('abc')), bytes: 3 });
  });

  it('a file it cannot read fails that job only', async () => {
    const bad = hasher.follow(dir); // a folder: reading it fails with EISDIR
    const path = join(dir, 'z.part');
    writeFileSync(path, 'z');
    const good = hasher.follow(path);
    await expect(bad.digest()).rejects.toThrow(/Hashing the download failed: .*EISDIR/);
    expect((await good.digest()).bytes).toBe(1);
  });
});

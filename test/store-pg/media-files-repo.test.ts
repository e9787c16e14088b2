/**
 * mediaFiles, mediaOcr and mediaUploadSlots on both engines, same scenarios: rows shaped alike (numbers as
 * numbers), keyset pages in both orders with ties broken by seq, purpose filter, blobs shared by files and
 * dropped with the last one (exactly once when two deletes race; kept when an upload of the same content races
 * the delete), the OCR cache's no-op for a missing blob (also inside a transaction, which must survive it, and for a
 * blob deleted while the put runs), and upload slots taken once.
 */
import { beforeEach, expect, it } from 'vitest';
import type { MediaFileRow } from '../../server/store/media-files-repo.js';
import type { Store } from '../../server/store/store.js';
import { describeBothEngines } from './both-engines.js';


describeBothEngines('media repositories', ({ openAnother }) => {
  let store: Store;
  beforeEach(async () => {
    // A store of its own per test: counts, orders and ids start from nothing.
    store = await openAnother();
    for (const id of ['u1', 'u2']) await store.users.insert({ id, name: id, role: 'member', created_at: 0 });
  });

  /** Adds a blob (unless present) and a file of it. */
  const addFile = async (id: string, sha256: string, createdAt: number, options: { userId?: string; purpose?: string; bytes?: number } = {}) => {
    await store.mediaFiles.insertBlob({ sha256, bytes: options.bytes ?? 100, mime_type: 'image/png', created_at: createdAt });
    await store.mediaFiles.insertFile({
      id, user_id: options.userId ?? 'u1', sha256, filename: `${id}.png`, source: 'upload', purpose: options.purpose ?? 'user_data', created_at: createdAt,
    });
  };
  const ids = (rows: MediaFileRow[]) => rows.map((row) => row.id);

  it('stores a blob once and a file joined with it, visible to its owner only', async () => {
    expect(await store.mediaFiles.insertBlob({ sha256: 'aa', bytes: 5_000_000_000, mime_type: 'image/png', created_at: 7 })).toBe(true);
    expect(await store.mediaFiles.insertBlob({ sha256: 'aa', bytes: 1, mime_type: 'text/plain', created_at: 8 })).toBe(false);
    await store.mediaFiles.insertFile({ id: 'file_1', user_id: 'u1', sha256: 'aa', filename: 'a.png', source: 'tus', purpose: 'assistants', created_at: 9 });
    const row = await store.mediaFiles.get('u1', 'file_1');
    expect(row).toEqual({
      seq: expect.any(Number), id: 'file_1', user_id: 'u1', sha256: 'aa', filename: 'a.png', source: 'tus', purpose: 'assistants',
      created_at: 9, bytes: 5_000_000_000, mime_type: 'image/png',
    });
    expect(typeof row!.seq).toBe('number');
    expect(await store.mediaFiles.get('u2', 'file_1')).toBeUndefined();
    expect(await store.mediaFiles.getAnyOwner('file_1')).toEqual(row);
    expect(await store.mediaFiles.getAnyOwner('file_missing')).toBeUndefined();
  });

  it('finds the earliest file of a content per user and purpose', async () => {
    await addFile('f1', 'aa', 1);
    await addFile('f2', 'aa', 1);
    await addFile('f3', 'aa', 1, { purpose: 'batch' });
    await addFile('f4', 'aa', 1, { userId: 'u2' });
    expect((await store.mediaFiles.findBySha256('u1', 'aa', 'user_data'))?.id).toBe('f1');
    expect((await store.mediaFiles.findBySha256('u1', 'aa', 'batch'))?.id).toBe('f3');
    expect((await store.mediaFiles.findBySha256('u2', 'aa', 'user_data'))?.id).toBe('f4');
    expect(await store.mediaFiles.findBySha256('u2', 'aa', 'batch')).toBeUndefined();
  });

  it('pages in both orders by (created_at, seq), after a position, optionally by purpose', async () => {
    // Three files in one second: seq orders them.
    await addFile('a', 's1', 10);
    await addFile('b', 's2', 20);
    await addFile('c', 's3', 20, { purpose: 'batch' });
    await addFile('d', 's4', 20);
    await addFile('e', 's5', 30, { purpose: 'batch' });
    await addFile('x', 's6', 15, { userId: 'u2' });
    const first = await store.mediaFiles.list('u1', { order: 'asc', limit: 2 });
    expect(ids(first.rows)).toEqual(['a', 'b']);
    expect(first.hasMore).toBe(true);
    const second = await store.mediaFiles.list('u1', { order: 'asc', limit: 2, after: first.rows[1] });
    expect(ids(second.rows)).toEqual(['c', 'd']);
    const last = await store.mediaFiles.list('u1', { order: 'asc', limit: 2, after: second.rows[1] });
    expect(ids(last.rows)).toEqual(['e']);
    expect(last.hasMore).toBe(false);
    const desc = await store.mediaFiles.list('u1', { order: 'desc', limit: 3 });
    expect(ids(desc.rows)).toEqual(['e', 'd', 'c']);
    expect(ids((await store.mediaFiles.list('u1', { order: 'desc', limit: 10, after: desc.rows[2] })).rows)).toEqual(['b', 'a']);
    expect(ids((await store.mediaFiles.list('u1', { order: 'asc', limit: 10 }, 'batch')).rows)).toEqual(['c', 'e']);
    const batchDesc = await store.mediaFiles.list('u1', { order: 'desc', limit: 1 }, 'batch');
    expect(ids(batchDesc.rows)).toEqual(['e']);
    expect(batchDesc.hasMore).toBe(true);
    expect(ids((await store.mediaFiles.list('u1', { order: 'desc', limit: 5, after: batchDesc.rows[0] }, 'batch')).rows)).toEqual(['c']);
    expect((await store.mediaFiles.list('u1', { order: 'asc', limit: 5 }, 'vision')).rows).toEqual([]);
  });

  it('drops a shared blob with its last file, and orphans after a user is deleted', async () => {
    await addFile('f1', 'shared', 1, { bytes: 300 });
    await addFile('f2', 'shared', 2, { bytes: 300 });
    await addFile('f3', 'own', 3, { bytes: 50, userId: 'u2' });
    expect(await store.mediaFiles.storageBytes()).toBe(350);
    expect(await store.mediaFiles.deleteFile('u2', 'f1')).toEqual({ deleted: false });
    expect(await store.transaction(() => store.mediaFiles.deleteFile('u1', 'f1'))).toEqual({ deleted: true });
    expect(await store.mediaFiles.deleteFile('u1', 'f1')).toEqual({ deleted: false });
    expect(await store.transaction(() => store.mediaFiles.deleteFile('u1', 'f2'))).toEqual({ deleted: true, orphanSha256: 'shared' });
    expect(await store.mediaFiles.storageBytes()).toBe(50);
    expect(await store.mediaFiles.deleteOrphanBlobs()).toEqual([]);
    await store.users.delete('u2');
    expect(await store.transaction(() => store.mediaFiles.deleteOrphanBlobs())).toEqual(['own']);
    expect(await store.mediaFiles.storageBytes()).toBe(0);
  });

  /** A promise and its resolver: a point one transaction waits at while the test starts another. */
  const signal = () => {
    let resolve!: () => void;
    const promise = new Promise<void>((done) => (resolve = done));
    return { promise, resolve };
  };
  /** Lets a started transaction run as far as it can (on PostgreSQL: until it waits for the other's row lock). */
  const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

  it('drops a blob exactly once when its last two files are deleted at once', async () => {
    await addFile('f1', 'shared', 1);
    await addFile('f2', 'shared', 2);
    const firstDeleted = signal();
    const commitFirst = signal();
    const first = store.transaction(async () => {
      const result = await store.mediaFiles.deleteFile('u1', 'f1');
      firstDeleted.resolve();
      await commitFirst.promise;
      return result;
    });
    await firstDeleted.promise;
    const second = store.transaction(() => store.mediaFiles.deleteFile('u1', 'f2'));
    await settle();
    commitFirst.resolve();
    // Each saw the other's file until it was gone: the one that ends last drops the blob (none would leak it).
    expect(await Promise.all([first, second])).toEqual([{ deleted: true }, { deleted: true, orphanSha256: 'shared' }]);
    expect(await store.mediaFiles.storageBytes()).toBe(0);
  });

  it("keeps a blob whose last file is deleted while an upload of the same content is between its blob and file rows", async () => {
    await addFile('f0', 'aa', 1, { userId: 'u2' });
    const blobRecorded = signal();
    const finishUpload = signal();
    const upload = store.transaction(async () => {
      expect(await store.mediaFiles.insertBlob({ sha256: 'aa', bytes: 100, mime_type: 'image/png', created_at: 2 })).toBe(false);
      blobRecorded.resolve();
      await finishUpload.promise;
      await store.mediaFiles.insertFile({ id: 'f1', user_id: 'u1', sha256: 'aa', filename: 'f1.png', source: 'upload', purpose: 'user_data', created_at: 2 });
    });
    await blobRecorded.promise;
    const deletion = store.transaction(() => store.mediaFiles.deleteFile('u2', 'f0'));
    await settle();
    finishUpload.resolve();
    await upload;
    expect(await deletion).toEqual({ deleted: true });
    expect((await store.mediaFiles.get('u1', 'f1'))?.bytes).toBe(100);
    expect(await store.mediaFiles.deleteOrphanBlobs()).toEqual([]);
  });

  it('caches OCR results per (content, languages), replaced on put, and ignores a put for a missing blob', async () => {
    await addFile('f1', 'aa', 1);
    expect(await store.mediaOcr.get('aa', 'eng')).toBeUndefined();
    await store.mediaOcr.put('aa', 'eng', '{"text":"one"}', 5);
    await store.mediaOcr.put('aa', 'eng+deu', '{"text":"two"}', 5);
    await store.mediaOcr.put('aa', 'eng', '{"text":"three"}', 6);
    expect(await store.mediaOcr.get('aa', 'eng')).toBe('{"text":"three"}');
    expect(await store.mediaOcr.get('aa', 'eng+deu')).toBe('{"text":"two"}');
    await store.mediaOcr.put('gone', 'eng', '{}', 7);
    expect(await store.mediaOcr.get('gone', 'eng')).toBeUndefined();
    // Inside a transaction the no-op leaves the transaction usable: what follows it commits.
    await store.transaction(async () => {
      await store.mediaOcr.put('gone', 'eng', '{}', 8);
      await store.mediaOcr.put('aa', 'fra', '{"text":"four"}', 8);
    });
    expect(await store.mediaOcr.get('aa', 'fra')).toBe('{"text":"four"}');
    // The cache goes with its blob.
    await store.mediaFiles.deleteFile('u1', 'f1');
    expect(await store.mediaOcr.get('aa', 'eng')).toBeUndefined();
  });

  it('ignores an OCR put for a blob deleted while the put runs, and the surrounding transaction still commits', async () => {
    await addFile('f1', 'aa', 1);
    const blobDeleted = signal();
    const commitDelete = signal();
    const deletion = store.transaction(async () => {
      expect(await store.mediaFiles.deleteFile('u1', 'f1')).toEqual({ deleted: true, orphanSha256: 'aa' });
      blobDeleted.resolve();
      await commitDelete.promise;
    });
    await blobDeleted.promise;
    const slot = { id: 'img_1', user_id: 'u1', mime_type: 'image/png', expires_at: 100 };
    const caching = store.transaction(async () => {
      await store.mediaOcr.put('aa', 'eng', '{}', 5); // on PostgreSQL: sees the blob, waits for the delete, then the foreign key refuses
      await store.mediaUploadSlots.insert(slot);
    });
    await settle();
    commitDelete.resolve();
    await deletion;
    await caching;
    expect(await store.mediaOcr.get('aa', 'eng')).toBeUndefined();
    expect(await store.mediaUploadSlots.take('img_1', 0)).toEqual(slot);
  });

  it('takes an upload slot once while it is valid, restores it, and expires old ones', async () => {
    const slot = { id: 'img_1', user_id: 'u1', mime_type: 'image/png', expires_at: 100 };
    await store.mediaUploadSlots.insert(slot);
    await store.mediaUploadSlots.insert({ id: 'img_2', user_id: 'u2', mime_type: 'image/jpeg', expires_at: 50 });
    await expect(store.mediaUploadSlots.insert(slot)).rejects.toThrow();
    expect(await store.mediaUploadSlots.take('img_1', 100)).toBeUndefined(); // expired at its second
    expect(await store.mediaUploadSlots.take('img_1', 99)).toEqual(slot);
    expect(await store.mediaUploadSlots.take('img_1', 99)).toBeUndefined();
    await store.mediaUploadSlots.restore(slot);
    expect(await store.mediaUploadSlots.deleteExpired(50)).toBe(1);
    expect(await store.mediaUploadSlots.take('img_2', 0)).toBeUndefined();
    expect(await store.mediaUploadSlots.take('img_1', 0)).toEqual(slot);
  });
});

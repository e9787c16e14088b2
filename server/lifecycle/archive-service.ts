/**
 * Archiving: conversations unchanged for N days move out of the hot tables into compressed JSON Lines files
 * in `<data>/archive/`, and come back — restored into the tables, same ids — the moment anything touches
 * them (GET, items, update, chat with it). Lists show the hot conversations only; the export includes both.
 *
 * File layout: one file per archive run, a series of gzip members, one member per conversation (its
 * `conversation` line and `item` lines), so a conversation is read back from its byte range alone and the
 * whole file is still a valid `.jsonl.gz` (zcat reads every member).
 *
 * Crash and interruption safety, per batch of conversations: the members are written and fsynced first,
 * then one transaction records them and deletes the hot rows (a row changed since it was read is left
 * alone). A crash before the commit leaves unreferenced bytes, never a lost conversation. Compaction writes
 * the live members of a file to a new file, fsyncs, switches the records in one transaction, then unlinks
 * the old file; orphaned files are removed by the cleanup job. Batches are small, yielding to the event loop
 * between them. Other requests run between a batch's read and its transaction (no file is written inside
 * one): a hot row is deleted only if its `updated_at` is still the one read, and every write to a
 * conversation or its items touches it, so a conversation changed meanwhile stays in the tables (its member
 * in the file is unreferenced bytes). Only the store is used, so this works on SQLite and PostgreSQL alike.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { gunzipSync, gzipSync } from 'node:zlib';
import { ExportConversationLine, ExportItemLine } from '../api/export.js';
import { AppError } from '../errors/app-error.js';
import type { ArchivedRow, ArchiveFileRow } from '../store/archive-repo.js';
import type { ConversationRow } from '../store/conversations-repo.js';
import { nowSeconds } from '../store/ids.js';
import type { Store } from '../store/store.js';
import { conversationLine, conversationRowFromLine, itemLine, itemRowFromLine, newItemId, toJsonl } from './archive-format.js';
import type { ConversationArchive } from '../conversations/index.js';

export interface ArchiveOptions {
  dir: string;
}

export interface ArchiveReport {
  [key: string]: unknown;
  cutoff: number;
  archived: number;
  items: number;
  bytes_written: number;
  files_compacted: number;
  files_deleted: number;
  interrupted: boolean;
}

export interface ArchivedConversation {
  conversation: ExportConversationLine;
  items: ExportItemLine[];
}

const BATCH = 50;
const DAY = 86_400;

export class ArchiveService implements ConversationArchive {
  constructor(
    private readonly store: Store,
    private readonly options: ArchiveOptions,
  ) {}

  get dir(): string {
    return this.options.dir;
  }

  /** Archives every conversation unchanged for `olderThanDays`, then compacts the files. */
  async run(olderThanDays: number, signal: AbortSignal): Promise<ArchiveReport> {
    const report: ArchiveReport = {
      cutoff: nowSeconds() - olderThanDays * DAY, archived: 0, items: 0, bytes_written: 0, files_compacted: 0, files_deleted: 0, interrupted: false,
    };
    await this.archiveAll(report, signal);
    await this.compact(report, signal);
    report.interrupted = signal.aborted;
    return report;
  }

  private async archiveAll(report: ArchiveReport, signal: AbortSignal): Promise<void> {
    let file: { name: string; fd: number; id?: number; offset: number } | undefined;
    try {
      while (!signal.aborted) {
        const batch = await this.store.archive.candidates(report.cutoff, BATCH);
        if (batch.length === 0) break;
        if (!file) {
          mkdirSync(this.dir, { recursive: true });
          const name = `conversations-${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}.jsonl.gz`;
          file = { name, fd: openSync(join(this.dir, name), 'wx'), offset: 0 };
        }
        await this.archiveBatch(batch, file, report);
        await yieldToEventLoop();
      }
    } finally {
      if (file) closeSync(file.fd);
      if (file && file.id === undefined) rmSync(join(this.dir, file.name), { force: true });
    }
  }

  /** Writes and fsyncs the batch's members, then moves the rows out in one transaction (which writes no file). */
  private async archiveBatch(batch: ConversationRow[], file: { name: string; fd: number; id?: number; offset: number }, report: ArchiveReport): Promise<void> {
    const now = nowSeconds();
    const records: Array<{ row: ArchivedRow; seq: number }> = [];
    for (const conversation of batch) {
      const items = await this.store.archive.itemsOf(conversation.seq);
      const member = gzipSync(toJsonl([conversationLine(conversation), ...items.map((item) => itemLine(conversation.id, item))]));
      writeSync(file.fd, member, 0, member.length, file.offset);
      records.push({
        seq: conversation.seq,
        row: {
          id: conversation.id, user_id: conversation.user_id, project_id: conversation.project_id, title: conversation.title,
          file_id: 0, byte_offset: file.offset, byte_length: member.length, items: items.length,
          created_at: conversation.created_at, updated_at: conversation.updated_at, archived_at: now,
        },
      });
      file.offset += member.length;
      report.bytes_written += member.length;
    }
    fsyncSync(file.fd);
    const { fileId, moved } = await this.store.transaction(async () => {
      const fileId = file.id ?? (await this.store.archive.createFile(file.name, now));
      const moved: typeof records = [];
      for (const record of records) if (await this.store.archive.moveOut({ ...record.row, file_id: fileId }, record.seq)) moved.push(record);
      return { fileId, moved };
    });
    file.id = fileId; // only once committed: a batch rolled back leaves the file unrecorded, and so deleted
    for (const { row } of moved) {
      report.archived++;
      report.items += row.items;
    }
  }

  /**
   * Reads one archived conversation from its file. A compaction may move it between the read of `row` and the
   * read of the file (the old file is then gone): it is then read once more from where its record says now.
   */
  async read(row: ArchivedRow): Promise<ArchivedConversation> {
    try {
      return await this.readMember(row);
    } catch (error) {
      const now = await this.store.archive.find(row.user_id, row.id);
      if (!now || (now.file_id === row.file_id && now.byte_offset === row.byte_offset)) throw error;
      return this.readMember(now);
    }
  }

  private async readMember(row: ArchivedRow): Promise<ArchivedConversation> {
    const name = await this.store.archive.fileName(row.file_id);
    const buffer = Buffer.alloc(row.byte_length);
    try {
      const fd = openSync(join(this.dir, name ?? ''), 'r');
      try {
        readSync(fd, buffer, 0, row.byte_length, row.byte_offset);
      } finally {
        closeSync(fd);
      }
      const [first, ...rest] = gunzipSync(buffer).toString('utf8').split('\n').filter((line) => line.length > 0);
      return {
        conversation: ExportConversationLine.parse(JSON.parse(first ?? '')),
        items: rest.map((line) => ExportItemLine.parse(JSON.parse(line))),
      };
    } catch {
      throw new AppError(500, 'server_error', `The archived conversation '${row.id}' could not be read from ${name ?? 'its archive file'}.`, {
        code: 'archive_unreadable',
      });
    }
  }

  /**
   * Moves the conversation back into the tables; true when it is there now. Its file is read before the
   * transaction. Two requests touching the same archived conversation both read it, one restores it, and the
   * other finds its record gone and the conversation in the tables: true for both.
   */
  async restore(userId: string, id: string): Promise<boolean> {
    const row = await this.store.archive.find(userId, id);
    if (!row) return false;
    const { conversation, items } = await this.read(row);
    return this.store.transaction(async () => {
      if (!(await this.store.archive.remove(userId, id))) return (await this.store.conversations.get(userId, id)) !== undefined;
      const seq = await this.store.archive.insertRestored(conversationRowFromLine(conversation, userId), nowSeconds());
      for (const item of items) {
        // An id taken meanwhile (an import) gets a fresh one rather than failing the restore.
        const itemId = (await this.store.idOwners.itemTaken(item.item.id)) ? newItemId(item.item.type) : item.item.id;
        await this.store.items.insert(itemRowFromLine(item, seq, itemId));
      }
      return true;
    });
  }

  async forget(userId: string, id: string): Promise<boolean> {
    return this.store.archive.remove(userId, id);
  }

  /** Rewrites files holding removed (restored or deleted) conversations with their live members only. */
  private async compact(report: ArchiveReport, signal: AbortSignal): Promise<void> {
    for (const file of await this.store.archive.files()) {
      if (signal.aborted) return;
      const path = join(this.dir, file.name);
      const size = existsSync(path) ? statSync(path).size : 0;
      if (file.members > 0 && file.live_bytes === size) continue;
      if (file.members === 0) {
        await this.store.archive.deleteFile(file.id);
        rmSync(path, { force: true });
        report.files_deleted++;
      } else {
        await this.rewrite(file, path);
        report.files_compacted++;
      }
      await yieldToEventLoop();
    }
  }

  private async rewrite(file: ArchiveFileRow, path: string): Promise<void> {
    const members = await this.store.archive.fileMembers(file.id);
    const name = file.name.replace(/(-c\d+)?\.jsonl\.gz$/, `-c${Date.now()}.jsonl.gz`);
    const tmp = join(this.dir, `${name}.tmp`);
    const source = openSync(path, 'r');
    const target = openSync(tmp, 'w');
    const offsets = new Map<string, number>();
    try {
      let offset = 0;
      for (const member of members) {
        const buffer = Buffer.alloc(member.byte_length);
        readSync(source, buffer, 0, member.byte_length, member.byte_offset);
        writeSync(target, buffer, 0, buffer.length, offset);
        offsets.set(member.id, offset);
        offset += buffer.length;
      }
      fsyncSync(target);
    } finally {
      closeSync(source);
      closeSync(target);
    }
    renameSync(tmp, join(this.dir, name));
    await this.store.transaction(async () => {
      const id = await this.store.archive.createFile(name, nowSeconds());
      for (const [member, offset] of offsets) await this.store.archive.moveMember(member, id, offset);
      await this.store.archive.deleteFile(file.id);
    });
    rmSync(path, { force: true }); // a reader that looked its member up before the switch reads it again (see `read`)
  }

  /** The names of the archive files the records point to (the cleanup job deletes the others). */
  async referencedFiles(): Promise<Set<string>> {
    return new Set((await this.store.archive.files()).map((file) => file.name));
  }
}

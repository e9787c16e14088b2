/**
 * Import of an export (server/api/export.ts) into the importing user's account, idempotently: what the user
 * already has (same id) is skipped with everything under it, an id that belongs to someone else is replaced
 * by a new one (and references to it follow), everything else keeps its id. Lines are applied in batches,
 * one transaction each, as they arrive; a bad line stops the import with a 400 naming it, after the batches
 * before it were committed — import the same file again once fixed, what is there is skipped.
 */
import { ExportLine, type ExportConversationLine, type ExportItemLine, type ExportProjectLine, type ImportResult } from '../api/export.js';
import { badRequest } from '../errors/app-error.js';
import { newId } from '../store/ids.js';
import type { Store } from '../store/store.js';
import { conversationRowFromLine, itemRowFromLine, newItemId, projectRowFromLine } from './archive-format.js';

const BATCH = 500;

type Tally = ImportResult['projects'];

interface ImportState {
  userId: string;
  result: ImportResult;
  projectIds: Map<string, string>;
  /** The conversation whose items come next: its seq, or null when it was skipped. */
  conversation?: { id: string; seq: number | null };
}

interface NumberedLine {
  line: ExportLine;
  number: number;
}

const tally = (): Tally => ({ created: 0, skipped: 0, renamed: 0 });

function parseLine(text: string, number: number): ExportLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw badRequest(`Line ${number} is not valid JSON.`, `line ${number}`, 'invalid_json');
  }
  const parsed = ExportLine.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length > 0 ? ` at '${issue.path.join('.')}'` : '';
    throw badRequest(`Line ${number} is not a valid export line${where}: ${issue.message}`, `line ${number}`, 'invalid_export_line');
  }
  return parsed.data;
}

export interface ImportLimits {
  /** Largest import, decompressed. */
  maxBytes: number;
  /** Longest single line. */
  maxLineBytes: number;
}

export class ImportService {
  constructor(
    private readonly store: Store,
    readonly limits: ImportLimits,
  ) {}

  async import(userId: string, lines: AsyncIterable<string>, signal?: AbortSignal): Promise<ImportResult> {
    const state: ImportState = {
      userId,
      result: { object: 'import.result', lines: 0, projects: tally(), conversations: tally(), items: tally() },
      projectIds: new Map(),
    };
    let batch: NumberedLine[] = [];
    for await (const text of lines) {
      signal?.throwIfAborted();
      state.result.lines++;
      if (text.trim() === '') continue;
      batch.push({ line: parseLine(text, state.result.lines), number: state.result.lines });
      if (batch.length >= BATCH) {
        await this.apply(state, batch);
        batch = [];
      }
    }
    await this.apply(state, batch);
    return state.result;
  }

  /**
   * One transaction per batch. The tallies and the id maps are updated as lines are applied, so a batch
   * that rolls back has counted lines that are not there: the import stops with that batch's error anyway.
   */
  private async apply(state: ImportState, batch: readonly NumberedLine[]): Promise<void> {
    await this.store.transaction(async () => {
      for (const { line, number } of batch) {
        if (line.type === 'project') await this.project(state, line);
        else if (line.type === 'conversation') await this.conversation(state, line);
        else if (line.type === 'item') await this.item(state, line, number);
      }
    });
  }

  private async project(state: ImportState, line: ExportProjectLine): Promise<void> {
    const owner = await this.store.idOwners.project(line.id);
    if (owner?.userId === state.userId) {
      state.result.projects.skipped++;
      return;
    }
    const id = owner ? newId('proj') : line.id;
    if (owner) state.result.projects.renamed++;
    state.projectIds.set(line.id, id);
    await this.store.projects.insert(projectRowFromLine(line, state.userId, id));
    state.result.projects.created++;
  }

  private async conversation(state: ImportState, line: ExportConversationLine): Promise<void> {
    const owner = await this.store.idOwners.conversation(line.id);
    if (owner === state.userId) {
      state.result.conversations.skipped++;
      state.conversation = { id: line.id, seq: null };
      return;
    }
    const id = owner ? newId('conv') : line.id;
    if (owner) state.result.conversations.renamed++;
    const projectId = line.project_id === null ? null : (state.projectIds.get(line.project_id) ?? line.project_id);
    const seq = await this.store.conversations.insert(conversationRowFromLine(line, state.userId, id, projectId));
    state.conversation = { id: line.id, seq };
    state.result.conversations.created++;
  }

  private async item(state: ImportState, line: ExportItemLine, number: number): Promise<void> {
    if (state.conversation?.id !== line.conversation_id) {
      throw badRequest(
        `Line ${number}: an item of conversation '${line.conversation_id}' must come right after that conversation's line or its other items.`,
        `line ${number}`, 'invalid_export_line',
      );
    }
    if (state.conversation.seq === null) {
      state.result.items.skipped++;
      return;
    }
    const taken = await this.store.idOwners.itemTaken(line.item.id);
    if (taken) state.result.items.renamed++;
    const id = taken ? newItemId(line.item.type) : line.item.id;
    await this.store.items.insert(itemRowFromLine(line, state.conversation.seq, id));
    state.result.items.created++;
  }
}

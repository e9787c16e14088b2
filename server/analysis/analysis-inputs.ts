/**
 * The text an analysis reads: given directly, the text of a conversation's items, or the extracted text of a
 * media file. Exactly one source per request; another user's conversation or file is a 404 like an unknown
 * id (the conversation and media services decide that).
 */
import { createHash } from 'node:crypto';
import { AppError, badRequest } from '../errors/app-error.js';
import type { ConversationLink } from '../inference/index.js';
import type { TextExtractionService } from '../media/index.js';

export interface InputFields {
  text?: string | undefined;
  conversation_id?: string | undefined;
  file_id?: string | undefined;
}

export interface AnalysisInput {
  source: 'text' | 'conversation' | 'file';
  /** Plain text: what the lexicon engine reads. */
  text: string;
  /** What the model reads: for a conversation each message is prefixed with its role. */
  promptText: string;
  /** SHA-256 of `promptText` (which also determines `text`), for the cache key. */
  hash: string;
}

const SOURCES = ['text', 'conversation_id', 'file_id'] as const;
const TEXT_PARTS = new Set(['text', 'input_text', 'output_text']);

/**
 * Control characters other than tab and newline say nothing and confuse tokenizers (a stray NUL, form
 * feeds from PDFs); runs of blank space are collapsed so that character counts mean something.
 */
export function normalizeText(raw: string): string {
  return (
    raw
      // eslint-disable-next-line no-control-regex -- stripping control characters is the point
      .replace(/[\u0000-\u0008\u000b-\u001f\u007f\ufffd]/g, ' ')
      .replace(/\r\n?/g, '\n')
      .replace(/[ \t]+/g, ' ')
      .replace(/ *\n */g, '\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim()
  );
}

function itemText(item: Record<string, unknown>): string {
  const content = item.content;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: { type?: unknown; text?: unknown }) => {
      if (!TEXT_PARTS.has(String(part?.type))) return '';
      return typeof part.text === 'string' ? part.text : ((part.text as { value?: string } | undefined)?.value ?? '');
    })
    .filter((text) => text !== '')
    .join('\n');
}

const unprocessable = (message: string, param: string) => new AppError(422, 'invalid_request_error', message, { param, code: 'empty_input' });

export class AnalysisInputs {
  constructor(
    private readonly link: ConversationLink,
    private readonly extraction: TextExtractionService,
  ) {}

  async resolve(userId: string, fields: InputFields): Promise<AnalysisInput> {
    const given = SOURCES.filter((name) => fields[name] !== undefined);
    if (given.length !== 1) {
      throw badRequest(
        `Give exactly one of \`text\`, \`conversation_id\` or \`file_id\` (${given.length === 0 ? 'none was given' : `got ${given.join(' and ')}`}).`,
        given[1] ?? null,
        given.length === 0 ? 'missing_input' : 'conflicting_input',
      );
    }
    if (fields.text !== undefined) {
      const text = normalizeText(fields.text);
      if (text === '') throw badRequest('`text` has nothing to analyse (it is empty or only white space).', 'text', 'empty_input');
      return input('text', text, text);
    }
    if (fields.conversation_id !== undefined) return this.conversation(userId, fields.conversation_id);
    const extracted = await this.extraction.extract(userId, fields.file_id!);
    const text = normalizeText(extracted.text);
    if (text === '') throw unprocessable(`The file '${fields.file_id}' has no text to analyse.`, 'file_id');
    return input('file', text, text);
  }

  private async conversation(userId: string, id: string): Promise<AnalysisInput> {
    const { items } = await this.link.open(userId, id);
    const messages = items
      .filter((item) => (item.type ?? 'message') === 'message' && item.role !== 'system' && item.role !== 'developer')
      .map((item) => ({ role: String(item.role), text: normalizeText(itemText(item)) }))
      .filter((message) => message.text !== '');
    if (messages.length === 0) throw unprocessable(`The conversation '${id}' has no message text to analyse.`, 'conversation_id');
    const text = messages.map((m) => m.text).join('\n\n');
    const promptText = messages.map((m) => `${m.role === 'assistant' ? 'Assistant' : 'User'}: ${m.text}`).join('\n\n');
    return input('conversation', text, promptText);
  }
}

function input(source: AnalysisInput['source'], text: string, promptText: string): AnalysisInput {
  return { source, text, promptText, hash: createHash('sha256').update(promptText).digest('hex') };
}

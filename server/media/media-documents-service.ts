/**
 * "Chat with a document": OpenAI's file content part, `{type: "file", file: {file_id}}`, in a chat message
 * becomes a text part holding the file's extracted text (from the cache after the first time), so any model
 * sees the document in its prompt. The chat service calls `expandFileParts` before building the prompt.
 */
import { badRequest } from '../errors/app-error.js';
import type { MediaService } from './media-service.js';
import type { TextExtractionService } from './text-extraction-service.js';

interface FilePart {
  type: 'file';
  file: { file_id?: string; filename?: string; file_data?: string };
}

export interface ChatMessageLike {
  role: string;
  content?: unknown;
}

const isFilePart = (part: unknown): part is FilePart =>
  typeof part === 'object' && part !== null && (part as { type?: unknown }).type === 'file';

export class MediaDocumentsService {
  constructor(
    private readonly media: MediaService,
    private readonly extraction: TextExtractionService,
  ) {}

  /** True when any message has a file part (so callers can skip the work). */
  hasFileParts(messages: readonly ChatMessageLike[]): boolean {
    return messages.some((m) => Array.isArray(m.content) && m.content.some(isFilePart));
  }

  /**
   * Returns the messages with each file part replaced by `{type: "text", text}`, where the text is the
   * file's name and extracted text. Unknown or foreign file ids are a 404; inline `file_data` is a 400.
   */
  async expandFileParts<M extends ChatMessageLike>(userId: string, messages: readonly M[]): Promise<M[]> {
    return Promise.all(
      messages.map(async (message, i) => {
        if (!Array.isArray(message.content) || !message.content.some(isFilePart)) return message;
        const content = await Promise.all(
          message.content.map(async (part: unknown, j) => (isFilePart(part) ? this.textPart(userId, part, `messages[${i}].content[${j}].file`) : part)),
        );
        return { ...message, content };
      }),
    );
  }

  private async textPart(userId: string, part: FilePart, param: string) {
    const fileId = part.file?.file_id;
    if (!fileId) throw badRequest('A file content part needs `file.file_id` (upload the file to /v1/files or /v1/media/upload first).', `${param}.file_id`, 'missing_value');
    const { filename: name } = await this.media.get(userId, fileId);
    const extracted = await this.extraction.extract(userId, fileId);
    return { type: 'text' as const, text: `<document name="${name.replace(/"/g, "'")}">\n${extracted.text}\n</document>` };
  }
}

/**
 * Decides a file's type from its bytes (never from the client's name or header): images OCR can read, PDF,
 * and plain UTF-8 text. Everything else is unsupported.
 */
import { fileTypeFromBuffer } from 'file-type';

export type MediaKind = 'image' | 'pdf' | 'text';

export interface SniffedType {
  mime: string;
  /** Extension without the dot, for default file names. */
  ext: string;
  kind: MediaKind;
}

const SUPPORTED: Record<string, SniffedType> = {
  'image/png': { mime: 'image/png', ext: 'png', kind: 'image' },
  'image/jpeg': { mime: 'image/jpeg', ext: 'jpg', kind: 'image' },
  'image/webp': { mime: 'image/webp', ext: 'webp', kind: 'image' },
  'image/bmp': { mime: 'image/bmp', ext: 'bmp', kind: 'image' },
  'image/tiff': { mime: 'image/tiff', ext: 'tif', kind: 'image' },
  'image/gif': { mime: 'image/gif', ext: 'gif', kind: 'image' },
  'application/pdf': { mime: 'application/pdf', ext: 'pdf', kind: 'pdf' },
};

const TEXT: SniffedType = { mime: 'text/plain', ext: 'txt', kind: 'text' };

export const SUPPORTED_MIME_TYPES: readonly string[] = [...Object.keys(SUPPORTED), TEXT.mime];

/** The canonical entry for a MIME type we support, or undefined. */
export function supportedType(mime: string): SniffedType | undefined {
  return mime === TEXT.mime ? TEXT : SUPPORTED[mime];
}

/**
 * UTF-8 without NUL bytes. `complete` says whether `head` is the whole file; when it is not, a multi-byte
 * character cut off at the end of the sample is fine.
 */
export function looksLikeText(head: Uint8Array, complete: boolean): boolean {
  if (head.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: !complete });
    return true;
  } catch {
    return false;
  }
}

export interface SniffResult {
  /** The supported type, or undefined. */
  type: SniffedType | undefined;
  /** What the bytes looked like, for the error message when unsupported. */
  detected: string | undefined;
}

export async function sniffType(head: Uint8Array, complete: boolean): Promise<SniffResult> {
  const found = await fileTypeFromBuffer(head);
  if (found) return { type: SUPPORTED[found.mime], detected: found.mime };
  if (looksLikeText(head, complete)) return { type: TEXT, detected: TEXT.mime };
  return { type: undefined, detected: undefined };
}

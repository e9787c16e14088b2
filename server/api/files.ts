/**
 * OpenAI's Files API (`/v1/files`) over the media store: the same files, the same ids (`jan_…`), usable in
 * chat `{type:"file", file:{file_id}}` parts and in `/v1/media/files/{id}/extract-text`.
 */
import { z } from 'zod';
import { SortOrder } from './common.js';

/** The purposes OpenAI accepts on upload. */
export const FILE_PURPOSES = ['assistants', 'batch', 'fine-tune', 'vision', 'user_data', 'evals'] as const;
export const FilePurpose = z.enum(FILE_PURPOSES, { error: `purpose must be one of: ${FILE_PURPOSES.join(', ')}` });
export type FilePurpose = z.infer<typeof FilePurpose>;

/** The form fields beside the multipart `file` part. Files never expire here, so `expires_after` is refused, not ignored. */
export const FileCreateFields = z
  .object({ purpose: FilePurpose })
  .catchall(z.string())
  .superRefine((fields, ctx) => {
    if (Object.keys(fields).some((name) => name.startsWith('expires_after'))) {
      ctx.addIssue({ code: 'custom', path: ['expires_after'], message: 'files do not expire on this server; leave expires_after out' });
    }
  });

export const OpenAiFile = z.object({
  id: z.string(),
  object: z.literal('file'),
  bytes: z.number().int(),
  created_at: z.number().int(),
  filename: z.string(),
  purpose: z.string().describe('As uploaded; `user_data` for files stored through the media API.'),
  status: z.literal('processed').describe('Stored files are ready at once.'),
});
export type OpenAiFile = z.infer<typeof OpenAiFile>;

export const OpenAiFileList = z.object({
  object: z.literal('list'),
  data: z.array(OpenAiFile),
  first_id: z.string().nullable(),
  last_id: z.string().nullable(),
  has_more: z.boolean(),
});

/** OpenAI's cursor pagination for files: up to 10,000 a page (its default too), newest first. */
export const FileListQuery = z.object({
  after: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(10_000),
  order: SortOrder.default('desc'),
  purpose: z.string().min(1).max(64).optional(),
});
export type FileListQuery = z.infer<typeof FileListQuery>;

export const FilePath = z.object({ id: z.string().min(1).max(128) });

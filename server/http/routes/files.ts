/**
 * OpenAI's Files API (`/v1/files`) over the media store: upload (multipart `file` + `purpose`), list with
 * cursor pagination, metadata, content and delete. The ids are media ids, usable everywhere a file id is.
 */
import { DeletedObject } from '../../api/common.js';
import { FileCreateFields, FileListQuery, FilePath, OpenAiFile, OpenAiFileList } from '../../api/files.js';
import { endpoint } from '../endpoint.js';
import { sendContent } from '../media-content.js';
import { readMultipartFile } from '../multipart-file.js';
import { rangeFrom } from '../range-header.js';
import { validate } from '../validate.js';

const tags = ['files'];

export const create = endpoint({
  summary: 'Upload a file (multipart/form-data: part `file`, field `purpose`). The same content with the same purpose again returns the earlier file.',
  tags, response: OpenAiFile, timeoutMs: 60_000,
  handle: async ({ principal, ctx }, s) => {
    const startedAt = Date.now();
    const { file: staged, fields } = await readMultipartFile(ctx.req, s.media.maxUploadBytes, (stream, info) => s.media.stageUpload(stream, info.filename));
    let purpose;
    try {
      ({ purpose } = validate(FileCreateFields, fields, 'body'));
    } catch (error) {
      staged.discard();
      throw error;
    }
    return s.files.create(principal.userId, staged, purpose, startedAt);
  },
});

export const list = endpoint({
  summary: 'List your files (`after`, `limit` up to 10,000, `order`, `purpose`).', tags, query: FileListQuery, response: OpenAiFileList,
  handle: ({ principal, query }, s) => s.files.list(principal.userId, query),
});

export const get = endpoint({
  summary: 'A file object.', tags, params: FilePath, response: OpenAiFile,
  handle: ({ principal, params }, s) => s.files.get(principal.userId, params.id),
});

export const content = endpoint({
  summary: "A file's bytes; `Range: bytes=…` gives 206.", tags, params: FilePath, timeoutMs: 60_000,
  handle: async ({ principal, params, ctx }, s) => sendContent(ctx, await s.files.open(principal.userId, params.id, rangeFrom(ctx)), 'attachment'),
});

export const remove = endpoint({
  summary: 'Delete a file (the same as deleting it from /v1/media/files).', tags, params: FilePath, response: DeletedObject('file'),
  handle: ({ principal, params }, s) => s.files.delete(principal.userId, params.id),
});

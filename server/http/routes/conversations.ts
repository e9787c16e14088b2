import { DeletedObject, PathId } from '../../api/common.js';
import {
  Conversation, ConversationCreateBody, ConversationList, ConversationListQuery, ConversationUpdateBody,
} from '../../api/conversations.js';
import { endpoint } from '../endpoint.js';

const tags = ['conversations'];

export const list = endpoint({
  summary: 'List your conversations (newest first by default), optionally in one project.', tags,
  query: ConversationListQuery, response: ConversationList,
  handle: ({ principal, query }, s) => s.conversations.list(principal.userId, query),
});

export const create = endpoint({
  summary: 'Create a conversation, with up to 20 initial items.', tags,
  body: ConversationCreateBody, response: Conversation,
  handle: ({ principal, body }, s) => s.conversations.create(principal.userId, body),
});

export const get = endpoint({
  summary: 'Get a conversation.', tags, params: PathId, response: Conversation,
  handle: ({ principal, params }, s) => s.conversations.get(principal.userId, params.id),
});

export const update = endpoint({
  summary: 'Update a conversation\'s title or metadata.', tags,
  params: PathId, body: ConversationUpdateBody, response: Conversation,
  handle: ({ principal, params, body }, s) => s.conversations.update(principal.userId, params.id, body),
});

export const remove = endpoint({
  summary: 'Delete a conversation and its items.', tags, params: PathId, response: DeletedObject('conversation.deleted'),
  handle: ({ principal, params }, s) => s.conversations.delete(principal.userId, params.id),
});

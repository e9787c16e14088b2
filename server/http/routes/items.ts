import { z } from 'zod';
import { PathId } from '../../api/common.js';
import { Conversation } from '../../api/conversations.js';
import { Item, ItemList, ItemsCreateBody, ItemsListQuery } from '../../api/items.js';
import { endpoint } from '../endpoint.js';

const tags = ['conversations'];
const ItemPath = PathId.extend({ item_id: z.string().min(1).max(128) });

export const list = endpoint({
  summary: 'List the items of a conversation (newest first by default).', tags,
  params: PathId, query: ItemsListQuery, response: ItemList,
  handle: ({ principal, params, query }, s) => s.items.list(principal.userId, params.id, query),
});

export const create = endpoint({
  summary: 'Add up to 20 items to a conversation.', tags,
  params: PathId, body: ItemsCreateBody, response: ItemList,
  handle: ({ principal, params, body }, s) => s.items.add(principal.userId, params.id, body),
});

export const get = endpoint({
  summary: 'Get one item of a conversation.', tags, params: ItemPath, response: Item,
  handle: ({ principal, params }, s) => s.items.get(principal.userId, params.id, params.item_id),
});

export const remove = endpoint({
  summary: 'Delete an item; answers with its conversation.', tags, params: ItemPath, response: Conversation,
  handle: ({ principal, params }, s) => s.items.delete(principal.userId, params.id, params.item_id),
});

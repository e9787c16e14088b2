import { DeletedObject, PathId } from '../../api/common.js';
import { Project, ProjectCreateBody, ProjectList, ProjectListQuery, ProjectUpdateBody } from '../../api/projects.js';
import { endpoint } from '../endpoint.js';

const tags = ['projects'];

export const list = endpoint({
  summary: 'List your projects, newest first; pass `next_cursor` back as `cursor`.', tags,
  query: ProjectListQuery, response: ProjectList,
  handle: ({ principal, query }, s) => s.projects.list(principal.userId, query),
});

export const create = endpoint({
  summary: 'Create a project.', tags, body: ProjectCreateBody, status: 201, response: Project,
  handle: ({ principal, body }, s) => s.projects.create(principal.userId, body),
});

export const get = endpoint({
  summary: 'Get a project.', tags, params: PathId, response: Project,
  handle: ({ principal, params }, s) => s.projects.get(principal.userId, params.id),
});

export const update = endpoint({
  summary: 'Rename, re-instruct, favorite or archive a project.', tags,
  params: PathId, body: ProjectUpdateBody, response: Project,
  handle: ({ principal, params, body }, s) => s.projects.update(principal.userId, params.id, body),
});

export const remove = endpoint({
  summary: 'Delete a project (its conversations stay).', tags, params: PathId, response: DeletedObject('project.deleted'),
  handle: ({ principal, params }, s) => s.projects.delete(principal.userId, params.id),
});

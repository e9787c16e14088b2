/**
 * /v1/projects (Jan Server's projects): CRUD, archive, soft delete, cursor pagination, and conversations
 * that belong to a project.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { invalid, useGuestApi } from '../support/guest-api.js';
import type { RequestOptions } from '../support/test-server.js';

const PROJ_ID = /^proj_[0-9a-f]{48}$/;

const projectNotFound = (id: string) => ({
  error: { message: `No project found with id '${id}'.`, type: 'not_found_error', param: 'project_id', code: 'project_not_found' },
});

describe('projects', () => {
  const guest = useGuestApi();
  const { api } = guest;
  const createProject = async (body: unknown, as = guest.token) => {
    const res = await guest.server.request('/v1/projects', { method: 'POST', token: as, body });
    expect(res.status).toBe(201);
    return res.json;
  };

  describe('create, get, update, delete', () => {
    it('creates a project (201) with its exact shape', async () => {
      const res = await api('/v1/projects', { method: 'POST', body: { name: 'Thesis', instruction: 'Answer as a tutor.', is_favorite: true } });
      expect(res.status).toBe(201);
      expect(res.json).toEqual({
        id: expect.stringMatching(PROJ_ID),
        object: 'project',
        name: 'Thesis',
        instruction: 'Answer as a tutor.',
        is_favorite: true,
        is_archived: false,
        archived_at: null,
        created_at: expect.any(Number),
        updated_at: res.json.created_at,
      });
      expect((await api(`/v1/projects/${res.json.id}`)).json).toEqual(res.json);
    });

    it('defaults instruction and is_favorite, and trims the name', async () => {
      const project = await createProject({ name: '  Notes  ' });
      expect(project).toMatchObject({ name: 'Notes', instruction: null, is_favorite: false });
    });

    it.each([
      ['empty', ''],
      ['blank', '   '],
      ['121 characters', 'n'.repeat(121)],
    ])('refuses a name that is %s', async (_, name) => {
      const res = await api('/v1/projects', { method: 'POST', body: { name } });
      expect(res.status).toBe(400);
      expect(res.json).toEqual(invalid('name'));
    });

    it('refuses a missing name and accepts 120 characters', async () => {
      const missing = await api('/v1/projects', { method: 'POST', body: { instruction: 'x' } });
      expect(missing.status).toBe(400);
      expect(missing.json).toEqual(invalid('name', 'invalid_type'));
      expect((await createProject({ name: 'n'.repeat(120) })).name).toBe('n'.repeat(120));
    });

    it('updates name, instruction and is_favorite, keeping what is not sent', async () => {
      const project = await createProject({ name: 'Old', instruction: 'keep me' });
      const renamed = await api(`/v1/projects/${project.id}`, { method: 'PATCH', body: { name: 'New', is_favorite: true } });
      expect(renamed.status).toBe(200);
      expect(renamed.json).toEqual({ ...project, name: 'New', is_favorite: true, updated_at: expect.any(Number) });
      const cleared = await api(`/v1/projects/${project.id}`, { method: 'PATCH', body: { instruction: null } });
      expect(cleared.json).toEqual({ ...renamed.json, instruction: null, updated_at: expect.any(Number) });
      expect((await api(`/v1/projects/${project.id}`)).json).toEqual(cleared.json);
    });

    it('archives with a timestamp, keeps it on a repeated archive, clears it on unarchive', async () => {
      const project = await createProject({ name: 'Archive me' });
      const archived = await api(`/v1/projects/${project.id}`, { method: 'PATCH', body: { is_archived: true } });
      expect(archived.json).toMatchObject({ is_archived: true, archived_at: expect.any(Number) });
      expect(archived.json.archived_at).toBeGreaterThanOrEqual(project.created_at);
      const again = await api(`/v1/projects/${project.id}`, { method: 'PATCH', body: { is_archived: true } });
      expect(again.json.archived_at).toBe(archived.json.archived_at);
      const restored = await api(`/v1/projects/${project.id}`, { method: 'PATCH', body: { is_archived: false } });
      expect(restored.json).toMatchObject({ is_archived: false, archived_at: null });
    });

    it('refuses an update without fields and an invalid name', async () => {
      const project = await createProject({ name: 'Stable' });
      const empty = await api(`/v1/projects/${project.id}`, { method: 'PATCH', body: {} });
      expect(empty.status).toBe(400);
      expect(empty.json).toEqual(invalid(null));
      const blank = await api(`/v1/projects/${project.id}`, { method: 'PATCH', body: { name: '' } });
      expect(blank.status).toBe(400);
      expect(blank.json).toEqual(invalid('name'));
      expect((await api(`/v1/projects/${project.id}`)).json).toEqual(project);
    });

    it('soft-deletes: the project is gone from get, update, delete and the list', async () => {
      const project = await createProject({ name: 'Doomed' });
      const res = await api(`/v1/projects/${project.id}`, { method: 'DELETE' });
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ id: project.id, object: 'project.deleted', deleted: true });
      for (const [method, body] of [['GET'], ['PATCH', { name: 'x' }], ['DELETE']] as const) {
        const after = await api(`/v1/projects/${project.id}`, { method, body });
        expect(after.status, method).toBe(404);
        expect(after.json).toEqual(projectNotFound(project.id));
      }
      const listed = await api('/v1/projects?limit=100');
      expect(listed.json.data.map((p: { id: string }) => p.id)).not.toContain(project.id);
    });

    it('answers an unknown id with the exact 404 body', async () => {
      const res = await api('/v1/projects/proj_nope');
      expect(res.status).toBe(404);
      expect(res.json).toEqual(projectNotFound('proj_nope'));
    });
  });

  describe('list', () => {
    let owner: string;
    /** Five projects of a fresh user, in creation order. */
    let ids: string[];
    const list = (query = '') => guest.server.request(`/v1/projects${query}`, { token: owner });

    beforeAll(async () => {
      owner = await guest.server.guestToken();
      ids = [];
      for (let i = 0; i < 5; i++) ids.push((await createProject({ name: `p${i}` }, owner)).id);
    });

    it('lists newest first with the exact envelope', async () => {
      const res = await list();
      expect(res.status).toBe(200);
      const newest = [...ids].reverse();
      expect(res.json).toEqual({
        object: 'list',
        data: newest.map((id, i) => ({
          id, object: 'project', name: `p${4 - i}`, instruction: null, is_favorite: false, is_archived: false,
          archived_at: null, created_at: expect.any(Number), updated_at: expect.any(Number),
        })),
        first_id: newest[0],
        last_id: newest[4],
        has_more: false,
        next_cursor: null,
      });
    });

    it('walks all projects with cursor/next_cursor: 2, 2, 1', async () => {
      const pages: string[][] = [];
      let cursor: string | null = null;
      do {
        const res = await list(`?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.status).toBe(200);
        pages.push(res.json.data.map((p: { id: string }) => p.id));
        expect(res.json.next_cursor).toBe(res.json.has_more ? res.json.last_id : null);
        cursor = res.json.next_cursor;
      } while (cursor && pages.length <= ids.length);
      const newest = [...ids].reverse();
      expect(pages).toEqual([newest.slice(0, 2), newest.slice(2, 4), newest.slice(4)]);
    });

    it('refuses an unknown cursor and a limit out of range', async () => {
      const cursor = await list('?cursor=proj_unknown');
      expect(cursor.status).toBe(400);
      expect(cursor.json).toEqual({
        error: { message: "Invalid cursor 'proj_unknown'.", type: 'invalid_request_error', param: 'cursor', code: 'invalid_value' },
      });
      for (const limit of ['0', '101', 'abc']) {
        const res = await list(`?limit=${limit}`);
        expect(res.status).toBe(400);
        expect(res.json).toEqual(invalid('limit', expect.any(String)));
      }
    });
  });

  describe('conversations in a project', () => {
    it('creates conversations in a project and lists them by project_id, with per-filter totals', async () => {
      const owner = await guest.server.guestToken();
      const as = (path: string, init: RequestOptions = {}) => guest.server.request(path, { token: owner, ...init });
      const work = await createProject({ name: 'Work' }, owner);
      const home = await createProject({ name: 'Home' }, owner);
      const inWork: string[] = [];
      for (const title of ['w1', 'w2', 'w3']) {
        const res = await as('/v1/conversations', { method: 'POST', body: { title, project_id: work.id } });
        expect(res.status).toBe(200);
        expect(res.json.project_id).toBe(work.id);
        inWork.push(res.json.id);
      }
      const inHome = (await as('/v1/conversations', { method: 'POST', body: { project_id: home.id } })).json.id;
      await as('/v1/conversations', { method: 'POST', body: { title: 'loose' } });

      const all = await as('/v1/conversations');
      expect(all.json).toMatchObject({ total: 5, has_more: false });
      const work1 = await as(`/v1/conversations?project_id=${work.id}&order=asc&limit=2`);
      expect(work1.json).toMatchObject({ total: 3, has_more: true, first_id: inWork[0], last_id: inWork[1] });
      expect(work1.json.data.map((c: { id: string }) => c.id)).toEqual(inWork.slice(0, 2));
      const work2 = await as(`/v1/conversations?project_id=${work.id}&order=asc&limit=2&after=${inWork[1]}`);
      expect(work2.json.data.map((c: { id: string }) => c.id)).toEqual([inWork[2]]);
      expect(work2.json).toMatchObject({ total: 3, has_more: false });
      const homeList = await as(`/v1/conversations?project_id=${home.id}`);
      expect(homeList.json.data.map((c: { id: string }) => c.id)).toEqual([inHome]);
      expect(homeList.json.total).toBe(1);
    });

    it('refuses a conversation in an unknown or deleted project with the project 404', async () => {
      const unknown = await api('/v1/conversations', { method: 'POST', body: { project_id: 'proj_nope' } });
      expect(unknown.status).toBe(404);
      expect(unknown.json).toEqual(projectNotFound('proj_nope'));
      const project = await createProject({ name: 'Short-lived' });
      await api(`/v1/projects/${project.id}`, { method: 'DELETE' });
      const deleted = await api('/v1/conversations', { method: 'POST', body: { project_id: project.id } });
      expect(deleted.status).toBe(404);
      expect(deleted.json).toEqual(projectNotFound(project.id));
    });

    it('keeps a project\'s conversations when the project is deleted', async () => {
      const project = await createProject({ name: 'Temporary' });
      const conv = (await api('/v1/conversations', { method: 'POST', body: { project_id: project.id } })).json;
      await api(`/v1/projects/${project.id}`, { method: 'DELETE' });
      const read = await api(`/v1/conversations/${conv.id}`);
      expect(read.status).toBe(200);
      expect(read.json).toEqual(conv);
    });
  });
});

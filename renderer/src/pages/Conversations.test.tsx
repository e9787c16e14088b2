import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Conversation } from '../api/index.js';
import { renderPage } from '../test/render.js';
import { Conversations } from './Conversations.js';

const conv = (id: string, title: string | null): Conversation => ({ id, object: 'conversation', title, metadata: {}, project_id: null, referrer: null, created_at: 1_767_000_000, updated_at: 1_767_000_000 });

function server(initial: Conversation[]) {
  const all = [...initial];
  const patches: unknown[] = [];
  return {
    patches,
    routes: {
      // Two pages, to check the page is loaded in full before searching.
      'GET /v1/conversations': ({ query }: { query: URLSearchParams }) => {
        const after = query.get('after');
        const start = after ? all.findIndex((c) => c.id === after) + 1 : 0;
        const data = all.slice(start, start + 2);
        return { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: start + 2 < all.length, total: all.length };
      },
      'PATCH /v1/conversations/conv_b': ({ body }: { body: unknown }) => {
        patches.push(body);
        all[1] = { ...all[1]!, title: (body as { title: string }).title };
        return all[1];
      },
      'DELETE /v1/conversations/conv_a': () => {
        all.splice(0, 1);
        return { id: 'conv_a', object: 'conversation.deleted', deleted: true };
      },
    },
  };
}

const titles = () => within(screen.getByRole('table')).getAllByRole('link').map((a) => a.textContent);

describe('Conversations', () => {
  it('loads every page and searches titles', async () => {
    renderPage(<Conversations />, { routes: server([conv('conv_a', 'Trip to Hanoi'), conv('conv_b', 'Tax questions'), conv('conv_c', null)]).routes });
    await waitFor(() => expect(titles()).toEqual(['Trip to Hanoi', 'Tax questions', 'Untitled']));
    expect(screen.getByText('3 saved')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Search conversations'), { target: { value: 'TAX' } });
    expect(titles()).toEqual(['Tax questions']);
    expect(within(screen.getByRole('table')).getByRole('link').getAttribute('href')).toBe('#/chat/conv_b');
    fireEvent.change(screen.getByLabelText('Search conversations'), { target: { value: 'nothing' } });
    expect(screen.getByText('Nothing matches “nothing”')).toBeTruthy();
  });

  it('renames in place and deletes after a confirmation', async () => {
    const s = server([conv('conv_a', 'First'), conv('conv_b', 'Second')]);
    const { calls } = renderPage(<Conversations />, { routes: s.routes });
    fireEvent.click(await screen.findByRole('button', { name: 'Rename Second' }));
    fireEvent.change(screen.getByLabelText('New title'), { target: { value: '  Renamed  ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(titles()).toEqual(['First', 'Renamed']));
    expect(s.patches).toEqual([{ title: 'Renamed' }]);

    fireEvent.click(screen.getByRole('button', { name: 'Delete First' }));
    expect(screen.getByText('Delete for good?')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(titles()).toEqual(['Renamed']));
    expect(calls).toContain('DELETE /v1/conversations/conv_a');
  });

  it('tells a new user where conversations come from', async () => {
    renderPage(<Conversations />, { routes: server([]).routes });
    expect(await screen.findByText('No conversations yet')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Start one in the chat' }).getAttribute('href')).toBe('#/chat');
  });
});

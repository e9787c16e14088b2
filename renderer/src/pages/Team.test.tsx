import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { Handler } from '../test/fixtures.js';
import { renderPage } from '../test/render.js';
import { Team } from './Team.js';
import { audit, errorResponse, invitation, me, members, usageRow } from './team/fixtures.js';

/** A team server: members, invitations, audit and usage, recording every write it receives. */
function teamRoutes(writes: { key: string; body: unknown; query: string }[], overrides: Record<string, Handler> = {}): Record<string, Handler> {
  const record = (key: string, answer: unknown): Handler => ({ body, query }) => (writes.push({ key, body, query: query.toString() }), answer);
  return {
    'GET /auth/me': () => me(),
    'GET /v1/admin/members': () => ({ object: 'list', data: members }),
    'GET /v1/admin/invitations': () => ({ object: 'list', data: [invitation(), invitation({ id: 'inv_used', name: 'Old', used_at: 5 })] }),
    'GET /v1/admin/audit': () => ({ object: 'list', data: audit, has_more: false }),
    'GET /v1/admin/usage': ({ query }) => ({
      object: 'list', from: query.get('from'), to: query.get('to'), group_by: query.get('group_by'),
      data: query.get('group_by') === 'day'
        ? [usageRow('2026-12-01', '2026-12-01', 5, 100), usageRow('2026-11-30', '2026-11-30', 2, 40)]
        : [usageRow('user_bob', 'Bob', 12, 3000), usageRow('user_owner', 'Ada', 30, 1000)],
    }),
    'POST /v1/admin/invitations': record('POST /v1/admin/invitations', invitation({ id: 'inv_new', name: 'Fay', code: 'fresh', url: 'http://192.168.1.20:1337/invite/fresh' })),
    'DELETE /v1/admin/invitations/inv_1': record('DELETE /v1/admin/invitations/inv_1', undefined),
    'PATCH /v1/admin/members/user_bob': record('PATCH /v1/admin/members/user_bob', members[1]),
    'POST /v1/admin/members/user_bob/reset': record('POST reset', invitation({ id: 'inv_reset', name: 'Bob', url: '/invite/resetcode' })),
    'DELETE /v1/admin/members/user_bob': record('DELETE /v1/admin/members/user_bob', undefined),
    'GET /v1/admin/members/user_bob/quotas': () => ({ user_id: 'user_bob', updated_at: null, requests_per_minute: 60, tokens_per_day: null, concurrent_streams: 2, storage_bytes: 1024 * 1024 * 500 }),
    'PUT /v1/admin/members/user_bob/quotas': ({ body }) => (writes.push({ key: 'PUT quotas', body, query: '' }), { user_id: 'user_bob', updated_at: 5, ...(body as object) }),
    ...overrides,
  };
}

const membersTable = () => screen.findByRole('table', { name: 'Members' });

describe('Team', () => {
  it('lists members with role, status and last seen; the owner and oneself have no role select or destructive actions', async () => {
    renderPage(<Team />, { routes: teamRoutes([]) });
    const table = await membersTable();
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((r) => within(r).getAllByRole('cell')[0]!.textContent)).toEqual(['Adayou', 'Bob', 'Cy', 'Dee']);
    expect(rows[0]!.textContent).toContain('Owner');
    expect(within(rows[0]!).queryByRole('combobox')).toBeNull();
    expect(within(rows[0]!).queryByRole('button', { name: /Delete/ })).toBeNull();
    expect((within(rows[1]!).getByRole('combobox', { name: 'Role of Bob' }) as HTMLSelectElement).value).toBe('member');
    expect(rows[2]!.textContent).toContain('never');
    expect(within(rows[3]!).getByText('Disabled')).toBeTruthy();
    expect(within(rows[3]!).getByRole('button', { name: 'Enable Dee' })).toBeTruthy();
  });

  it('invites: role, name and expiry go to the server, the link is shown with a copy button and its expiry; used invitations are not pending', async () => {
    const writeText = vi.fn(() => Promise.resolve());
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const writes: { key: string; body: unknown; query: string }[] = [];
    renderPage(<Team />, { routes: teamRoutes(writes) });
    const pending = await screen.findByRole('table', { name: 'Pending invitations' });
    expect(within(pending).getAllByRole('row').slice(1).map((r) => within(r).getAllByRole('cell')[0]!.textContent)).toEqual(['Eve']);

    fireEvent.click(screen.getByRole('button', { name: 'Invite someone…' }));
    const form = screen.getByRole('form', { name: 'Invite someone' });
    fireEvent.change(within(form).getByLabelText('Role'), { target: { value: 'admin' } });
    fireEvent.change(within(form).getByLabelText('Name (optional)'), { target: { value: ' Fay ' } });
    fireEvent.change(within(form).getByLabelText('Expires after'), { target: { value: '86400' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Create link' }));
    const note = await screen.findByRole('status', { name: /Invitation link for Fay/ });
    expect(writes).toEqual([{ key: 'POST /v1/admin/invitations', body: { role: 'admin', name: 'Fay', expires_in_seconds: 86_400 }, query: '' }]);
    expect(within(note).getByTestId('team-link').textContent).toBe('http://192.168.1.20:1337/invite/fresh');
    expect(note.textContent).toContain('expires in 7 days');
    fireEvent.click(within(note).getByRole('button', { name: /Copy the link/ }));
    await waitFor(() => expect(writeText).toHaveBeenCalledWith('http://192.168.1.20:1337/invite/fresh'));
  });

  it('revokes a pending invitation after a confirm', async () => {
    const writes: { key: string; body: unknown; query: string }[] = [];
    renderPage(<Team />, { routes: teamRoutes(writes) });
    fireEvent.click(await screen.findByRole('button', { name: 'Revoke the invitation for Eve' }));
    expect(writes).toEqual([]);
    fireEvent.click(screen.getByRole('button', { name: 'Revoke now' }));
    await waitFor(() => expect(writes.map((w) => w.key)).toEqual(['DELETE /v1/admin/invitations/inv_1']));
  });

  it('changes a role, disables after a confirm, and shows a reset link with its absolute URL', async () => {
    const writes: { key: string; body: unknown; query: string }[] = [];
    renderPage(<Team />, { routes: teamRoutes(writes) });
    fireEvent.change(await screen.findByRole('combobox', { name: 'Role of Bob' }), { target: { value: 'admin' } });
    await waitFor(() => expect(writes.at(-1)).toEqual({ key: 'PATCH /v1/admin/members/user_bob', body: { role: 'admin' }, query: '' }));

    fireEvent.click(screen.getByRole('button', { name: 'Disable Bob' }));
    expect(screen.getByText(/Sign Bob out everywhere/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Disable now' }));
    await waitFor(() => expect(writes.at(-1)).toEqual({ key: 'PATCH /v1/admin/members/user_bob', body: { disabled: true }, query: '' }));

    fireEvent.click(screen.getByRole('button', { name: 'Reset the password of Bob' }));
    const note = await screen.findByRole('status', { name: 'Password reset link for Bob' });
    expect(within(note).getByTestId('team-link').textContent).toBe(`${window.location.origin}/invite/resetcode`);
  });

  it('shows the server’s refusal (e.g. disabling the last admin)', async () => {
    const routes = teamRoutes([], { 'PATCH /v1/admin/members/user_bob': () => errorResponse(409, 'The last admin cannot be disabled.', 'conflict_error') });
    renderPage(<Team />, { routes });
    fireEvent.click(await screen.findByRole('button', { name: 'Disable Bob' }));
    fireEvent.click(screen.getByRole('button', { name: 'Disable now' }));
    expect((await screen.findByRole('alert')).textContent).toBe('The last admin cannot be disabled.');
  });

  it('deletes only after choosing what happens to the data and confirming; transfer sends the receiver', async () => {
    const writes: { key: string; body: unknown; query: string }[] = [];
    renderPage(<Team />, { routes: teamRoutes(writes) });
    fireEvent.click(await screen.findByRole('button', { name: 'Delete Bob' }));
    const panel = screen.getByRole('region', { name: 'Delete Bob' });
    const next = within(panel).getByRole('button', { name: 'Continue…' }) as HTMLButtonElement;
    expect(next.disabled).toBe(true);
    // Only active members other than Bob can receive the data (Dee is disabled).
    const receiver = within(panel).getByRole('combobox', { name: 'Member who receives the data' });
    expect(within(receiver).getAllByRole('option').map((o) => o.textContent)).toEqual(['Ada', 'Cy']);
    fireEvent.change(receiver, { target: { value: 'user_cy' } });
    expect(next.disabled).toBe(false);
    fireEvent.click(next);
    const confirm = within(panel).getByRole('alertdialog', { name: 'Confirm deleting Bob' });
    expect(confirm.textContent).toContain('go to Cy');
    expect(writes).toEqual([]);
    fireEvent.click(within(confirm).getByRole('button', { name: 'Delete Bob and transfer' }));
    await waitFor(() => expect(writes).toEqual([{ key: 'DELETE /v1/admin/members/user_bob', body: undefined, query: 'data=transfer&to=user_cy' }]));
    await waitFor(() => expect(screen.queryByRole('region', { name: 'Delete Bob' })).toBeNull());
  });

  it('deleting the data is its own explicit choice', async () => {
    const writes: { key: string; body: unknown; query: string }[] = [];
    renderPage(<Team />, { routes: teamRoutes(writes) });
    fireEvent.click(await screen.findByRole('button', { name: 'Delete Bob' }));
    const panel = screen.getByRole('region', { name: 'Delete Bob' });
    fireEvent.click(within(panel).getByLabelText(/Delete their data/));
    fireEvent.click(within(panel).getByRole('button', { name: 'Continue…' }));
    expect(within(panel).getByRole('alertdialog').textContent).toContain('deleted for good');
    fireEvent.click(within(panel).getByRole('button', { name: 'Back' }));
    expect(within(panel).queryByRole('alertdialog')).toBeNull();
    fireEvent.click(within(panel).getByRole('button', { name: 'Continue…' }));
    fireEvent.click(within(panel).getByRole('button', { name: 'Delete Bob and their data' }));
    await waitFor(() => expect(writes.map((w) => w.query)).toEqual(['data=delete']));
  });

  it('edits quotas: blank is unlimited (null), storage in MB, bad numbers refused before sending', async () => {
    const writes: { key: string; body: unknown; query: string }[] = [];
    renderPage(<Team />, { routes: teamRoutes(writes) });
    fireEvent.click(await screen.findByRole('button', { name: 'Quotas of Bob' }));
    const form = await screen.findByRole('form', { name: 'Quotas of Bob' });
    const field = (label: string) => within(form).getByLabelText(label) as HTMLInputElement;
    expect(field('Requests per minute').value).toBe('60');
    expect(field('Generated tokens per day').value).toBe('');
    expect(field('Generated tokens per day').placeholder).toBe('unlimited');
    expect(field('Storage (MB)').value).toBe('500');
    fireEvent.change(field('Requests per minute'), { target: { value: '-3' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save quotas' }));
    expect(within(form).getByRole('alert').textContent).toContain('Requests per minute');
    expect(writes).toEqual([]);
    fireEvent.change(field('Requests per minute'), { target: { value: '0' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save quotas' }));
    expect(within(form).getByRole('alert').textContent).toBe('Requests per minute: a whole number above 0, or blank for unlimited.');
    fireEvent.change(field('Requests per minute'), { target: { value: '2.5' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save quotas' }));
    expect(within(form).getByRole('alert')).toBeTruthy();
    expect(writes).toEqual([]);
    fireEvent.change(field('Requests per minute'), { target: { value: '' } });
    fireEvent.change(field('Generated tokens per day'), { target: { value: '20000' } });
    fireEvent.change(field('Storage (MB)'), { target: { value: '1.5' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save quotas' }));
    await within(form).findByText('Saved; applies now');
    expect(writes).toEqual([{ key: 'PUT quotas', body: { requests_per_minute: null, tokens_per_day: 20_000, concurrent_streams: 2, storage_bytes: 1_572_864 }, query: '' }]);
  });

  it('charts usage per member as bars, busiest first, and switches to tokens and to a per-day chart', async () => {
    const queries: URLSearchParams[] = [];
    const routes = teamRoutes([]);
    const report = routes['GET /v1/admin/usage']!;
    const { calls } = renderPage(<Team />, { routes: { ...routes, 'GET /v1/admin/usage': (request) => (queries.push(request.query), report(request)) } });
    const bars = await screen.findByRole('list', { name: 'Requests per member' });
    // The last 7 days, in unix seconds.
    const [from, to] = [Number(queries[0]!.get('from')), Number(queries[0]!.get('to'))];
    expect(to - from).toBe(7 * 86_400);
    expect(Math.abs(to - Date.now() / 1000)).toBeLessThan(60);
    expect(within(bars).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['Ada30', 'Bob12']);
    fireEvent.click(screen.getByRole('button', { name: 'Tokens' }));
    expect(within(screen.getByRole('list', { name: 'Tokens per member' })).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['Bob3,000', 'Ada1,000']);
    fireEvent.click(screen.getByRole('button', { name: 'Per day' }));
    await waitFor(() => expect(document.querySelector('[data-plot="uplot"]')).not.toBeNull());
    expect(calls.filter((c) => c === 'GET /v1/admin/usage').length).toBe(2);
  });

  it('lists the audit log', async () => {
    renderPage(<Team />, { routes: teamRoutes([]) });
    const table = await screen.findByRole('table', { name: 'Audit log' });
    await within(table).findByText('Disabled');
    // Targets by name (member ids resolved through the members list), details in words.
    await within(table).findByText('Dee');
    const rows = within(table).getAllByRole('row').slice(1).map((r) => within(r).getAllByRole('cell').slice(1).map((c) => c.textContent));
    expect(rows.map((r) => r.slice(0, 3))).toEqual([
      ['Ada', 'Changed quotas', 'Bob'],
      ['Ada', 'Disabled', 'Dee'],
      ['Ada', 'Invited', 'Eve'],
    ]);
    expect(rows[0]![3]).toBe('requests per minute: none → 30, storage bytes: none → 1.0 GB');
    expect(rows[1]![3]).toBe('sessions ended: 2, api keys revoked: 1');
    expect(rows[2]![3]).toMatch(/^as member, until /);
  });

  it('tells a member it is for admins and asks nothing of the admin API', async () => {
    const { calls } = renderPage(<Team />, { routes: { 'GET /auth/me': () => me('user_bob', 'member') } });
    expect(await screen.findByText('For admins only')).toBeTruthy();
    expect(calls.filter((c) => c.includes('/v1/admin/'))).toEqual([]);
  });
});

import { QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApi } from '../api/index.js';
import { createQueryClient } from '../api/query-client.js';
import { App } from '../App.js';
import { fakeFetch, type Handler } from '../test/fixtures.js';
import { invitationCode, Invite } from './Invite.js';
import { errorResponse } from './team/fixtures.js';

const IN_A_DAY = Math.floor(Date.now() / 1000) + 86_400;

function renderInvite(routes: Record<string, Handler>, onAccepted = vi.fn()) {
  const api = createApi({ fetch: fakeFetch(routes) });
  render(<QueryClientProvider client={createQueryClient()}><Invite api={api} code="abc" onAccepted={onAccepted} /></QueryClientProvider>);
  return onAccepted;
}

const fill = (label: string, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });

describe('invitation page', () => {
  afterEach(() => window.history.replaceState(null, '', '/'));

  it('reads the code from /invite/<code> only', () => {
    expect(invitationCode('/invite/abc_123')).toBe('abc_123');
    expect(invitationCode('/invite/abc/')).toBe('abc');
    expect(invitationCode('/')).toBeUndefined();
    expect(invitationCode('/invite/')).toBeUndefined();
    expect(invitationCode('/invite/a/b')).toBeUndefined();
  });

  it('shows role, expiry and the password rule up front; sends name and password; lands the person in', async () => {
    const sent: unknown[] = [];
    const onAccepted = renderInvite({
      'GET /auth/invitations/abc': () => ({ role: 'member', name: 'Eve', expires_at: IN_A_DAY }),
      'POST /auth/invitations/abc/accept': ({ body }) => (sent.push(body), { user: { id: 'user_eve', name: 'Eve', role: 'member' } }),
    });
    expect(await screen.findByRole('heading', { name: 'Welcome, Eve' })).toBeTruthy();
    expect(screen.getByText('Member')).toBeTruthy();
    expect(document.body.textContent).toContain('expires in 24 h');
    expect(screen.getByText(/At least 10 characters/)).toBeTruthy();
    expect((screen.getByLabelText('Your name') as HTMLInputElement).value).toBe('Eve');
    fill('Password', 'correct horse battery');
    fill('Confirm password', 'correct horse battery!');
    fireEvent.click(screen.getByRole('button', { name: 'Create my account' }));
    expect(screen.getByRole('alert').textContent).toBe('The two passwords are not the same.');
    expect(sent).toEqual([]);
    fill('Confirm password', 'correct horse battery');
    fireEvent.click(screen.getByRole('button', { name: 'Create my account' }));
    await waitFor(() => expect(onAccepted).toHaveBeenCalledOnce());
    expect(sent).toEqual([{ name: 'Eve', password: 'correct horse battery' }]);
  });

  it('shows the server’s password rule inline on a 400 and stays on the form', async () => {
    const onAccepted = renderInvite({
      'GET /auth/invitations/abc': () => ({ role: 'admin', name: null, expires_at: IN_A_DAY }),
      'POST /auth/invitations/abc/accept': () => errorResponse(400, 'The password must be at least 10 characters long.'),
    });
    expect(await screen.findByRole('heading', { name: 'Join this Jan Server' })).toBeTruthy();
    fill('Your name', 'Fay');
    fill('Password', 'short');
    fill('Confirm password', 'short');
    fireEvent.click(screen.getByRole('button', { name: 'Create my account' }));
    expect((await screen.findByRole('alert')).textContent).toBe('The password must be at least 10 characters long.');
    expect(screen.getByLabelText('Your name')).toBeTruthy();
    expect(onAccepted).not.toHaveBeenCalled();
  });

  it.each([410, 404])('a %i says the invitation was used or has expired, and what to do', async (status) => {
    renderInvite({ 'GET /auth/invitations/abc': () => errorResponse(status, 'This invitation was already used.') });
    expect(await screen.findByRole('heading', { name: 'This invitation can’t be used' })).toBeTruthy();
    expect(document.body.textContent).toContain('This invitation was used or has expired — ask your admin for a new link.');
    expect(screen.queryByLabelText('Password')).toBeNull();
  });

  it('a reset link sets the password of the named account, without asking for a name', async () => {
    const sent: unknown[] = [];
    const onAccepted = renderInvite({
      'GET /auth/invitations/abc': () => ({ purpose: 'reset', role: 'member', name: 'Bob', expires_at: IN_A_DAY }),
      'POST /auth/invitations/abc/accept': ({ body }) => (sent.push(body), { user: { id: 'user_bob', name: 'Bob', role: 'member' } }),
    });
    expect(await screen.findByRole('heading', { name: 'A new password for Bob' })).toBeTruthy();
    expect(screen.queryByLabelText('Your name')).toBeNull();
    fill('Password', 'a long enough passphrase');
    fill('Confirm password', 'a long enough passphrase');
    fireEvent.click(screen.getByRole('button', { name: 'Set my password' }));
    await waitFor(() => expect(onAccepted).toHaveBeenCalledOnce());
    expect(sent).toEqual([{ password: 'a long enough passphrase' }]);
  });

  it('a link used by someone else meanwhile ends on the same page', async () => {
    renderInvite({
      'GET /auth/invitations/abc': () => ({ role: 'member', name: null, expires_at: IN_A_DAY }),
      'POST /auth/invitations/abc/accept': () => errorResponse(410, 'gone'),
    });
    fill('Your name', await screen.findByLabelText('Your name').then(() => 'Gus'));
    fill('Password', 'a long enough passphrase');
    fill('Confirm password', 'a long enough passphrase');
    fireEvent.click(screen.getByRole('button', { name: 'Create my account' }));
    expect(await screen.findByRole('heading', { name: 'This invitation can’t be used' })).toBeTruthy();
  });

  it('the app at /invite/<code> shows the invitation without a session, then the member’s dashboard (no admin pages)', async () => {
    window.history.replaceState(null, '', '/invite/abc');
    let session = false;
    const unauthorized = () => errorResponse(401, 'Missing or invalid credentials.', 'authentication_error');
    const routes: Record<string, Handler> = {
      'GET /auth/invitations/abc': () => ({ role: 'member', name: null, expires_at: IN_A_DAY }),
      'POST /auth/invitations/abc/accept': () => ((session = true), { user: { id: 'user_gus', name: 'Gus', role: 'member' } }),
      'GET /auth/me': () => (session ? { id: 'user_gus', object: 'user', name: 'Gus', role: 'member', auth_method: 'session', created_at: 1 } : unauthorized()),
      'GET /v1/openapi.json': () => (session ? { paths: {} } : unauthorized()),
      'GET /v1/health': () => ({ status: 'ok', version: '9.9.9', uptime_seconds: 1, database: { status: 'ok', schema_version: 1, journal_mode: 'wal' } }),
    };
    render(<QueryClientProvider client={createQueryClient()}><App api={createApi({ fetch: fakeFetch(routes) })} /></QueryClientProvider>);
    fill('Your name', await screen.findByLabelText('Your name').then(() => 'Gus'));
    fill('Password', 'a long enough passphrase');
    fill('Confirm password', 'a long enough passphrase');
    fireEvent.click(screen.getByRole('button', { name: 'Create my account' }));
    const nav = await screen.findByRole('navigation', { name: 'Main' });
    expect(window.location.pathname).toBe('/');
    expect(nav.textContent).toContain('Chat');
    expect(nav.textContent).not.toContain('Team');
    expect(nav.textContent).not.toContain('SLA');
  });
});

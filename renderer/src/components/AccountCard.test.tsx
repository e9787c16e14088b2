import { fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { errorResponse, me } from '../pages/team/fixtures.js';
import { capabilities, type Handler } from '../test/fixtures.js';
import { renderPage } from '../test/render.js';
import { AccountCard } from './AccountCard.js';

const fill = (form: HTMLElement, label: string, value: string) => fireEvent.change(within(form).getByLabelText(label), { target: { value } });

function setup(change: Handler) {
  const result = renderPage(<AccountCard />, {
    routes: { 'GET /auth/me': () => me('user_bob', 'member'), 'POST /auth/password': change },
    capabilities: capabilities('POST /auth/password'),
  });
  return { ...result, form: screen.getByRole('form', { name: 'Change password' }) };
}

describe('AccountCard', () => {
  it('says who is logged in and changes the password with the current one', async () => {
    const sent: unknown[] = [];
    const { form } = setup(({ body }) => (sent.push(body), undefined));
    expect(await screen.findByText('Bob · Member')).toBeTruthy();
    // A member always has a password: the current one is required.
    expect((within(form).getByLabelText('Current password') as HTMLInputElement).required).toBe(true);
    fill(form, 'Current password', 'old passphrase here');
    fill(form, 'New password', 'new passphrase here');
    fill(form, 'Confirm new password', 'new passphrase here');
    fireEvent.click(within(form).getByRole('button', { name: 'Change password' }));
    expect((await within(form).findByRole('status')).textContent).toBe('Password changed.');
    expect(sent).toEqual([{ current_password: 'old passphrase here', new_password: 'new passphrase here' }]);
    expect((within(form).getByLabelText('New password') as HTMLInputElement).value).toBe('');
  });

  it('refuses two different new passwords before sending, and shows the server’s refusal', async () => {
    const sent: unknown[] = [];
    const { form } = setup(({ body }) => (sent.push(body), errorResponse(400, 'The current password is wrong.')));
    fill(form, 'Current password', 'wrong');
    fill(form, 'New password', 'new passphrase here');
    fill(form, 'Confirm new password', 'another one');
    fireEvent.click(within(form).getByRole('button', { name: 'Change password' }));
    expect(within(form).getByRole('alert').textContent).toBe('The two new passwords are not the same.');
    expect(sent).toEqual([]);
    fill(form, 'Confirm new password', 'new passphrase here');
    fireEvent.click(within(form).getByRole('button', { name: 'Change password' }));
    expect((await within(form).findByRole('alert')).textContent).toBe('The current password is wrong.');
  });

  it('lets the owner, who may have no password yet, set a first one (no current password sent)', async () => {
    const sent: unknown[] = [];
    renderPage(<AccountCard />, {
      routes: { 'GET /auth/me': () => me(), 'POST /auth/password': ({ body }) => (sent.push(body), { object: 'password.changed', sessions_ended: 0 }) },
      capabilities: capabilities('POST /auth/password'),
    });
    await screen.findByText('Ada · Owner');
    const form = screen.getByRole('form', { name: 'Change password' });
    expect((within(form).getByLabelText('Current password') as HTMLInputElement).required).toBe(false);
    fill(form, 'New password', 'first passphrase here');
    fill(form, 'Confirm new password', 'first passphrase here');
    fireEvent.click(within(form).getByRole('button', { name: 'Change password' }));
    await within(form).findByRole('status');
    expect(sent).toEqual([{ new_password: 'first passphrase here' }]);
  });

  it('has no password form on a server without passwords', () => {
    renderPage(<AccountCard />, { routes: { 'GET /auth/me': () => me() } });
    expect(screen.queryByRole('form', { name: 'Change password' })).toBeNull();
    expect(screen.getByText(/This server has no passwords/)).toBeTruthy();
  });
});

import { QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { createApi } from '../../api/index.js';
import { createQueryClient } from '../../api/query-client.js';
import { fakeFetch, type Handler } from '../../test/fixtures.js';
import { Login } from '../Login.js';
import { errorResponse } from './fixtures.js';

function renderLogin(login: Handler) {
  const onLogin = vi.fn();
  const api = createApi({ fetch: fakeFetch({ 'POST /auth/login': login }) });
  render(<QueryClientProvider client={createQueryClient()}><Login api={api} onLogin={onLogin} /></QueryClientProvider>);
  return onLogin;
}

const signIn = (name: string, password: string) => {
  fireEvent.change(screen.getByLabelText('Name'), { target: { value: name } });
  fireEvent.change(screen.getByLabelText('Password'), { target: { value: password } });
  fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
};

describe('login with name and password', () => {
  it('comes first on the login screen, the API key second; a good password logs in', async () => {
    const sent: unknown[] = [];
    const onLogin = renderLogin(({ body }) => (sent.push(body), { user: { id: 'u', name: 'Bob', role: 'member' } }));
    const form = screen.getByRole('form', { name: 'Log in with your name and password' });
    expect(form.compareDocumentPosition(screen.getByLabelText('Or use an API key')) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    signIn(' Bob ', 'secret passphrase');
    await waitFor(() => expect(onLogin).toHaveBeenCalledOnce());
    expect(sent).toEqual([{ name: 'Bob', password: 'secret passphrase' }]);
  });

  it('says a wrong password does not match, and shows the server’s wait on 429', async () => {
    let answer = errorResponse(401, 'Wrong name or password.', 'authentication_error');
    const onLogin = renderLogin(() => answer);
    signIn('Bob', 'nope');
    expect((await screen.findByRole('alert')).textContent).toBe('That name and password do not match an active account.');
    answer = errorResponse(429, 'Try again in 30 seconds.', 'rate_limit_error');
    signIn('Bob', 'nope again');
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('Too many attempts. Try again in 30 seconds.'));
    expect(onLogin).not.toHaveBeenCalled();
  });
});

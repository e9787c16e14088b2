/**
 * Shown when the browser has no session. The usual way in is the one-time link `npm start` prints (the server
 * turns `/?token=…` into an HttpOnly session cookie). An API key works too: it is sent once to
 * `POST /auth/sessions`, which answers with the same kind of cookie, and is kept nowhere in the page. Team
 * members log in with their name and password (team/PasswordLogin, `POST /auth/login`), shown first.
 */
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ApiError, type Api } from '../api/index.js';
import { LoginFrame } from '../components/LoginFrame.js';
import { PasswordLogin } from './team/PasswordLogin.js';

/** Where earlier versions kept a typed API key; removed at start so a key left there does not linger. */
const LEGACY_KEY = 'jan-api-key';

export function forgetLegacyApiKey(): void {
  sessionStorage.removeItem(LEGACY_KEY);
}

function loginError(error: Error): string {
  return error instanceof ApiError && error.status === 401 ? 'That API key was not accepted.' : `Could not log in: ${error.message}`;
}

export function Login({ api, onLogin }: { api: Api; onLogin: () => void }) {
  const [key, setKey] = useState('');
  const login = useMutation({
    // The key must not stay in the mutation cache once the login screen is gone.
    gcTime: 0,
    mutationFn: (apiKey: string) => api.login(apiKey),
    onSuccess: () => {
      setKey('');
      onLogin();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!key.trim() || login.isPending) return;
    login.mutate(key.trim());
  };
  return (
    <LoginFrame title="Log in to the dashboard">
      <PasswordLogin api={api} onLogin={onLogin} />
      <p className="team-login-or">
        Open the <code>Dashboard:</code> link that <code>npm start</code> printed in its terminal. It works once and logs this browser
        in; restart the server for a new one.
      </p>
      <form onSubmit={submit} className="row form-row">
        <label className="grow">
          Or use an API key
          <input type="password" value={key} onChange={(e) => setKey(e.target.value)} placeholder="sk_…" autoComplete="off" />
        </label>
        <button type="submit" className="primary" disabled={!key.trim() || login.isPending}>Log in</button>
      </form>
      {login.error && <div className="error-note" role="alert">{loginError(login.error)}</div>}
    </LoginFrame>
  );
}

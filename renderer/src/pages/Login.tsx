/**
 * Shown when the browser has no session. The usual way in is the one-time link `npm start` prints (it sets an
 * HttpOnly cookie); an API key also works and is kept in this tab's sessionStorage only.
 */
import { useState, type FormEvent } from 'react';

const KEY = 'jan-api-key';

export function storedApiKey(): string | undefined {
  return sessionStorage.getItem(KEY) ?? undefined;
}

export function forgetApiKey(): void {
  sessionStorage.removeItem(KEY);
}

export function Login({ onLogin, rejected }: { onLogin: () => void; rejected: boolean }) {
  const [key, setKey] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!key.trim()) return;
    sessionStorage.setItem(KEY, key.trim());
    onLogin();
  };
  return (
    <main className="login">
      <div className="card">
        <div className="brand">
          <div className="brand-mark" aria-hidden="true">J</div>
          <span>Jan Server</span>
        </div>
        <h1>Log in to the dashboard</h1>
        <p>
          Open the <code>Dashboard:</code> link that <code>npm start</code> printed in its terminal. It works once and logs this browser
          in; restart the server for a new one.
        </p>
        <form onSubmit={submit} className="row form-row">
          <label className="grow">
            Or use an API key
            <input type="password" value={key} onChange={(e) => setKey(e.target.value)} placeholder="sk_…" autoComplete="off" />
          </label>
          <button type="submit" className="primary" disabled={!key.trim()}>Log in</button>
        </form>
        {rejected && <div className="error-note" role="alert">That API key was not accepted.</div>}
      </div>
    </main>
  );
}

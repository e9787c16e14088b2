/** The centred card with the app's mark that the pages shown before a session (login, invitation) sit in. */
import type { ReactNode } from 'react';

export function LoginFrame({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main className="login">
      <div className="card">
        <div className="brand">
          <div className="brand-mark" aria-hidden="true">J</div>
          <span>Jan Server</span>
        </div>
        <h1>{title}</h1>
        {children}
      </div>
    </main>
  );
}

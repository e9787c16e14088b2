/**
 * Keeps one failing page from blanking the whole app. A page whose code cannot be loaded any more (the
 * dashboard was rebuilt while this tab was open, so its old chunk names are gone) reloads the app once.
 */
import { Component, type ReactNode } from 'react';

const RELOADED = 'jan-reloaded-for-update';

interface State {
  error: Error | undefined;
}

export function isStaleChunk(error: Error): boolean {
  return /dynamically imported module|Importing a module script failed|error loading dynamically imported/i.test(error.message);
}

export class PageBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { error: undefined };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(error: Error): void {
    // At most one automatic reload a minute, so a server that keeps failing cannot make the tab loop.
    const last = Number(sessionStorage.getItem(RELOADED) ?? 0);
    if (isStaleChunk(error) && Date.now() - last > 60_000) {
      sessionStorage.setItem(RELOADED, String(Date.now()));
      window.location.reload();
    }
  }

  override render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <div className="page">
        <div className="error-note" role="alert">
          {isStaleChunk(error) ? 'The dashboard was updated on the server.' : `This page failed: ${error.message}`}
        </div>
        <div><button type="button" onClick={() => window.location.reload()}>Reload</button></div>
      </div>
    );
  }
}

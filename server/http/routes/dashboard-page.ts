/** A minimal server-rendered page until the React dashboard is built and served in its place. */
export interface DashboardPageState {
  loggedIn: boolean;
  linkRejected: boolean;
  version: string;
}

export function dashboardPage(state: DashboardPageState): string {
  const status = state.linkRejected
    ? 'That login link was already used or has expired. Restart the server for a new one.'
    : state.loggedIn
      ? 'You are logged in as the owner.'
      : 'Open the <code>Dashboard:</code> link printed by <code>npm start</code> to log in.';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Jan Server</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#1f2937}
code{background:#f3f4f6;padding:.1rem .3rem;border-radius:.25rem}</style></head>
<body><h1>Jan Server <small>${state.version}</small></h1>
<p>${status}</p>
<p>API: <code>/v1</code> · <a href="/v1/health">health</a> · <a href="/v1/openapi.json">OpenAPI</a> · <a href="/metrics">metrics</a></p>
</body></html>`;
}

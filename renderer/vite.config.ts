/**
 * Builds the dashboard into renderer/dist. The server serves dist/index.html at `/` and dist/assets/* from the
 * manifest Vite writes (dist/.vite/manifest.json), so only files listed there can be requested.
 * `npx vite renderer` runs a dev server that proxies the API to a server on :1337 (JAN_CORS_ORIGINS not needed).
 */
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const api = { target: 'http://127.0.0.1:1337', changeOrigin: false };

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    manifest: true,
    target: 'es2022',
    // Heavy pages are split with React.lazy; this keeps the warning meaningful for the first page.
    chunkSizeWarningLimit: 400,
  },
  server: { proxy: { '/v1': api, '/auth': api, '/media': api, '/metrics': api } },
});

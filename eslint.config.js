// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

/**
 * The server's folders: shared floors at the bottom, product domains above them, HTTP on top (DESIGN.md,
 * "layers only point downward"). A domain is reached from outside only through its index.ts.
 */
const domains = ['analysis', 'anthropic', 'auth', 'cache', 'cluster', 'conversations', 'engines', 'health', 'hub', 'inference', 'kpi', 'lan', 'lifecycle', 'limits', 'media', 'models', 'ollama', 'settings', 'team', 'usage'];
const floors = ['api', 'config', 'errors', 'log', 'metrics', 'net', 'ocr', 'runtime', 'store', 'threads'];
const deepDomainImports = domains.flatMap((d) => [`**/${d}/*`, `!**/${d}/index.js`]);
const httpAndKoa = ['koa', '@koa/*', 'koa-*', 'node:http', 'http', 'node:https', 'https', '@tus/*', 'busboy', 'raw-body'];
const above = (...folders) => folders.map((f) => `**/${f}/**`);

/** Import patterns a folder must not use. The last block that matches a file wins, so each block is whole. */
const layerRules = [
  {
    files: ['server/http/**/*.ts'],
    message: 'Routes and middleware reach data through a domain\'s index.ts, never the store, the runtime, OCR or a domain\'s inner files.',
    patterns: [...above('store', 'runtime', 'ocr', 'net'), ...deepDomainImports, 'better-sqlite3', 'node-llama-cpp'],
  },
  ...domains.map((d) => ({
    files: [`server/${d}/**/*.ts`],
    message: 'Domains take plain values and streams: no Koa, node:http or HTTP layer; other domains only through their index.ts; node-llama-cpp only in runtime/.',
    patterns: [...above('http'), ...httpAndKoa, ...deepDomainImports.filter((p) => !p.includes(`/${d}/`)), 'node-llama-cpp'],
  })),
  {
    files: ['server/store/**/*.ts'],
    message: 'The store is the bottom layer.',
    patterns: [...above('http', 'runtime', 'ocr', 'net', ...domains), ...httpAndKoa, 'node-llama-cpp'],
  },
  {
    files: ['server/runtime/**/*.ts'],
    message: 'The runtime knows llama.cpp, not the API, the store or the domains.',
    patterns: [...above('http', 'store', 'ocr', 'net', ...domains), ...httpAndKoa],
  },
  {
    files: ['server/ocr/**/*.ts'],
    message: 'OCR is a floor beside the store.',
    patterns: [...above('http', 'store', 'runtime', 'net', ...domains), ...httpAndKoa, 'node-llama-cpp'],
  },
  {
    files: ['server/net/**/*.ts'],
    message: 'The outbound fetcher is a floor: it knows sockets and addresses (node:http/https as a client), not the API, the store or the domains.',
    patterns: [...above('http', 'store', 'runtime', 'ocr', ...domains), 'koa', '@koa/*', 'koa-*', 'node-llama-cpp'],
  },
  {
    files: ['server/metrics/**/*.ts', 'server/config/**/*.ts', 'server/log/**/*.ts', 'server/errors/**/*.ts', 'server/threads/**/*.ts'],
    message: 'Metrics, config, logging, errors and worker-thread start-up are floors every layer may use; they use none above them.',
    patterns: [...above('http', 'store', 'runtime', 'ocr', 'net', ...domains), ...httpAndKoa, 'node-llama-cpp', 'better-sqlite3'],
  },
  {
    files: ['server/api/**/*.ts'],
    message: 'api/ holds zod schemas and API shapes only.',
    patterns: [...above(...floors.filter((f) => f !== 'api'), 'http', ...domains), ...httpAndKoa, 'node-llama-cpp'],
  },
  {
    files: ['electron/**/*.ts', 'electron/**/*.cts'],
    message: 'The desktop shell stays thin: it reaches the server through startServer, its config and api/ types (and over HTTP), never its internals.',
    patterns: ['**/server/*/**', '!**/server/config/**', '!**/server/api/**', 'better-sqlite3', 'node-llama-cpp', 'koa', '@koa/*'],
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'renderer/dist/**', 'node_modules/**', 'coverage/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', fetch: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // node-llama-cpp is loaded only by the runtime layer (each layer block below repeats it, since the
    // last block that sets a rule for a file wins).
    files: ['server/**/*.ts'],
    ignores: ['server/runtime/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [{ name: 'node-llama-cpp', message: 'Only server/runtime/ may import node-llama-cpp.' }] }] },
  },
  ...layerRules.map(({ files, message, patterns }) => ({
    files,
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }] },
  })),
  {
    // process.env is read in one place.
    files: ['server/**/*.ts'],
    ignores: ['server/config/**'],
    rules: { 'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration through server/config/.' }] },
  },
  {
    // The store is asynchronous (SQLite or PostgreSQL): a Promise used as a value (`if (store.x.get(id))` is always
    // true), left floating (an error becomes an unhandled rejection) or handed to a callback that ignores it is a
    // bug the compiler does not catch. These rules need type information, so only the server and the shell pay it.
    files: ['server/**/*.ts', 'electron/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    // The dashboard: the Rules of Hooks and the React Compiler's checks (purity, refs, effects).
    files: ['renderer/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat.recommended,
  },
);

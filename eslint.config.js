// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Import patterns a layer must not use; see DESIGN.md ("layers only point downward"). */
const layerRules = [
  {
    files: ['server/http/**/*.ts'],
    message: 'Routes and middleware reach data through services, never the store, the runtime, OCR or media storage directly.',
    patterns: ['**/store/**', '**/runtime/**', '**/ocr/**', '**/media/**', 'better-sqlite3', 'node-llama-cpp'],
  },
  {
    files: ['server/services/**/*.ts'],
    message: 'Services never depend on Koa or the HTTP layer.',
    patterns: ['koa', '@koa/*', 'koa-*', '**/http/**', 'node-llama-cpp'],
  },
  {
    files: ['server/store/**/*.ts'],
    message: 'The store is the bottom layer.',
    patterns: ['**/services/**', '**/http/**', '**/runtime/**', 'koa', '@koa/*', 'node-llama-cpp'],
  },
  {
    files: ['server/media/**/*.ts', 'server/ocr/**/*.ts'],
    message: 'Media storage and OCR are bottom layers beside the store.',
    patterns: ['**/services/**', '**/http/**', '**/runtime/**', '**/store/**', 'koa', '@koa/*', 'node-llama-cpp'],
  },
  {
    files: ['server/api/**/*.ts'],
    message: 'api/ holds zod schemas only.',
    patterns: ['**/services/**', '**/http/**', '**/store/**', '**/runtime/**', 'koa', '@koa/*', 'node-llama-cpp'],
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
);

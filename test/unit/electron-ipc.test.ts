/**
 * The preload's four functions end to end without Electron: the preload script itself (transpiled the way
 * tsc compiles it, run with a `require` that, like a sandboxed preload's, knows only `electron`) and the main
 * process's handlers (electron/ipc.ts) with their sender and argument checks.
 */
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { isAllowedExternalUrl, registerIpc } from '../../electron/ipc.js';
import { CHANNELS, type DesktopApi } from '../../electron/ipc-contract.js';

const origin = 'http://127.0.0.1:1337';
const folders = { data: '/u/data', models: '/u/models', logs: '/u/logs' };

/** Runs electron/preload.cts as Electron would: CommonJS, `require('electron')` only. */
function loadPreload() {
  const source = readFileSync(new URL('../../electron/preload.cts', import.meta.url), 'utf8');
  const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } });
  const exposed = new Map<string, unknown>();
  const invoke = vi.fn(async (..._args: unknown[]) => 'answer');
  const electron = { contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) }, ipcRenderer: { invoke } };
  const sandboxRequire = (id: string) => {
    if (id !== 'electron') throw new Error(`a sandboxed preload cannot require '${id}'`);
    return electron;
  };
  new Function('require', 'module', 'exports', outputText)(sandboxRequire, { exports: {} }, {});
  return { exposed, invoke };
}

describe('preload', () => {
  it('exposes exactly four named functions as window.janDesktop, nothing else', () => {
    const { exposed } = loadPreload();
    expect([...exposed.keys()]).toEqual(['janDesktop']);
    const api = exposed.get('janDesktop') as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual(['appVersion', 'openExternal', 'pickModelFile', 'revealFolder']);
    expect(Object.values(api).every((value) => typeof value === 'function')).toBe(true);
  });

  it('each function invokes its channel (the same names the main process handles) with its arguments', async () => {
    const { exposed, invoke } = loadPreload();
    const api = exposed.get('janDesktop') as DesktopApi;
    await api.pickModelFile();
    await api.revealFolder('models');
    await expect(api.appVersion()).resolves.toBe('answer');
    await api.openExternal('https://jan.ai/');
    expect(invoke.mock.calls).toEqual([
      [CHANNELS.pickModelFile],
      [CHANNELS.revealFolder, 'models'],
      [CHANNELS.appVersion],
      [CHANNELS.openExternal, 'https://jan.ai/'],
    ]);
  });
});

describe('IPC handlers', () => {
  let handlers: Map<string, (event: unknown, ...args: unknown[]) => Promise<unknown>>;
  const deps = {
    appVersion: vi.fn(() => '1.2.3'),
    pickModelFile: vi.fn(async () => '/home/me/model.gguf'),
    openPath: vi.fn(async (_path: string) => ''),
    openExternal: vi.fn(async (_url: string) => undefined),
  };
  const fromDashboard = { senderFrame: { url: `${origin}/models`, parent: null } };

  beforeEach(() => {
    vi.clearAllMocks();
    handlers = new Map();
    const ipcMain = { handle: (channel: string, handler: (event: unknown, ...args: unknown[]) => Promise<unknown>) => handlers.set(channel, handler) };
    registerIpc({ ipcMain: ipcMain as never, origin, folders, ...deps });
  });

  const call = (channel: string, event: unknown, ...args: unknown[]) => handlers.get(channel)!(event, ...args);

  it('registers one handler per channel of the contract', () => {
    expect([...handlers.keys()].sort()).toEqual(Object.values(CHANNELS).sort());
  });

  it('answers the dashboard', async () => {
    await expect(call(CHANNELS.appVersion, fromDashboard)).resolves.toBe('1.2.3');
    await expect(call(CHANNELS.pickModelFile, fromDashboard)).resolves.toBe('/home/me/model.gguf');
    await expect(call(CHANNELS.revealFolder, fromDashboard, 'logs')).resolves.toBeUndefined();
    expect(deps.openPath).toHaveBeenCalledWith('/u/logs');
    await expect(call(CHANNELS.openExternal, fromDashboard, 'https://huggingface.co/models')).resolves.toBe(true);
    expect(deps.openExternal).toHaveBeenCalledWith('https://huggingface.co/models');
  });

  it.each([
    ['another origin', { senderFrame: { url: 'https://evil.example/', parent: null } }],
    ['another port', { senderFrame: { url: 'http://127.0.0.1:1338/', parent: null } }],
    ['a subframe of the dashboard', { senderFrame: { url: `${origin}/`, parent: {} } }],
    ['a destroyed frame', { senderFrame: null }],
    ['a frame with no URL', { senderFrame: { url: '', parent: null } }],
  ])('refuses %s and does nothing', async (_name, event) => {
    for (const channel of Object.values(CHANNELS)) {
      await expect(call(channel, event, 'data')).rejects.toThrow(/refused, the sender is not the dashboard/);
    }
    expect(deps.pickModelFile).not.toHaveBeenCalled();
    expect(deps.openPath).not.toHaveBeenCalled();
    expect(deps.appVersion).not.toHaveBeenCalled();
  });

  it.each([
    [CHANNELS.revealFolder, ['/etc']],
    [CHANNELS.revealFolder, ['../data']],
    [CHANNELS.revealFolder, []],
    [CHANNELS.revealFolder, ['data', 'extra']],
    [CHANNELS.revealFolder, [{ toString: () => 'data' }]],
    [CHANNELS.openExternal, [42]],
    [CHANNELS.openExternal, ['https://jan.ai/'.padEnd(3000, 'x')]],
    [CHANNELS.appVersion, ['unexpected']],
    [CHANNELS.pickModelFile, [{ defaultPath: '/' }]],
  ])('rejects %s with arguments %j', async (channel, args) => {
    await expect(call(channel, fromDashboard, ...args)).rejects.toThrow(`${channel}: invalid arguments.`);
    expect(deps.openPath).not.toHaveBeenCalled();
    expect(deps.pickModelFile).not.toHaveBeenCalled();
  });

  it('opens only https links on the allowed sites', async () => {
    for (const url of ['http://jan.ai/', 'https://evil.example/', 'https://jan.ai.evil.example/', 'https://user:pw@github.com/', 'file:///etc/passwd', 'javascript:alert(1)']) {
      await expect(call(CHANNELS.openExternal, fromDashboard, url)).resolves.toBe(false);
    }
    expect(deps.openExternal).not.toHaveBeenCalled();
    expect(isAllowedExternalUrl('https://github.com/janhq/jan/issues')).toBe(true);
  });
});

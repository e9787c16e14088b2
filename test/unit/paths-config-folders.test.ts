/** loadConfig's folder settings (JAN_DATA_DIR, JAN_MODELS_DIR, JAN_BACKUP_DIR, JAN_MEDIA_DIR) in both path flavours. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config/load-config.js';
import { configSchema, type PlatformDefaults } from '../../server/config/schema.js';

const folders = (env: Record<string, string>, platform: PlatformDefaults) => {
  const { dataDir, modelsDir, backupDir } = loadConfig({ argv: [], env, platform });
  return { dataDir, modelsDir, backupDir };
};

describe('folder settings', () => {
  it('are exactly the keys whose env name ends in _DIR', () => {
    expect(Object.entries(configSchema).filter(([, spec]) => spec.env.endsWith('_DIR')).map(([name]) => name).sort())
      .toEqual(['backupDir', 'dataDir', 'mediaDir', 'modelsDir']);
  });
});

describe('folder settings with path.win32', () => {
  // What env-paths gives on Windows: %LOCALAPPDATA%\jan-server\Data.
  const platform = { dataDir: 'C:\\Users\\ana\\AppData\\Local\\jan-server\\Data', cwd: 'C:\\work\\jan app', path: path.win32 };

  it('defaults: the OS data folder, and models\\ in the working directory with one kind of separator', () => {
    expect(folders({}, platform)).toEqual({
      dataDir: 'C:\\Users\\ana\\AppData\\Local\\jan-server\\Data', modelsDir: 'C:\\work\\jan app\\models', backupDir: '',
    });
  });

  it('resolves relative and forward-slash values against the working directory', () => {
    expect(folders({ JAN_DATA_DIR: 'data', JAN_MODELS_DIR: '..\\models', JAN_BACKUP_DIR: 'D:/backups/jan/' }, platform)).toEqual({
      dataDir: 'C:\\work\\jan app\\data', modelsDir: 'C:\\work\\models', backupDir: 'D:\\backups\\jan',
    });
  });

  it('keeps UNC shares', () => {
    expect(folders({ JAN_MODELS_DIR: '\\\\nas\\share\\models' }, platform).modelsDir).toBe('\\\\nas\\share\\models');
    // A media folder replicas share is typically one.
    expect(loadConfig({ argv: [], env: { JAN_MEDIA_DIR: '\\\\nas\\share\\media\\' }, platform }).mediaDir).toBe('\\\\nas\\share\\media');
  });
});

describe('folder settings with path.posix', () => {
  const platform = { dataDir: '/home/ana/.local/share/jan-server', cwd: '/work/jan app', path: path.posix };

  it('defaults: the OS data folder, and models/ in the working directory', () => {
    expect(folders({}, platform)).toEqual({ dataDir: '/home/ana/.local/share/jan-server', modelsDir: '/work/jan app/models', backupDir: '' });
  });

  it('resolves relative values and drops trailing slashes; backslashes are file name characters', () => {
    expect(folders({ JAN_DATA_DIR: './data/', JAN_MODELS_DIR: '../models', JAN_BACKUP_DIR: '/srv/backups//jan/' }, platform)).toEqual({
      dataDir: '/work/jan app/data', modelsDir: '/work/models', backupDir: '/srv/backups/jan',
    });
    expect(folders({ JAN_MODELS_DIR: 'a\\b' }, platform).modelsDir).toBe('/work/jan app/a\\b');
    expect(loadConfig({ argv: [], env: { JAN_MEDIA_DIR: 'shared/media/' }, platform }).mediaDir).toBe('/work/jan app/shared/media');
  });

  it('flags win and are resolved the same way', () => {
    expect(loadConfig({ argv: ['--models-dir', 'm'], env: { JAN_MODELS_DIR: '/x' }, platform }).modelsDir).toBe('/work/jan app/m');
  });
});

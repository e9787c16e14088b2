/**
 * FileLock (server/store/file-lock.ts) against real processes: another process cannot take a held lock, in
 * either direction; the OS gives it back when the holder is killed with SIGKILL; a second take in the same
 * process is refused too; a lock file something wrote over is taken anyway; no journal file appears beside it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { FileLock } from '../../server/store/file-lock.js';

const moduleFile = fileURLToPath(new URL('../../server/store/file-lock.ts', import.meta.url));

/** A child process that tries to take the lock, prints `held` or `busy`, and then stays alive until killed. */
function childTaking(path: string): { child: ChildProcess; answer: Promise<string> } {
  const script = `const { FileLock } = await import(${JSON.stringify(moduleFile)});
    const lock = FileLock.tryTake(${JSON.stringify(path)});
    console.log(lock ? 'held' : 'busy');
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const answer = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`child exited (${code}) without an answer`)));
  });
  return { child, answer };
}

async function kill(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

describe('FileLock', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jan-file-lock-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('another process cannot take a held lock; after SIGKILL of the holder it can', async () => {
    const path = join(dir, 'a.lock');
    const holder = childTaking(path);
    expect(await holder.answer).toBe('held');
    expect(FileLock.tryTake(path)).toBeUndefined();
    await kill(holder.child);
    const lock = FileLock.tryTake(path);
    expect(lock?.held).toBe(true);

    const other = childTaking(path);
    expect(await other.answer).toBe('busy');
    await kill(other.child);
    lock!.release();
    expect(lock!.held).toBe(false);
    expect(readdirSync(dir)).toEqual(['a.lock']); // no -journal beside it, and the file stays after release
  }, 30_000);

  it('a second take in the same process is refused until the first is released', () => {
    const path = join(dir, 'b.lock');
    const first = FileLock.tryTake(path)!;
    expect(FileLock.tryTake(path)).toBeUndefined();
    first.release();
    first.release(); // idempotent
    const second = FileLock.tryTake(path);
    expect(second?.held).toBe(true);
    second!.release();
  });

  it('a lock file something wrote over is taken anyway (it holds nothing)', () => {
    const path = join(dir, 'c.lock');
    writeFileSync(path, 'not a database at all '.repeat(20));
    const lock = FileLock.tryTake(path);
    expect(lock?.held).toBe(true);
    expect(FileLock.tryTake(path)).toBeUndefined();
    lock!.release();
    expect(existsSync(path)).toBe(true);
  });
});

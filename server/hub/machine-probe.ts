/**
 * What this machine has free now: RAM (the OS's available memory, `os.freemem()`, which on Linux is
 * MemAvailable) and disk (statfs of the models folder, bytes available to this user). An object so tests
 * can replace it: a full disk or a small machine is simulated, never provoked.
 */
import { statfs } from 'node:fs/promises';
import { freemem } from 'node:os';
import { dirname } from 'node:path';

export interface MachineProbe {
  freeRamBytes(): number;
  /** Free bytes on the disk holding `dir` (its parent when it does not exist yet). */
  freeDiskBytes(dir: string): Promise<number>;
}

export const systemMachineProbe = (): MachineProbe => ({
  freeRamBytes: () => freemem(),
  async freeDiskBytes(dir: string) {
    const stats = await statfs(dir).catch(() => statfs(dirname(dir)));
    return stats.bavail * stats.bsize;
  },
});

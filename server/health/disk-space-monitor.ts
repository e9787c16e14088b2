/**
 * Whether the data folder's disk is full, for `/v1/health` (degraded reason `disk_full`). It turns full the
 * moment a write fails for lack of space (`reportFull`, called where such errors become answers) and clears
 * itself once a probe finds room again: `statfs` of the data folder's file system, free bytes above a margin.
 *
 * Probes run only while full and at most once per `probeIntervalMs`, started by a health read (so a full
 * disk nobody looks at costs nothing, and requests never wait on one). A failure reported while a probe is
 * under way wins over that probe's answer.
 *
 * Lifecycle: no timers or handles; nothing to close.
 */
import { statfs } from 'node:fs/promises';

export interface DiskSpaceOptions {
  /** A folder on the file system to watch (the data folder). */
  dir: string;
  /** Free bytes (available to this user) the disk needs before it counts as usable again. Default 32 MiB. */
  minFreeBytes?: number;
  /** Least time between two probes, in ms; also the wait after a failure before the first. Default 3000. */
  probeIntervalMs?: number;
  now?: () => number;
}

export const DISK_FULL_REASON = 'disk_full';

export class DiskSpaceMonitor {
  private full = false;
  /** Failures reported so far: a probe clears `full` only if none came in while it ran. */
  private failures = 0;
  /** When the latest failure was reported or the latest probe started (ms). */
  private lastProbeAt = 0;
  private probing = false;
  private readonly now: () => number;

  constructor(private readonly options: DiskSpaceOptions) {
    this.now = options.now ?? Date.now;
  }

  /** A write failed for lack of space (SQLITE_FULL, ENOSPC, EDQUOT). */
  reportFull(): void {
    this.full = true;
    this.failures++;
    this.lastProbeAt = this.now();
  }

  /** `['disk_full']` while the disk is full (and starts a probe when one is due), else none. */
  degradedReasons(): string[] {
    if (!this.full) return [];
    this.probeIfDue();
    return [DISK_FULL_REASON];
  }

  /** Checks the free space now; resolves whether the disk still counts as full. */
  async probe(): Promise<boolean> {
    const failures = this.failures;
    this.lastProbeAt = this.now();
    const stats = await statfs(this.options.dir).catch(() => undefined);
    const free = stats ? stats.bavail * stats.bsize : 0;
    if (free > (this.options.minFreeBytes ?? 32 * 1024 * 1024) && this.failures === failures) this.full = false;
    return this.full;
  }

  private probeIfDue(): void {
    if (this.probing || this.now() - this.lastProbeAt < (this.options.probeIntervalMs ?? 3000)) return;
    this.probing = true;
    void this.probe().finally(() => (this.probing = false));
  }
}

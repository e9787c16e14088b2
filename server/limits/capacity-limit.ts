/**
 * A counted resource with a soft and a hard limit (open connections, open streams, requests in flight).
 * `enter()` says whether the newcomer fits; the caller that entered must `leave()` exactly once.
 */
export type Admission = 'ok' | 'over_soft' | 'refused';

export class CapacityLimit {
  private count = 0;

  constructor(
    public soft: number,
    public hard: number,
  ) {}

  /** New limits from Settings; those already in keep their place, newcomers meet the new figures. */
  setLimits(soft: number, hard: number): void {
    this.soft = soft;
    this.hard = hard;
  }

  get current(): number {
    return this.count;
  }

  get overSoft(): boolean {
    return this.count > this.soft;
  }

  /** Admits when below the hard limit; `over_soft` when the newcomer takes it past the soft limit. */
  tryEnter(): Admission {
    if (this.count >= this.hard) return 'refused';
    this.count++;
    return this.count > this.soft ? 'over_soft' : 'ok';
  }

  /** Counts the newcomer whatever the limits (an accepted TCP connection is open whether we like it or not). */
  enter(): Admission {
    this.count++;
    if (this.count > this.hard) return 'refused';
    return this.count > this.soft ? 'over_soft' : 'ok';
  }

  leave(): void {
    if (this.count > 0) this.count--;
  }
}

import { RunningDigest } from './digest.ts';

/**
 * The record of one run: every event feeds a digest (two runs of one seed must agree on
 * it), the last `keep` lines are kept for failure messages, and all lines when `full`.
 */
export class Trace {
  private readonly digest = new RunningDigest();
  private readonly recent: string[] = [];
  private readonly keep: number;
  readonly full: string[] | undefined;
  events = 0;
  now = '0.0';

  constructor(keep: number, full: boolean) {
    this.keep = keep;
    this.full = full ? [] : undefined;
  }

  add(line: string): void {
    const stamped = `${this.now} ${line}`;
    this.digest.add(stamped);
    this.events++;
    this.recent.push(stamped);
    if (this.recent.length > this.keep * 2) this.recent.splice(0, this.recent.length - this.keep);
    this.full?.push(stamped);
  }

  /** The last lines recorded, oldest first. */
  tail(): string[] {
    return this.recent.slice(-this.keep);
  }

  value(): string {
    return this.digest.value();
  }
}

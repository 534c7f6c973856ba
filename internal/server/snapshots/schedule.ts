/**
 * Running a task on a cron schedule (five fields, or six with seconds first), on an
 * injected clock. Each next run is computed from the clock after the previous one
 * finished, so a slow run delays the next instead of piling runs up.
 */
import { CronExpressionParser } from 'cron-parser';
import { sleep, type Clock } from '../../client/clock.ts';

/** Longest single timer: node timers overflow past 2^31 ms, and a wall clock that jumps is noticed within this. */
const maxWaitMs = 60 * 60_000;

/** Undefined when `expression` is a usable cron schedule or empty (off); else what is wanted (a flag check). */
export function cronProblem(expression: string): string | undefined {
  if (expression.trim() === '') return undefined;
  try {
    CronExpressionParser.parse(expression);
    return undefined;
  } catch (error) {
    return `want a cron schedule such as "0 */12 * * *" (${(error as Error).message})`;
  }
}

/** Milliseconds since the epoch of the first run of `expression` strictly after `afterMs`; `timeZone` default the system's. */
export function nextRunAt(expression: string, afterMs: number, timeZone?: string): number {
  const options = timeZone === undefined ? { currentDate: new Date(afterMs) } : { currentDate: new Date(afterMs), tz: timeZone };
  return CronExpressionParser.parse(expression, options).next().getTime();
}

export interface ScheduleOptions {
  /** A cron expression; must not be empty (parses as "every second"). */
  expression: string;
  clock: Clock;
  signal: AbortSignal;
  timeZone?: string;
  /** Called with each run's failure; the schedule goes on. */
  onError: (error: unknown) => void;
}

/** Runs `task` at every time of the schedule until `signal` aborts; resolves then. A failed run is reported, not fatal. */
export async function runOnSchedule(task: () => Promise<void>, options: ScheduleOptions): Promise<void> {
  const { expression, clock, signal, timeZone } = options;
  if (expression.trim() === '') throw new Error('Cannot run on an empty cron schedule');
  while (!signal.aborted) {
    const due = nextRunAt(expression, clock.now(), timeZone);
    while (clock.now() < due) {
      if (!(await sleep(clock, Math.min(due - clock.now(), maxWaitMs), signal))) return;
    }
    try {
      await task();
    } catch (error) {
      options.onError(error);
    }
  }
}

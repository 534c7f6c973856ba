import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../client/fake-clock.ts';
import { cronProblem, nextRunAt, runOnSchedule } from './schedule.ts';

const utc = (text: string): number => Date.parse(text);
/** Lets the schedule loop run the continuations a fired timer queued. */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('snapshot schedule', () => {
  it('the default schedule runs at 00:00 and 12:00, strictly after the given time', () => {
    assert.equal(nextRunAt('0 */12 * * *', utc('2024-01-01T05:00:00Z'), 'UTC'), utc('2024-01-01T12:00:00Z'));
    assert.equal(nextRunAt('0 */12 * * *', utc('2024-01-01T12:00:00Z'), 'UTC'), utc('2024-01-02T00:00:00Z'));
    assert.equal(nextRunAt('*/2 * * * * *', utc('2024-01-01T05:00:00.500Z'), 'UTC'), utc('2024-01-01T05:00:02Z'));
  });

  it('accepts cron schedules and the empty one, and says what it wants otherwise', () => {
    assert.equal(cronProblem('0 */12 * * *'), undefined);
    assert.equal(cronProblem('@daily'), undefined);
    assert.equal(cronProblem(''), undefined);
    assert.match(cronProblem('61 * * * *') ?? '', /want a cron schedule such as "0 \*\/12 \* \* \*".*61/);
    assert.match(cronProblem('every day') ?? '', /want a cron schedule/);
  });

  it('runs the task at each scheduled time on the clock it is given, and stops when aborted', async () => {
    const clock = new FakeClock(utc('2024-01-01T05:00:00Z'));
    const runs: string[] = [];
    const controller = new AbortController();
    const loop = runOnSchedule(async () => void runs.push(new Date(clock.now()).toISOString()), {
      expression: '0 */12 * * *', clock, signal: controller.signal, timeZone: 'UTC', onError: (error) => assert.fail(String(error)),
    });
    await settle();
    clock.advance(7 * 3_600_000 - 1);
    await settle();
    assert.deepEqual(runs, []);
    clock.advance(1);
    await settle();
    clock.advance(12 * 3_600_000);
    await settle();
    assert.deepEqual(runs, ['2024-01-01T12:00:00.000Z', '2024-01-02T00:00:00.000Z']);
    controller.abort();
    await loop;
    assert.equal(clock.pendingTimers(), 0);
  });

  it('a failed run is reported and the next run still happens', async () => {
    const clock = new FakeClock(utc('2024-01-01T00:00:30Z'));
    const errors: unknown[] = [];
    let calls = 0;
    const controller = new AbortController();
    const loop = runOnSchedule(async () => {
      calls += 1;
      if (calls === 1) throw new Error('disk full');
    }, { expression: '* * * * *', clock, signal: controller.signal, timeZone: 'UTC', onError: (error) => errors.push(error) });
    for (let minute = 0; minute < 3; minute++) {
      await settle();
      clock.advance(60_000);
    }
    await settle();
    assert.equal(calls, 3);
    assert.deepEqual(errors.map((e) => (e as Error).message), ['disk full']);
    controller.abort();
    await loop;
  });

  it('waits for a far-off run in timers of at most an hour, which cannot overflow, and still runs it on time', async () => {
    const requested: number[] = [];
    const clock = new (class extends FakeClock {
      override setTimeout(callback: () => void, ms: number) {
        requested.push(ms);
        return super.setTimeout(callback, ms);
      }
    })(utc('2024-12-01T00:00:00Z'));
    const runs: number[] = [];
    const controller = new AbortController();
    const loop = runOnSchedule(async () => void runs.push(clock.now()), { expression: '@yearly', clock, signal: controller.signal, timeZone: 'UTC', onError: (error) => assert.fail(String(error)) });
    while (runs.length === 0 && clock.now() < utc('2025-01-02T00:00:00Z')) {
      await settle();
      clock.advance(3_600_000);
    }
    assert.deepEqual(runs, [utc('2025-01-01T00:00:00Z')]);
    assert.ok(Math.max(...requested) <= 3_600_000, `longest timer ${Math.max(...requested)} ms`);
    controller.abort();
    await loop;
  });
});

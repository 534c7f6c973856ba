import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Backoff } from './backoff.ts';
import { sleep } from './clock.ts';
import { FakeClock } from './fake-clock.ts';
import { TokenBucket } from './token-bucket.ts';

describe('Backoff', () => {
  it('doubles from 800 ms to the 30 s cap without jitter, and reset starts over', () => {
    const backoff = new Backoff({ jitter: 0 });
    const delays = Array.from({ length: 8 }, () => backoff.next());
    assert.deepEqual(delays, [800, 1600, 3200, 6400, 12800, 25600, 30000, 30000]);
    for (let i = 0; i < 5000; i++) backoff.next();
    assert.equal(backoff.next(), 30000, 'never overflows past the cap');
    backoff.reset();
    assert.equal(backoff.next(), 800);
  });

  it('adds jitter within its share and never past the cap', () => {
    const high = new Backoff({ jitter: 0.5, random: () => 0.999 });
    assert.equal(high.next(), Math.round(800 * 1.4995));
    for (let i = 0; i < 10; i++) assert.ok(high.next() <= 30000);
    const low = new Backoff({ jitter: 0.5, random: () => 0 });
    assert.equal(low.next(), 800);
  });

  it('refuses an initial delay above the cap', () => {
    assert.throws(() => new Backoff({ initialMs: 10, maxMs: 5 }), /need 0 < initial <= max/);
  });
});

describe('TokenBucket', () => {
  it('allows a burst at once, then one token per 1/qps seconds', () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket(10, 3, clock);
    assert.deepEqual([bucket.reserve(), bucket.reserve(), bucket.reserve()], [0, 0, 0]);
    assert.equal(bucket.reserve(), 100);
    assert.equal(bucket.reserve(), 200, 'each reservation in debt waits one more interval');
    clock.advance(1000);
    assert.equal(bucket.reserve(), 0);
  });

  it('gives its token back when the wait is aborted', async () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket(1, 1, clock);
    assert.equal(await bucket.take(), true);
    const abort = new AbortController();
    const taking = bucket.take(abort.signal);
    abort.abort();
    assert.equal(await taking, false);
    assert.equal(bucket.reserve(), 1000, 'only the one outstanding debt remains');
  });

  it('does not limit with qps 0', () => {
    const bucket = new TokenBucket(0, 1, new FakeClock());
    for (let i = 0; i < 1000; i++) assert.equal(bucket.reserve(), 0);
  });
});

describe('sleep', () => {
  it('resolves true after the time passes and false at once on abort', async () => {
    const clock = new FakeClock();
    const done = sleep(clock, 50);
    clock.advance(50);
    assert.equal(await done, true);
    const abort = new AbortController();
    const cut = sleep(clock, 50, abort.signal);
    abort.abort();
    assert.equal(await cut, false);
    assert.equal(clock.pendingTimers(), 0);
  });
});

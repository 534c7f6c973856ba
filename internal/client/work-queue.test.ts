import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from './fake-clock.ts';
import { ItemExponentialRateLimiter } from './rate-limiter.ts';
import { WorkQueue } from './work-queue.ts';

function queue(clock = new FakeClock()) {
  return { clock, q: new WorkQueue<string>({ clock }) };
}

describe('WorkQueue', () => {
  it('keeps a key once however often it is added while queued', async () => {
    const { q } = queue();
    q.add('a');
    q.add('b');
    q.add('a');
    assert.equal(q.len(), 2);
    assert.equal(await q.get(), 'a');
    assert.equal(await q.get(), 'b');
    assert.equal(q.len(), 0);
  });

  it('does not hand a key being processed to a second worker, and requeues it after done', async () => {
    const { q } = queue();
    q.add('a');
    assert.equal(await q.get(), 'a');
    q.add('a');
    q.add('a');
    assert.equal(q.len(), 0, 'a processing key is held back');
    let second: string | undefined = 'not yet';
    const pending = q.get().then((item) => (second = item));
    await Promise.resolve();
    assert.equal(second, 'not yet');
    q.done('a');
    await pending;
    assert.equal(second, 'a');
    q.done('a');
    assert.equal(q.len(), 0, 'done without a re-add queues nothing');
  });

  it('wakes a waiting worker when a key arrives', async () => {
    const { q } = queue();
    const got = q.get();
    q.add('x');
    assert.equal(await got, 'x');
  });

  it('adds after a delay, keeping the earliest time for a key', async () => {
    const { clock, q } = queue();
    q.addAfter('a', 100);
    q.addAfter('a', 50);
    q.addAfter('a', 200);
    clock.advance(49);
    assert.equal(q.len(), 0);
    clock.advance(1);
    assert.equal(q.len(), 1);
    clock.advance(500);
    assert.equal(q.len(), 1, 'the replaced timers never fire');
    assert.equal(clock.pendingTimers(), 0);
  });

  it('retries a key after its exponential delay and forget starts the delay over', () => {
    const { clock, q } = queue();
    q.addRateLimited('k');
    assert.equal(q.numRequeues('k'), 1);
    clock.advance(4);
    assert.equal(q.len(), 0);
    clock.advance(1);
    assert.equal(q.len(), 1, 'the first retry waits 5 ms');
    q.addRateLimited('j');
    q.addRateLimited('j');
    clock.advance(5);
    assert.equal(q.len(), 2, 'a second retry of a waiting key keeps the earlier time');
    q.addRateLimited('m');
    q.addRateLimited('m');
    q.addRateLimited('m');
    assert.equal(q.numRequeues('m'), 3);
    q.forget('m');
    assert.equal(q.numRequeues('m'), 0);
  });

  it('hands out the remaining keys after shutDown, then undefined, and ignores new adds', async () => {
    const { clock, q } = queue();
    q.add('a');
    q.addAfter('late', 10);
    const idle = new WorkQueue<string>({ clock });
    const waiting = idle.get();
    idle.shutDown();
    assert.equal(await waiting, undefined);
    q.shutDown();
    q.add('b');
    assert.equal(await q.get(), 'a');
    assert.equal(await q.get(), undefined);
    assert.equal(clock.pendingTimers(), 0, 'delayed adds are dropped');
    assert.equal(q.shuttingDown, true);
  });
});

describe('ItemExponentialRateLimiter', () => {
  it('doubles from 5 ms per failure up to the 1000 s cap', () => {
    const limiter = new ItemExponentialRateLimiter<string>();
    const delays = Array.from({ length: 5 }, () => limiter.when('x'));
    assert.deepEqual(delays, [5, 10, 20, 40, 80]);
    for (let i = 0; i < 2000; i++) limiter.when('x');
    assert.equal(limiter.when('x'), 1_000_000);
    assert.equal(limiter.when('other'), 5, 'other keys have their own count');
    limiter.forget('x');
    assert.equal(limiter.when('x'), 5);
  });
});

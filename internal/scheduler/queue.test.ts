import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SchedulingQueue } from './queue.ts';
import { makePodInfo } from './testing.ts';

const names = (queue: SchedulingQueue): string[] => {
  const out: string[] = [];
  for (let item = queue.pop(); item !== undefined; item = queue.pop()) out.push(item.key);
  return out;
};

describe('scheduling queue', () => {
  it('hands out higher priority first, then the longest waiting', () => {
    const queue = new SchedulingQueue();
    queue.upsert(makePodInfo('late', { priority: 0 }), 20);
    queue.upsert(makePodInfo('early', { priority: 0 }), 10);
    queue.upsert(makePodInfo('vip', { priority: 100 }), 30);
    assert.deepEqual(names(queue), ['default/vip', 'default/early', 'default/late']);
  });

  it('keeps one entry per pod and updates it in place', () => {
    const queue = new SchedulingQueue();
    queue.upsert(makePodInfo('p', { cpu: '1' }), 0);
    queue.upsert(makePodInfo('p', { cpu: '2' }), 1);
    const item = queue.pop();
    assert.equal(item?.pod.requests.milliCpu, 2000);
    assert.equal(queue.pop(), undefined);
  });

  it('backs off 1 s doubling per attempt up to 10 s after errors', () => {
    const queue = new SchedulingQueue();
    queue.upsert(makePodInfo('p'), 0);
    const waits: number[] = [];
    let now = 0;
    for (let attempt = 0; attempt < 6; attempt++) {
      const item = queue.pop();
      assert.ok(item);
      queue.requeueBackoff(item, now);
      const due = queue.nextFlushAt() ?? Number.NaN;
      waits.push(due - now);
      queue.flush(due - 1);
      assert.equal(queue.pop(), undefined, 'not before its backoff ends');
      now = due;
      queue.flush(now);
    }
    assert.deepEqual(waits, [1000, 2000, 4000, 8000, 10_000, 10_000]);
  });

  it('parks unschedulable pods until an event concerning their rejection', () => {
    const queue = new SchedulingQueue();
    queue.upsert(makePodInfo('p'), 0);
    const item = queue.pop();
    assert.ok(item);
    queue.requeueUnschedulable(item, new Set(['NodeResourcesFit']), 0);
    assert.equal(queue.lengths.unschedulable, 1);
    queue.onEvent('AssignedPodAdd', 5000);
    assert.equal(queue.lengths.unschedulable, 1, 'a pod being added frees no resources');
    queue.onEvent('AssignedPodDelete', 5000);
    assert.deepEqual(names(queue), ['default/p']);
  });

  it('moves a pod whose backoff has not ended to backoff rather than active', () => {
    const queue = new SchedulingQueue();
    queue.upsert(makePodInfo('p'), 0);
    const item = queue.pop();
    assert.ok(item);
    queue.requeueUnschedulable(item, new Set(), 0);
    queue.onEvent('NodeAdd', 500);
    assert.deepEqual(queue.lengths, { active: 0, backoff: 1, unschedulable: 0, inFlight: 0 });
    queue.flush(1000);
    assert.deepEqual(names(queue), ['default/p']);
  });

  it('retries unschedulable pods about five minutes after they failed, without any event', () => {
    const queue = new SchedulingQueue();
    queue.upsert(makePodInfo('p'), 0);
    const item = queue.pop();
    assert.ok(item);
    queue.requeueUnschedulable(item, new Set(['TaintToleration']), 0);
    assert.equal(queue.nextFlushAt(), 300_000);
    queue.flush(299_999);
    assert.equal(queue.pop(), undefined);
    // Parked pods are checked at most once a second.
    queue.flush(300_500);
    assert.equal(queue.pop(), undefined);
    queue.flush(301_000);
    assert.deepEqual(names(queue), ['default/p']);
  });

  it('sends a pod to backoff when a relevant event happened while it was being scheduled', () => {
    const queue = new SchedulingQueue();
    queue.upsert(makePodInfo('p'), 0);
    const item = queue.pop();
    assert.ok(item);
    queue.onEvent('NodeAdd', 10);
    queue.requeueUnschedulable(item, new Set(['NodeResourcesFit']), 20);
    assert.equal(queue.lengths.backoff, 1);
  });

  it('ignores status-only updates of an unschedulable pod but retries it when its spec changes', () => {
    const queue = new SchedulingQueue();
    queue.upsert(makePodInfo('p'), 0);
    const item = queue.pop();
    assert.ok(item);
    queue.requeueUnschedulable(item, new Set(['NodeAffinity']), 0);
    const withCondition = makePodInfo('p');
    withCondition.pod.status = { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False' }] };
    queue.upsert(withCondition, 5000);
    assert.equal(queue.lengths.unschedulable, 1);
    queue.upsert(makePodInfo('p', { nodeSelector: { disk: 'ssd' } }), 6000);
    assert.deepEqual(names(queue), ['default/p']);
  });

  it('drops a pod deleted while in flight instead of requeueing it', () => {
    const queue = new SchedulingQueue();
    queue.upsert(makePodInfo('p'), 0);
    const item = queue.pop();
    assert.ok(item);
    queue.delete('default/p');
    queue.requeueBackoff(item, 0);
    assert.equal(queue.has('default/p'), false);
  });
});

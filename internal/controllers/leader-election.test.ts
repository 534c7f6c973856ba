import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiStatusError, FakeClock } from '../client/index.ts';
import type { KubeObject } from '../apiserver/objects.ts';
import { electionStep, LeaderElector, microTime, recordOf, releaseRecord, type LeaderElectionRecord, type LeaseApi } from './leader-election.ts';

const held = (holder: string, transitions = 0, renewMs = 0): LeaderElectionRecord => ({
  holderIdentity: holder,
  leaseDurationSeconds: 15,
  acquireTime: microTime(0),
  renewTime: microTime(renewMs),
  leaseTransitions: transitions,
});

describe('leader election decisions', () => {
  it('with no Lease the candidate creates one naming itself', () => {
    const { step } = electionStep(null, { record: null, observedAtMs: 0 }, 'me', 5000, 15);
    assert.deepEqual(step, { action: 'create', record: { holderIdentity: 'me', leaseDurationSeconds: 15, acquireTime: microTime(5000), renewTime: microTime(5000), leaseTransitions: 0 } });
  });

  it('a Lease another holds is left alone until it went unrenewed for leaseDurationSeconds on the local clock', () => {
    const other = held('other', 4);
    const first = electionStep(other, { record: null, observedAtMs: 0 }, 'me', 100_000, 15);
    // First sight starts the local clock, whatever the record's own times say.
    assert.deepEqual(first.step, { action: 'wait', holder: 'other' });
    assert.equal(first.memory.observedAtMs, 100_000);
    assert.equal(electionStep(other, first.memory, 'me', 114_999, 15).step.action, 'wait');
    const taken = electionStep(other, first.memory, 'me', 115_001, 15).step;
    assert.equal(taken.action, 'update');
    assert.equal(taken.action === 'update' && taken.record.leaseTransitions, 5);
    assert.equal(taken.action === 'update' && taken.record.acquireTime, microTime(115_001));
  });

  it('a live Lease of an earlier run of this server is taken at first sight, but not once watched', () => {
    const earlier = held('node-a_old', 1);
    const predecessor = (holder: string): boolean => holder.startsWith('node-a_');
    const { step, memory } = electionStep(earlier, { record: null, observedAtMs: 0 }, 'node-a_new', 1000, 15, predecessor);
    assert.equal(step.action, 'update');
    assert.equal(step.action === 'update' && step.record.leaseTransitions, 2);
    assert.equal(electionStep(held('node-b_x'), { record: null, observedAtMs: 0 }, 'node-a_new', 1000, 15, predecessor).step.action, 'wait');
    // Once this run has seen the record (say its own write lost a race), the holder is waited for as any other.
    assert.equal(electionStep(held('node-a_other', 2), memory, 'node-a_new', 2000, 15, predecessor).step.action, 'wait');
  });

  it('a renewal by the holder restarts the wait', () => {
    const first = electionStep(held('other', 0, 0), { record: null, observedAtMs: 0 }, 'me', 0, 15);
    const renewed = electionStep(held('other', 0, 10_000), first.memory, 'me', 10_000, 15);
    assert.equal(renewed.memory.observedAtMs, 10_000);
    assert.equal(electionStep(held('other', 0, 10_000), renewed.memory, 'me', 20_000, 15).step.action, 'wait');
  });

  it('the holder renews keeping its acquire time and transition count; a released Lease is free at once', () => {
    const mine = held('me', 2);
    const { step } = electionStep(mine, { record: mine, observedAtMs: 0 }, 'me', 9000, 15);
    assert.deepEqual(step, { action: 'update', record: { ...mine, renewTime: microTime(9000) } });
    const released = releaseRecord(held('other', 3), 1000);
    assert.deepEqual(released, { holderIdentity: '', leaseDurationSeconds: 1, acquireTime: microTime(1000), renewTime: microTime(1000), leaseTransitions: 3 });
    const free = electionStep(released, { record: null, observedAtMs: 0 }, 'me', 1000, 15).step;
    assert.equal(free.action === 'update' && free.record.leaseTransitions, 4);
  });
});

/** One Lease in memory with optimistic concurrency; `down` makes a candidate's calls fail. */
class MemoryLeases {
  lease: KubeObject | null = null;
  #revision = 0;
  readonly down = new Set<string>();

  for(identity: string): LeaseApi {
    const check = (): void => {
      if (this.down.has(identity)) throw new Error('connection refused');
    };
    return {
      get: async () => {
        check();
        if (this.lease === null) throw new ApiStatusError({ code: 404, reason: 'NotFound', message: 'leases "x" not found' });
        return structuredClone(this.lease);
      },
      create: async (_namespace, lease) => {
        check();
        if (this.lease !== null) throw new ApiStatusError({ code: 409, reason: 'AlreadyExists', message: 'exists' });
        this.lease = { ...structuredClone(lease), metadata: { ...lease.metadata, resourceVersion: String(++this.#revision) } };
        return structuredClone(this.lease);
      },
      update: async (_namespace, lease) => {
        check();
        if (this.lease?.metadata.resourceVersion !== lease.metadata.resourceVersion) throw new ApiStatusError({ code: 409, reason: 'Conflict', message: 'modified' });
        this.lease = { ...structuredClone(lease), metadata: { ...lease.metadata, resourceVersion: String(++this.#revision) } };
        return structuredClone(this.lease);
      },
    };
  }

  holder(): string {
    return this.lease === null ? '' : recordOf(this.lease).holderIdentity;
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('leader elector', () => {
  it('one candidate leads; when it cannot renew it stops within the renew deadline and the other takes over after the lease duration', async () => {
    const clock = new FakeClock(1_000_000);
    const leases = new MemoryLeases();
    const leading = new Set<string>();
    let overlap = false;
    const candidate = (identity: string): { elector: LeaderElector; stop: AbortController; done: Promise<void> } => {
      const elector = new LeaderElector({ leases: leases.for(identity), namespace: 'kube-system', name: 'kcm', identity, clock, random: () => 0 });
      const stop = new AbortController();
      const done = elector.run(stop.signal, async (signal) => {
        leading.add(identity);
        if (leading.size > 1) overlap = true;
        await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
        leading.delete(identity);
      });
      return { elector, stop, done };
    };
    const advance = async (ms: number): Promise<void> => {
      for (let passed = 0; passed < ms; passed += 250) {
        clock.advance(250);
        await settle();
      }
    };

    const a = candidate('a');
    await settle();
    const b = candidate('b');
    await advance(30_000);
    assert.deepEqual([...leading], ['a']);
    assert.equal(leases.holder(), 'a');

    // The next renewal starts within a retry period (2 s) and is given up after the renew deadline (10 s).
    leases.down.add('a');
    await advance(12_250);
    assert.deepEqual([...leading], [], 'the leader stops once renewals failed for the renew deadline');
    // The other saw the last renewal at most 12 s ago: the Lease expires at 15 s, its next try is within 2 s of that.
    await advance(5_000);
    assert.deepEqual([...leading], ['b'], 'the other candidate takes the Lease once it expired');
    assert.equal(overlap, false);

    leases.down.delete('a');
    b.stop.abort();
    await b.done;
    assert.equal(leases.holder(), '', 'a stopping leader releases the Lease');
    await advance(5_000);
    assert.deepEqual([...leading], ['a']);
    assert.equal(recordOf(leases.lease ?? { metadata: {} }).leaseTransitions, 2);
    a.stop.abort();
    await a.done;
    assert.equal(overlap, false);
  });

  it('a failing leader steps down and its error is thrown', async () => {
    const clock = new FakeClock();
    const leases = new MemoryLeases();
    const elector = new LeaderElector({ leases: leases.for('a'), namespace: 'kube-system', name: 'kcm', identity: 'a', clock });
    await assert.rejects(elector.run(new AbortController().signal, async () => {
      throw new Error('informers could not start');
    }), /informers could not start/);
    assert.equal(leases.holder(), '');
  });
});

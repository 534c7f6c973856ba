import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../client/index.ts';
import { isSilent, observeProbe, unknownConditions, type NodeCondition, type Probe } from './node-health.ts';

const grace = 40_000;
const startup = 60_000;
const ready: NodeCondition[] = [{ type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: '2025-01-01T00:00:00Z', lastTransitionTime: '2025-01-01T00:00:00Z' }];

describe('node health', () => {
  it('a node whose Lease renewTime stops changing is silent once the grace period has passed on the controller clock', () => {
    const clock = new FakeClock(1_000_000);
    let probe: Probe | undefined;
    for (let i = 0; i < 5; i++) {
      probe = observeProbe(probe, `renew-${i}`, 'hb', clock.now());
      clock.advance(10_000);
    }
    assert.ok(probe);
    // Renewals stop: the same renewTime is seen from now on.
    for (let seen = 0; seen < 4; seen++) {
      probe = observeProbe(probe, 'renew-4', 'hb', clock.now());
      assert.equal(isSilent(probe, ready, clock.now(), grace, startup), false, `still within grace after ${seen} checks`);
      clock.advance(10_000);
    }
    probe = observeProbe(probe, 'renew-4', 'hb', clock.now());
    clock.advance(1);
    assert.equal(isSilent(probe, ready, clock.now(), grace, startup), true);
  });

  it('a renewTime far in the past is judged from when the controller first saw it, not by its value', () => {
    // After a server restart renewals held in memory are lost: the stored renewTime may be minutes old.
    const probe = observeProbe(undefined, '2020-01-01T00:00:00.000000Z', '', 5_000_000);
    assert.equal(isSilent(probe, ready, 5_000_000 + grace, grace, startup), false);
    assert.equal(isSilent(probe, ready, 5_000_000 + grace + 1, grace, startup), true);
  });

  it('a changed Ready heartbeat counts as hearing from the node', () => {
    const first = observeProbe(undefined, '', 'hb-1', 0);
    const later = observeProbe(first, '', 'hb-2', 39_000);
    assert.equal(isSilent(later, ready, 60_000, grace, startup), false);
  });

  it('a node that never posted Ready gets the startup grace period', () => {
    const probe = observeProbe(undefined, '', '', 0);
    assert.equal(isSilent(probe, [], 50_000, grace, startup), false);
    assert.equal(isSilent(probe, [], 60_001, grace, startup), true);
  });

  it('a silent node has every kubelet condition Unknown with the reason kubectl shows, keeping heartbeats', () => {
    const conditions: NodeCondition[] = [
      ...ready,
      { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', lastHeartbeatTime: '2025-01-01T00:00:00Z', lastTransitionTime: '2024-12-01T00:00:00Z' },
      { type: 'NetworkUnavailable', status: 'False', reason: 'RouteCreated' },
    ];
    const updated = unknownConditions(conditions, '2024-01-01T00:00:00Z', '2025-01-01T00:01:00Z');
    assert.ok(updated);
    const byType = new Map(updated.map((c) => [c.type, c]));
    assert.deepEqual(byType.get('Ready'), { type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastHeartbeatTime: '2025-01-01T00:00:00Z', lastTransitionTime: '2025-01-01T00:01:00Z' });
    assert.equal(byType.get('MemoryPressure')?.status, 'Unknown');
    assert.equal(byType.get('DiskPressure')?.reason, 'NodeStatusNeverUpdated');
    assert.equal(byType.get('DiskPressure')?.lastHeartbeatTime, '2024-01-01T00:00:00Z');
    assert.equal(byType.get('NetworkUnavailable')?.status, 'False', 'conditions the kubelet does not own are left alone');
    assert.equal(unknownConditions(updated, '2024-01-01T00:00:00Z', '2025-01-01T00:02:00Z'), null, 'nothing more to write the next time');
  });
});

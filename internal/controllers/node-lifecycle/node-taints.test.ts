import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NodeCondition } from './node-health.ts';
import { reconcileTaints, wantedNoExecuteKey, wantedNoScheduleKeys, type NodeTaint } from './node-taints.ts';

const cond = (type: string, status: string, reason = ''): NodeCondition => ({ type, status, reason });
const now = '2025-01-01T00:00:00Z';
const ids = (taints: NodeTaint[] | null): string[] | null => taints?.map((t) => `${t.key}:${t.effect}`) ?? null;

describe('node taints', () => {
  it('a cordoned node gets the unschedulable NoSchedule taint, removed when it is uncordoned', () => {
    const cordoned = reconcileTaints([], wantedNoScheduleKeys([cond('Ready', 'True')], true), null, 'normal', now);
    assert.deepEqual(cordoned, [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule', timeAdded: now }]);
    assert.deepEqual(reconcileTaints(cordoned ?? [], wantedNoScheduleKeys([cond('Ready', 'True')], false), null, 'normal', now), []);
  });

  it('an Unknown node gets unreachable NoSchedule and NoExecute taints; a False one not-ready', () => {
    const unknown = [cond('Ready', 'Unknown', 'NodeStatusUnknown')];
    assert.deepEqual(ids(reconcileTaints([], wantedNoScheduleKeys(unknown, false), wantedNoExecuteKey(unknown, false), 'normal', now)), [
      'node.kubernetes.io/unreachable:NoSchedule',
      'node.kubernetes.io/unreachable:NoExecute',
    ]);
    const notReady = [cond('Ready', 'False', 'KubeletNotReady')];
    assert.equal(wantedNoExecuteKey(notReady, true), 'node.kubernetes.io/not-ready');
  });

  it('pressure conditions map to their NoSchedule taints', () => {
    const keys = wantedNoScheduleKeys([cond('Ready', 'True'), cond('MemoryPressure', 'True'), cond('DiskPressure', 'False'), cond('PIDPressure', 'True')], false);
    assert.deepEqual([...keys].sort(), ['node.kubernetes.io/memory-pressure', 'node.kubernetes.io/pid-pressure']);
  });

  it('taints others put on the node are kept, and ours keep their timeAdded', () => {
    const current: NodeTaint[] = [
      { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: '2024-12-31T00:00:00Z' },
    ];
    const unknown = [cond('Ready', 'Unknown', 'NodeStatusUnknown')];
    const next = reconcileTaints(current, wantedNoScheduleKeys(unknown, false), wantedNoExecuteKey(unknown, false), 'normal', now);
    assert.deepEqual(next, [...current, { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule', timeAdded: now }]);
    assert.equal(reconcileTaints(next ?? [], wantedNoScheduleKeys(unknown, false), wantedNoExecuteKey(unknown, false), 'normal', now), null);
  });

  it('a node back to Ready loses both taints', () => {
    const current: NodeTaint[] = [
      { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule', timeAdded: now },
      { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: now },
    ];
    const ready = [cond('Ready', 'True')];
    assert.deepEqual(reconcileTaints(current, wantedNoScheduleKeys(ready, false), wantedNoExecuteKey(ready, true), 'normal', now), []);
  });

  it('a node that renews its Lease again stops evicting before its agent re-posts Ready', () => {
    const markedByController = [cond('Ready', 'Unknown', 'NodeStatusUnknown')];
    assert.equal(wantedNoExecuteKey(markedByController, true), null);
    assert.equal(wantedNoExecuteKey(markedByController, false), 'node.kubernetes.io/unreachable');
    assert.equal(wantedNoExecuteKey([cond('Ready', 'Unknown', 'SomethingElse')], true), 'node.kubernetes.io/unreachable');
  });

  it('hold adds no NoExecute taint to an untainted node but may switch one; release removes them', () => {
    const notReady = [cond('Ready', 'False')];
    const key = wantedNoExecuteKey(notReady, true);
    assert.deepEqual(ids(reconcileTaints([], new Set(), key, 'hold', now)), null);
    const unreachable: NodeTaint[] = [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: now }];
    assert.deepEqual(ids(reconcileTaints(unreachable, new Set(), key, 'hold', now)), ['node.kubernetes.io/not-ready:NoExecute']);
    assert.deepEqual(reconcileTaints(unreachable, new Set(), key, 'release', now), []);
  });

  it('a node that has not posted Ready yet is left untainted', () => {
    assert.deepEqual([...wantedNoScheduleKeys([], false)], []);
    assert.equal(wantedNoExecuteKey([], false), null);
  });
});

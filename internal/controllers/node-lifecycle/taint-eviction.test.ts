import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../client/index.ts';
import { EvictionTimers, tolerationMs } from './taint-eviction.ts';
import type { NodeTaint } from './node-taints.ts';

const unreachable: NodeTaint = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' };
const notReady: NodeTaint = { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' };
const defaults = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
];

describe('taint eviction', () => {
  it('a NoExecute taint the pod does not tolerate evicts it at once', () => {
    assert.equal(tolerationMs([], [unreachable]), 0);
    assert.equal(tolerationMs(defaults, [{ key: 'dedicated', value: 'x', effect: 'NoExecute' }]), 0);
  });

  it('tolerated taints allow the shortest tolerationSeconds, none sets for ever, NoSchedule taints do not count', () => {
    assert.equal(tolerationMs(defaults, [unreachable]), 300_000);
    assert.equal(tolerationMs([{ operator: 'Exists' }], [unreachable]), null);
    assert.equal(tolerationMs([], [{ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }]), null);
    const mixed = [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 }, { key: 'a', operator: 'Exists' }];
    assert.equal(tolerationMs(mixed, [unreachable, { key: 'a', effect: 'NoExecute' }]), 30_000);
    assert.equal(tolerationMs([{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 0 }], [unreachable]), 0);
  });

  it('the clock runs from when the pod was first seen under the taint, through a switch from unreachable to not-ready', () => {
    const clock = new FakeClock(1_000);
    const timers = new EvictionTimers();
    assert.equal(timers.deadline('ns/p/u', defaults, [unreachable], clock.now()), 301_000);
    clock.advance(100_000);
    assert.equal(timers.deadline('ns/p/u', defaults, [notReady], clock.now()), 301_000);
  });

  it('a pod whose node recovers starts afresh the next time', () => {
    const timers = new EvictionTimers();
    timers.deadline('ns/p/u', defaults, [unreachable], 0);
    assert.equal(timers.deadline('ns/p/u', defaults, [], 50_000), null);
    assert.equal(timers.deadline('ns/p/u', defaults, [unreachable], 60_000), 360_000);
    timers.retain(new Set());
    assert.equal(timers.size, 0);
  });
});

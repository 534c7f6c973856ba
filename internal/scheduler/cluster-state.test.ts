import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClusterState, wantsScheduling } from './cluster-state.ts';
import { makeNode, makePod } from './testing.ts';

describe('cluster state from informer events', () => {
  it('queues pending pods of this scheduler and no others', () => {
    const state = new ClusterState();
    state.podChanged(undefined, makePod('mine'), 0);
    state.podChanged(undefined, makePod('named', { spec: { schedulerName: 'default-scheduler' } }), 0);
    state.podChanged(undefined, makePod('other', { spec: { schedulerName: 'custom' } }), 0);
    state.podChanged(undefined, makePod('gated', { spec: { schedulingGates: [{ name: 'wait' }] } }), 0);
    state.podChanged(undefined, makePod('leaving', { terminating: true }), 0);
    assert.equal(state.queue.lengths.active, 2);
    assert.equal(wantsScheduling(makePod('bound', { nodeName: 'n' })), false);
  });

  it('a pod whose gates are removed is queued', () => {
    const state = new ClusterState();
    const gated = makePod('p', { spec: { schedulingGates: [{ name: 'wait' }] } });
    state.podChanged(undefined, gated, 0);
    state.podChanged(gated, makePod('p'), 1);
    assert.equal(state.queue.lengths.active, 1);
  });

  it('a bound pod leaves the queue and counts on its node', () => {
    const state = new ClusterState();
    state.nodeChanged(undefined, makeNode('n'), 0);
    const pending = makePod('p', { cpu: '1' });
    state.podChanged(undefined, pending, 0);
    state.podChanged(pending, makePod('p', { cpu: '1', nodeName: 'n' }), 1);
    assert.equal(state.queue.has('default/p'), false);
    assert.equal(state.cache.get('n')?.requested.milliCpu, 1000);
  });

  it('a finished pod frees its node and wakes pods waiting for room', () => {
    const state = new ClusterState();
    state.nodeChanged(undefined, makeNode('n'), 0);
    const running = makePod('done', { cpu: '1', nodeName: 'n' });
    state.podChanged(undefined, running, 0);
    state.podChanged(undefined, makePod('waiting'), 0);
    const item = state.queue.pop();
    assert.ok(item);
    state.queue.requeueUnschedulable(item, new Set(['NodeResourcesFit']), 0);
    const finished = makePod('done', { cpu: '1', nodeName: 'n' });
    finished.status = { phase: 'Succeeded' };
    state.podChanged(running, finished, 2000);
    assert.equal(state.cache.get('n')?.requested.milliCpu, 0);
    assert.equal(state.queue.lengths.unschedulable, 0);
  });

  it('only node changes that matter for placement retry waiting pods', () => {
    const state = new ClusterState();
    const node = makeNode('n');
    state.nodeChanged(undefined, node, 0);
    state.podChanged(undefined, makePod('waiting'), 0);
    const item = state.queue.pop();
    assert.ok(item);
    state.queue.requeueUnschedulable(item, new Set(['TaintToleration']), 0);
    const heartbeat = makeNode('n');
    heartbeat.metadata.annotations = { seen: 'now' };
    state.nodeChanged(node, heartbeat, 5000);
    assert.equal(state.queue.lengths.unschedulable, 1);
    state.nodeChanged(heartbeat, makeNode('n', { labels: { ready: 'yes' } }), 6000);
    assert.equal(state.queue.lengths.unschedulable, 0);
  });

  it('resolves a priorityClassName to the class value', () => {
    const state = new ClusterState();
    state.priorities.set('high', 1000);
    const pod = makePod('p');
    pod.spec = { ...pod.spec, priority: undefined, priorityClassName: 'high' };
    assert.equal(state.podInfo(pod).priority, 1000);
    pod.spec = { ...pod.spec, priorityClassName: 'system-node-critical' };
    assert.equal(state.podInfo(pod).priority, 2_000_001_000);
  });

  it('a failed binding forgets the assumed pod', () => {
    const state = new ClusterState();
    state.nodeChanged(undefined, makeNode('n'), 0);
    state.podChanged(undefined, makePod('p', { cpu: '1' }), 0);
    const item = state.queue.pop();
    assert.ok(item);
    state.cache.assume(item.pod, 'n');
    state.bindingFailed('default/p', 1);
    assert.equal(state.cache.get('n')?.requested.milliCpu, 0);
  });
});

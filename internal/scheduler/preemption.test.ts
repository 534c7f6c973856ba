import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SchedulingAlgorithm } from './algorithm.ts';
import { fitErrorMessage } from './fit-error.ts';
import type { PodInfo } from './pod-info.ts';
import { preempt, type PreemptionResult } from './preemption.ts';
import type { SchedulerCache } from './cache.ts';
import { makeCluster, makeNode, makePodInfo, seededRandom } from './testing.ts';

/** Schedules `pod`; when it fits nowhere, runs preemption and returns both messages. */
function attempt(pod: PodInfo, cluster: SchedulerCache): { message: string; result: PreemptionResult } {
  const algorithm = new SchedulingAlgorithm({ random: seededRandom(1) });
  const decision = algorithm.schedule(pod, cluster);
  if (decision.kind !== 'unfit') throw new Error(`the pod fit on ${decision.node}`);
  const result = preempt(pod, cluster, decision.diagnosis, algorithm.filters);
  return { message: fitErrorMessage(decision.numAllNodes, decision.diagnosis, result.kind === 'none' ? result.message : ''), result };
}

const taint = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' };

describe('preemption', () => {
  it('says preemption is not helpful when no node was refused for something evicting can fix', () => {
    const cluster = makeCluster([makeNode('cp', { taints: [taint] })]);
    assert.equal(
      attempt(makePodInfo('p'), cluster).message,
      '0/1 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.',
    );
  });

  it('says no victims were found on nodes holding no lower-priority pods', () => {
    const cluster = makeCluster([makeNode('cp', { taints: [taint] }), makeNode('w1', { cpu: '1' }), makeNode('w2', { cpu: '1' })]);
    assert.equal(
      attempt(makePodInfo('big', { cpu: '2' }), cluster).message,
      '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.',
    );
  });

  it('names the filter reason when evicting every lower-priority pod still would not make room', () => {
    const cluster = makeCluster([makeNode('n', { cpu: '1' })], [{ pod: makePodInfo('low', { cpu: '500m', priority: 0 }), node: 'n' }]);
    assert.equal(
      attempt(makePodInfo('huge', { cpu: '2', priority: 100 }), cluster).message,
      '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 Insufficient cpu.',
    );
  });

  it('evicts the fewest, least important pods needed, keeping the rest', () => {
    const cluster = makeCluster(
      [makeNode('n', { cpu: '2' })],
      [
        { pod: makePodInfo('low-a', { cpu: '800m', priority: 1 }), node: 'n' },
        { pod: makePodInfo('low-b', { cpu: '800m', priority: 5 }), node: 'n' },
        { pod: makePodInfo('peer', { cpu: '400m', priority: 100 }), node: 'n' },
      ],
    );
    const { result } = attempt(makePodInfo('vip', { cpu: '700m', priority: 100 }), cluster);
    assert.equal(result.kind, 'preempt');
    if (result.kind !== 'preempt') return;
    assert.equal(result.node, 'n');
    assert.deepEqual(result.victims.map((v) => v.key), ['default/low-a']);
  });

  it('prefers the node whose most important victim has the lowest priority', () => {
    const cluster = makeCluster(
      [makeNode('a', { cpu: '1' }), makeNode('b', { cpu: '1' })],
      [{ pod: makePodInfo('mid', { cpu: '1', priority: 50 }), node: 'a' }, { pod: makePodInfo('low', { cpu: '1', priority: 10 }), node: 'b' }],
    );
    const { result } = attempt(makePodInfo('vip', { cpu: '1', priority: 100 }), cluster);
    assert.deepEqual(result.kind === 'preempt' && [result.node, result.victims.map((v) => v.key)], ['b', ['default/low']]);
  });

  it('is not tried for a pod with preemptionPolicy Never', () => {
    const cluster = makeCluster([makeNode('n', { cpu: '1' })], [{ pod: makePodInfo('low', { cpu: '1' }), node: 'n' }]);
    assert.equal(
      attempt(makePodInfo('p', { cpu: '1', priority: 10, preemptionPolicy: 'Never' }), cluster).message,
      '0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.',
    );
  });

  it('waits while victims of an earlier preemption are still terminating on the nominated node', () => {
    const cluster = makeCluster([makeNode('n', { cpu: '1' })], [{ pod: makePodInfo('leaving', { cpu: '1', terminating: true }), node: 'n' }]);
    assert.equal(
      attempt(makePodInfo('p', { cpu: '1', priority: 10, nominatedNodeName: 'n' }), cluster).message,
      '0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to a terminating pod on the nominated node.',
    );
  });
});

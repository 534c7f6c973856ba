import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeCluster, makeNode, makePodInfo, runFilter, runScore } from '../testing.ts';
import { nodeUnschedulable } from './node-unschedulable.ts';
import { taintTolerationFilter, taintTolerationScore } from './taint-toleration.ts';

const controlPlane = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' };

describe('taint toleration filter', () => {
  it('refuses a node with an untolerated NoSchedule taint, naming its key and value', () => {
    const cluster = makeCluster([makeNode('cp', { taints: [controlPlane] }), makeNode('gpu', { taints: [{ key: 'gpu', value: 'true', effect: 'NoExecute' }] })]);
    const pod = makePodInfo('p');
    assert.deepEqual(runFilter(taintTolerationFilter, pod, cluster, 'cp'), {
      plugin: 'TaintToleration',
      code: 'UnschedulableAndUnresolvable',
      reasons: ['node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }'],
    });
    assert.deepEqual(runFilter(taintTolerationFilter, pod, cluster, 'gpu')?.reasons, ['node(s) had untolerated taint {gpu: true}']);
  });

  it('lets through pods that tolerate the taint by key and value, by Exists, or with an empty key', () => {
    const cluster = makeCluster([makeNode('n', { taints: [{ key: 'gpu', value: 'true', effect: 'NoSchedule' }] })]);
    for (const tolerations of [
      [{ key: 'gpu', operator: 'Equal', value: 'true', effect: 'NoSchedule' }],
      [{ key: 'gpu', value: 'true' }],
      [{ key: 'gpu', operator: 'Exists' }],
      [{ operator: 'Exists' }],
    ]) {
      assert.equal(runFilter(taintTolerationFilter, makePodInfo('p', { tolerations }), cluster, 'n'), null, JSON.stringify(tolerations));
    }
    for (const tolerations of [[{ key: 'gpu', value: 'false' }], [{ key: 'gpu', operator: 'Exists', effect: 'NoExecute' }], [{ key: 'other', operator: 'Exists' }]]) {
      assert.notEqual(runFilter(taintTolerationFilter, makePodInfo('p', { tolerations }), cluster, 'n'), null, JSON.stringify(tolerations));
    }
  });

  it('ignores PreferNoSchedule taints', () => {
    const cluster = makeCluster([makeNode('n', { taints: [{ key: 'soft', effect: 'PreferNoSchedule' }] })]);
    assert.equal(runFilter(taintTolerationFilter, makePodInfo('p'), cluster, 'n'), null);
  });

  it('treats a node that is not Ready as tainted not-ready, and one whose status is Unknown as unreachable', () => {
    const cluster = makeCluster([makeNode('down', { ready: 'False' }), makeNode('lost', { ready: 'Unknown' }), makeNode('new', { ready: null })]);
    const pod = makePodInfo('p');
    assert.deepEqual(runFilter(taintTolerationFilter, pod, cluster, 'down')?.reasons, ['node(s) had untolerated taint {node.kubernetes.io/not-ready: }']);
    assert.deepEqual(runFilter(taintTolerationFilter, pod, cluster, 'lost')?.reasons, ['node(s) had untolerated taint {node.kubernetes.io/unreachable: }']);
    assert.deepEqual(runFilter(taintTolerationFilter, pod, cluster, 'new')?.reasons, ['node(s) had untolerated taint {node.kubernetes.io/not-ready: }']);
    const daemon = makePodInfo('d', { tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoSchedule' }] });
    assert.equal(runFilter(taintTolerationFilter, daemon, cluster, 'down'), null);
  });
});

describe('node unschedulable filter', () => {
  it('refuses a cordoned node unless the pod tolerates the unschedulable taint', () => {
    const cluster = makeCluster([makeNode('cordoned', { unschedulable: true }), makeNode('open')]);
    assert.deepEqual(runFilter(nodeUnschedulable, makePodInfo('p'), cluster, 'cordoned'), {
      plugin: 'NodeUnschedulable',
      code: 'UnschedulableAndUnresolvable',
      reasons: ['node(s) were unschedulable'],
    });
    assert.equal(runFilter(nodeUnschedulable, makePodInfo('p'), cluster, 'open'), null);
    const tolerant = makePodInfo('t', { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] });
    assert.equal(runFilter(nodeUnschedulable, tolerant, cluster, 'cordoned'), null);
  });
});

describe('taint toleration score', () => {
  it('prefers nodes with fewer untolerated PreferNoSchedule taints', () => {
    const soft = (key: string) => ({ key, effect: 'PreferNoSchedule' });
    const cluster = makeCluster([makeNode('clean'), makeNode('one', { taints: [soft('a')] }), makeNode('two', { taints: [soft('a'), soft('b')] })]);
    assert.deepEqual(runScore(taintTolerationScore, makePodInfo('p'), cluster), { clean: 100, one: 50, two: 0 });
    const tolerant = makePodInfo('t', { tolerations: [{ key: 'a', operator: 'Exists', effect: 'PreferNoSchedule' }] });
    assert.deepEqual(runScore(taintTolerationScore, tolerant, cluster), { clean: 100, one: 100, two: 0 });
  });

  it('gives every node the full score when no node has such taints', () => {
    const cluster = makeCluster([makeNode('a'), makeNode('b')]);
    assert.deepEqual(runScore(taintTolerationScore, makePodInfo('p'), cluster), { a: 100, b: 100 });
  });
});

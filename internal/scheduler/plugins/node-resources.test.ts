import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeCluster, makeNode, makePodInfo, runFilter, runScore } from '../testing.ts';
import { nodePorts } from './node-ports.ts';
import { balancedAllocation, leastAllocated, nodeResourcesFit } from './node-resources.ts';

describe('node resources fit', () => {
  const cluster = makeCluster(
    [makeNode('small', { cpu: '2', memory: '2Gi', pods: '2', extra: { 'ephemeral-storage': '10Gi', 'example.com/gpu': '1' } })],
    [{ pod: makePodInfo('running', { cpu: '1500m', memory: '1Gi' }), node: 'small' }],
  );

  it('passes a pod that fits in what is left', () => {
    assert.equal(runFilter(nodeResourcesFit, makePodInfo('p', { cpu: '500m', memory: '1Gi' }), cluster, 'small'), null);
  });

  it('names every resource that is short, in kube-scheduler order', () => {
    const pod = makePodInfo('p', { containers: [{ resources: { requests: { cpu: '1', memory: '2Gi', 'ephemeral-storage': '20Gi', 'example.com/gpu': '2' } } }] });
    assert.deepEqual(runFilter(nodeResourcesFit, pod, cluster, 'small'), {
      plugin: 'NodeResourcesFit',
      code: 'Unschedulable',
      reasons: ['Insufficient cpu', 'Insufficient memory', 'Insufficient ephemeral-storage', 'Insufficient example.com/gpu'],
    });
  });

  it('refuses a node whose pod count is at its allocatable pods', () => {
    const full = makeCluster([makeNode('n', { pods: '1' })], [{ pod: makePodInfo('a'), node: 'n' }]);
    assert.deepEqual(runFilter(nodeResourcesFit, makePodInfo('p'), full, 'n')?.reasons, ['Too many pods']);
  });

  it('counts assumed pods, and frees their room once they are gone', () => {
    const node = makeCluster([makeNode('n', { cpu: '1' })]);
    node.assume(makePodInfo('first', { cpu: '800m' }), 'n');
    assert.deepEqual(runFilter(nodeResourcesFit, makePodInfo('second', { cpu: '500m' }), node, 'n')?.reasons, ['Insufficient cpu']);
    node.forget('default/first');
    assert.equal(runFilter(nodeResourcesFit, makePodInfo('second', { cpu: '500m' }), node, 'n'), null);
  });

  it('a pod requesting nothing only needs a free pod slot', () => {
    const busy = makeCluster([makeNode('n', { cpu: '1' })], [{ pod: makePodInfo('hog', { cpu: '1' }), node: 'n' }]);
    assert.equal(runFilter(nodeResourcesFit, makePodInfo('p'), busy, 'n'), null);
  });
});

describe('least allocated score', () => {
  it('prefers the node with more room, counting pods without requests as 100m and 200Mi', () => {
    const cluster = makeCluster(
      [makeNode('empty', { cpu: '1', memory: '1000Mi' }), makeNode('half', { cpu: '1', memory: '1000Mi' })],
      [{ pod: makePodInfo('a', { cpu: '500m', memory: '500Mi' }), node: 'half' }],
    );
    // The incoming pod counts as 100m and 200Mi: empty 90 cpu and 80 memory, half 40 and 30.
    assert.deepEqual(runScore(leastAllocated, makePodInfo('p'), cluster), { empty: 85, half: 35 });
  });
});

describe('balanced allocation score', () => {
  it('prefers the node where cpu and memory would be used in equal shares', () => {
    const cluster = makeCluster(
      [makeNode('cpu-heavy', { cpu: '4', memory: '4Gi' }), makeNode('even', { cpu: '4', memory: '4Gi' })],
      [{ pod: makePodInfo('a', { cpu: '3', memory: '1Gi' }), node: 'cpu-heavy' }, { pod: makePodInfo('b', { cpu: '1', memory: '1Gi' }), node: 'even' }],
    );
    // cpu-heavy: 4/4 vs 2/4 → 1 - 0.25; even: 2/4 vs 2/4 → 1.
    assert.deepEqual(runScore(balancedAllocation, makePodInfo('p', { cpu: '1', memory: '1Gi' }), cluster), { 'cpu-heavy': 75, even: 100 });
  });

  it('skips pods that request neither cpu nor memory', () => {
    assert.equal(runScore(balancedAllocation, makePodInfo('p'), makeCluster([makeNode('n')])), null);
  });
});

describe('node ports filter', () => {
  const cluster = makeCluster([makeNode('n')], [{ pod: makePodInfo('web', { hostPort: 8080 }), node: 'n' }]);

  it('refuses a node where the host port is taken', () => {
    assert.deepEqual(runFilter(nodePorts, makePodInfo('p', { hostPort: 8080 }), cluster, 'n'), {
      plugin: 'NodePorts',
      code: 'Unschedulable',
      reasons: ["node(s) didn't have free ports for the requested pod ports"],
    });
  });

  it('allows another port, another protocol, or another specific address', () => {
    assert.equal(runFilter(nodePorts, makePodInfo('p', { hostPort: 8081 }), cluster, 'n'), null);
    const udp = makePodInfo('u', { containers: [{ ports: [{ hostPort: 8080, protocol: 'UDP' }] }] });
    assert.equal(runFilter(nodePorts, udp, cluster, 'n'), null);
    const bound = makeCluster([makeNode('n')], [{ pod: makePodInfo('a', { containers: [{ ports: [{ hostPort: 53, hostIP: '10.0.0.1' }] }] }), node: 'n' }]);
    assert.equal(runFilter(nodePorts, makePodInfo('b', { containers: [{ ports: [{ hostPort: 53, hostIP: '10.0.0.2' }] }] }), bound, 'n'), null);
    assert.notEqual(runFilter(nodePorts, makePodInfo('c', { containers: [{ ports: [{ hostPort: 53 }] }] }), bound, 'n'), null);
  });

  it('has nothing to check for a pod without host ports', () => {
    assert.equal(nodePorts.prepare({ pod: makePodInfo('p'), snapshot: cluster }), null);
  });
});

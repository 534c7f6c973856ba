import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { feasibleNodesToFind, SchedulingAlgorithm } from './algorithm.ts';
import { fitErrorMessage } from './fit-error.ts';
import { makeCluster, makeNode, makePodInfo, seededRandom } from './testing.ts';

const algorithm = (seed = 1) => new SchedulingAlgorithm({ random: seededRandom(seed) });

describe('scheduling one pod', () => {
  it('puts the pod on the node with the most room', () => {
    const cluster = makeCluster([makeNode('busy'), makeNode('idle')], [{ pod: makePodInfo('a', { cpu: '3', memory: '6Gi' }), node: 'busy' }]);
    const decision = algorithm().schedule(makePodInfo('p', { cpu: '100m' }), cluster);
    assert.equal(decision.kind === 'fit' && decision.node, 'idle');
  });

  it('a heavily weighted taint preference outweighs room', () => {
    const cluster = makeCluster(
      [makeNode('soft-tainted', { taints: [{ key: 'spot', effect: 'PreferNoSchedule' }] }), makeNode('busy')],
      [{ pod: makePodInfo('a', { cpu: '2' }), node: 'busy' }],
    );
    const decision = algorithm().schedule(makePodInfo('p', { cpu: '100m' }), cluster);
    assert.equal(decision.kind === 'fit' && decision.node, 'busy');
  });

  it('breaks ties at random, so equal nodes all get picked', () => {
    const cluster = makeCluster([makeNode('a'), makeNode('b'), makeNode('c')]);
    const chosen = new Set<string>();
    const decide = algorithm(7);
    for (let i = 0; i < 60; i++) {
      const decision = decide.schedule(makePodInfo(`p${i}`), cluster);
      if (decision.kind === 'fit') chosen.add(decision.node);
    }
    assert.deepEqual([...chosen].sort(), ['a', 'b', 'c']);
  });

  it('reports every node\'s reason when nothing fits', () => {
    const cluster = makeCluster([
      makeNode('cp', { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] }),
      makeNode('w1', { cpu: '1' }),
      makeNode('w2', { cpu: '1' }),
    ]);
    const decision = algorithm().schedule(makePodInfo('big', { cpu: '2' }), cluster);
    assert.equal(decision.kind, 'unfit');
    if (decision.kind !== 'unfit') return;
    assert.equal(fitErrorMessage(decision.numAllNodes, decision.diagnosis), '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu.');
  });

  it('only evaluates the nodes that node affinity names, and says so for the rest', () => {
    const cluster = makeCluster([makeNode('a', { pods: '0' }), makeNode('b'), makeNode('c')]);
    const affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['a'] }] }] } } };
    const decision = algorithm().schedule(makePodInfo('ds', { affinity }), cluster);
    assert.equal(decision.kind, 'unfit');
    if (decision.kind !== 'unfit') return;
    assert.equal(fitErrorMessage(3, decision.diagnosis), "0/3 nodes are available: 1 Too many pods, 2 node(s) didn't satisfy plugin(s) [NodeAffinity].");
  });

  it('tries the nominated node first and takes it when the pod fits there', () => {
    const cluster = makeCluster([makeNode('a'), makeNode('b', { cpu: '1' })], [{ pod: makePodInfo('x', { cpu: '500m' }), node: 'b' }]);
    const decision = algorithm().schedule(makePodInfo('p', { cpu: '100m', nominatedNodeName: 'b' }), cluster);
    assert.deepEqual(decision, { kind: 'fit', node: 'b', feasibleNodes: 1, evaluatedNodes: 1 });
  });

  it('keeps room made for a nominated pod of higher priority', () => {
    const cluster = makeCluster([makeNode('n', { cpu: '1' })]);
    cluster.nominate(makePodInfo('vip', { cpu: '800m', priority: 1000 }), 'n');
    const low = algorithm().schedule(makePodInfo('low', { cpu: '500m' }), cluster);
    assert.equal(low.kind, 'unfit');
    const higher = algorithm().schedule(makePodInfo('higher', { cpu: '500m', priority: 2000 }), cluster);
    assert.equal(higher.kind, 'fit');
  });

  it('stops looking once enough feasible nodes are found, and starts the next search where it stopped', () => {
    const nodes = Array.from({ length: 1000 }, (_, i) => makeNode(`n${i}`));
    const cluster = makeCluster(nodes);
    const decide = algorithm();
    const first = decide.schedule(makePodInfo('p1'), cluster);
    assert.equal(first.kind === 'fit' && first.evaluatedNodes, 420);
    const second = decide.schedule(makePodInfo('p2'), cluster);
    assert.equal(second.kind === 'fit' && second.evaluatedNodes, 420);
    // The second search covered n420..n839, so it picked from those.
    assert.ok(second.kind === 'fit' && Number(second.node.slice(1)) >= 420 && Number(second.node.slice(1)) < 840, second.kind === 'fit' ? second.node : '');
  });
});

describe('how many nodes to find feasible', () => {
  it('is every node in small clusters, then an adaptive share, never below 100 nodes or 5 %', () => {
    assert.equal(feasibleNodesToFind(50), 50);
    assert.equal(feasibleNodesToFind(100), 100);
    assert.equal(feasibleNodesToFind(1000), 420);
    assert.equal(feasibleNodesToFind(5000), 500);
    assert.equal(feasibleNodesToFind(200), 100);
    assert.equal(feasibleNodesToFind(1000, 100), 1000);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isRejection } from '../framework.ts';
import { makeCluster, makeNode, makePodInfo, runFilter, runScore } from '../testing.ts';
import { nodeAffinityFilter, nodeAffinityScore } from './node-affinity.ts';

const cluster = makeCluster([
  makeNode('ssd-a', { labels: { disk: 'ssd', zone: 'a', cores: '16' } }),
  makeNode('hdd-b', { labels: { disk: 'hdd', zone: 'b', cores: '4' } }),
]);
const notMatching = { plugin: 'NodeAffinity', code: 'UnschedulableAndUnresolvable', reasons: ["node(s) didn't match Pod's node affinity/selector"] };

describe('node affinity filter', () => {
  it('has nothing to check for a pod without nodeSelector or required affinity', () => {
    assert.equal(nodeAffinityFilter.prepare({ pod: makePodInfo('p'), snapshot: cluster }), null);
  });

  it('requires every nodeSelector label', () => {
    const pod = makePodInfo('p', { nodeSelector: { disk: 'ssd' } });
    assert.equal(runFilter(nodeAffinityFilter, pod, cluster, 'ssd-a'), null);
    assert.deepEqual(runFilter(nodeAffinityFilter, pod, cluster, 'hdd-b'), notMatching);
  });

  it('requires one of the required terms to match, and the nodeSelector as well', () => {
    const affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: 'cores', operator: 'Gt', values: ['8'] }] }, { matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] }],
        },
      },
    };
    assert.equal(runFilter(nodeAffinityFilter, makePodInfo('p', { affinity }), cluster, 'ssd-a'), null);
    assert.equal(runFilter(nodeAffinityFilter, makePodInfo('p', { affinity }), cluster, 'hdd-b'), null);
    assert.deepEqual(runFilter(nodeAffinityFilter, makePodInfo('p', { affinity, nodeSelector: { disk: 'ssd' } }), cluster, 'hdd-b'), notMatching);
  });

  it('narrows the nodes to those named by matchFields metadata.name in every term', () => {
    const affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['hdd-b'] }] }],
        },
      },
    };
    const prepared = nodeAffinityFilter.prepare({ pod: makePodInfo('p', { affinity }), snapshot: cluster });
    assert.ok(prepared !== null && !isRejection(prepared));
    assert.deepEqual([...(prepared.nodeNames ?? [])], ['hdd-b']);
  });

  it('reports conflicting terms when the node names they require cannot all hold', () => {
    const affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['a'] }, { key: 'metadata.name', operator: 'In', values: ['b'] }] }],
        },
      },
    };
    assert.deepEqual(nodeAffinityFilter.prepare({ pod: makePodInfo('p', { affinity }), snapshot: cluster }), {
      plugin: 'NodeAffinity',
      code: 'UnschedulableAndUnresolvable',
      reasons: ['pod affinity terms conflict'],
    });
  });

  it('an empty list of required terms matches no node', () => {
    const affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } };
    assert.deepEqual(runFilter(nodeAffinityFilter, makePodInfo('p', { affinity }), cluster, 'ssd-a'), notMatching);
  });
});

describe('node affinity score', () => {
  it('adds the weights of matching preferred terms and scales the best node to 100', () => {
    const affinity = {
      nodeAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 80, preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] } },
          { weight: 20, preference: { matchExpressions: [{ key: 'zone', operator: 'Exists' }] } },
        ],
      },
    };
    assert.deepEqual(runScore(nodeAffinityScore, makePodInfo('p', { affinity }), cluster), { 'ssd-a': 100, 'hdd-b': 20 });
  });

  it('skips pods without preferred terms', () => {
    assert.equal(runScore(nodeAffinityScore, makePodInfo('p'), cluster), null);
  });
});

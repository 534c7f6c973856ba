import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeCluster, makeNode, makePodInfo, runFilter, runScore } from '../testing.ts';
import type { Affinity } from '../types.ts';
import { interPodAffinityFilter, interPodAffinityScore } from './inter-pod-affinity.ts';

const nodes = () => [makeNode('a1', { labels: { zone: 'a' } }), makeNode('a2', { labels: { zone: 'a' } }), makeNode('b1', { labels: { zone: 'b' } })];
const term = (app: string, topologyKey = 'zone') => ({ labelSelector: { matchLabels: { app } }, topologyKey });
const db = makePodInfo('db', { labels: { app: 'db' } });

describe('inter-pod affinity filter', () => {
  it('required affinity: only the domains holding a matching pod', () => {
    const cluster = makeCluster(nodes(), [{ pod: db, node: 'a1' }]);
    const pod = makePodInfo('p', { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('db')] } } });
    assert.equal(runFilter(interPodAffinityFilter, pod, cluster, 'a2'), null);
    assert.deepEqual(runFilter(interPodAffinityFilter, pod, cluster, 'b1'), {
      plugin: 'InterPodAffinity',
      code: 'UnschedulableAndUnresolvable',
      reasons: ["node(s) didn't match pod affinity rules"],
    });
  });

  it('required affinity to pods that exist nowhere lets the first pod matching its own terms in', () => {
    const cluster = makeCluster(nodes());
    const affinity: Affinity = { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('cache')] } };
    assert.equal(runFilter(interPodAffinityFilter, makePodInfo('first', { labels: { app: 'cache' }, affinity }), cluster, 'b1'), null);
    assert.notEqual(runFilter(interPodAffinityFilter, makePodInfo('other', { labels: { app: 'web' }, affinity }), cluster, 'b1'), null);
  });

  it('required anti-affinity: no domain holding a matching pod', () => {
    const cluster = makeCluster(nodes(), [{ pod: db, node: 'a1' }]);
    const pod = makePodInfo('p', { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('db')] } } });
    assert.deepEqual(runFilter(interPodAffinityFilter, pod, cluster, 'a2'), {
      plugin: 'InterPodAffinity',
      code: 'Unschedulable',
      reasons: ["node(s) didn't match pod anti-affinity rules"],
    });
    assert.equal(runFilter(interPodAffinityFilter, pod, cluster, 'b1'), null);
  });

  it('placed pods\' required anti-affinity keeps matching pods out of their domain', () => {
    const loner = makePodInfo('loner', { labels: { app: 'loner' }, affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('web', 'kubernetes.io/hostname')] } } });
    const cluster = makeCluster(nodes(), [{ pod: loner, node: 'a1' }]);
    const webPod = makePodInfo('w', { labels: { app: 'web' } });
    assert.deepEqual(runFilter(interPodAffinityFilter, webPod, cluster, 'a1'), {
      plugin: 'InterPodAffinity',
      code: 'Unschedulable',
      reasons: ["node(s) didn't satisfy existing pods anti-affinity rules"],
    });
    assert.equal(runFilter(interPodAffinityFilter, webPod, cluster, 'a2'), null);
  });

  it('terms look only at the pod\'s namespace unless they name others', () => {
    const elsewhere = makePodInfo('db', { namespace: 'other', labels: { app: 'db' } });
    const cluster = makeCluster(nodes(), [{ pod: elsewhere, node: 'a1' }]);
    const own = makePodInfo('p', { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('db')] } } });
    assert.equal(runFilter(interPodAffinityFilter, own, cluster, 'a2'), null);
    const named = makePodInfo('q', { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ ...term('db'), namespaces: ['other'] }] } } });
    assert.notEqual(runFilter(interPodAffinityFilter, named, cluster, 'a2'), null);
    const all = makePodInfo('r', { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ ...term('db'), namespaceSelector: {} }] } } });
    assert.notEqual(runFilter(interPodAffinityFilter, all, cluster, 'a2'), null);
  });

  it('has nothing to check without required terms on either side', () => {
    assert.equal(interPodAffinityFilter.prepare({ pod: makePodInfo('p'), snapshot: makeCluster(nodes(), [{ pod: db, node: 'a1' }]) }), null);
  });
});

describe('inter-pod affinity score', () => {
  it('preferred affinity raises, preferred anti-affinity lowers the domains of matching pods', () => {
    const cluster = makeCluster(nodes(), [{ pod: db, node: 'a1' }]);
    const near = makePodInfo('near', { affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: term('db') }] } } });
    assert.deepEqual(runScore(interPodAffinityScore, near, cluster), { a1: 100, a2: 100, b1: 0 });
    const far = makePodInfo('far', { affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: term('db') }] } } });
    assert.deepEqual(runScore(interPodAffinityScore, far, cluster), { a1: 0, a2: 0, b1: 100 });
  });

  it('placed pods\' required affinity terms draw pods they select', () => {
    const follower = makePodInfo('f', { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('web')] } } });
    const cluster = makeCluster(nodes(), [{ pod: follower, node: 'b1' }]);
    assert.deepEqual(runScore(interPodAffinityScore, makePodInfo('w', { labels: { app: 'web' } }), cluster), { a1: 0, a2: 0, b1: 100 });
  });

  it('skips when no term anywhere applies', () => {
    assert.equal(runScore(interPodAffinityScore, makePodInfo('p'), makeCluster(nodes(), [{ pod: db, node: 'a1' }])), null);
  });
});

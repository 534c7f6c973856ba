import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeCluster, makeNode, makePodInfo, runFilter, runScore } from '../testing.ts';
import { podTopologySpreadFilter, podTopologySpreadScore } from './pod-topology-spread.ts';

const zoneSpread = (maxSkew: number, when = 'DoNotSchedule') => [{ maxSkew, topologyKey: 'zone', whenUnsatisfiable: when, labelSelector: { matchLabels: { app: 'web' } } }];
const web = (name: string) => makePodInfo(name, { labels: { app: 'web' } });

describe('topology spread filter', () => {
  const cluster = makeCluster(
    [makeNode('a1', { labels: { zone: 'a' } }), makeNode('a2', { labels: { zone: 'a' } }), makeNode('b1', { labels: { zone: 'b' } }), makeNode('nolabel')],
    [{ pod: web('w1'), node: 'a1' }, { pod: web('w2'), node: 'a2' }, { pod: web('w3'), node: 'b1' }],
  );

  it('refuses a domain that would exceed maxSkew over the emptiest domain', () => {
    const pod = makePodInfo('p', { labels: { app: 'web' }, spread: zoneSpread(1) });
    // zone a has 2, zone b has 1: a would become 3 - 1 = 2 > 1.
    assert.deepEqual(runFilter(podTopologySpreadFilter, pod, cluster, 'a1'), {
      plugin: 'PodTopologySpread',
      code: 'Unschedulable',
      reasons: ["node(s) didn't match pod topology spread constraints"],
    });
    assert.equal(runFilter(podTopologySpreadFilter, pod, cluster, 'b1'), null);
  });

  it('refuses, as unresolvable, a node without the topology label', () => {
    const pod = makePodInfo('p', { labels: { app: 'web' }, spread: zoneSpread(1) });
    assert.deepEqual(runFilter(podTopologySpreadFilter, pod, cluster, 'nolabel'), {
      plugin: 'PodTopologySpread',
      code: 'UnschedulableAndUnresolvable',
      reasons: ["node(s) didn't match pod topology spread constraints (missing required label)"],
    });
  });

  it('does not count the incoming pod when it does not match its own selector', () => {
    const pod = makePodInfo('p', { labels: { app: 'other' }, spread: zoneSpread(1) });
    assert.equal(runFilter(podTopologySpreadFilter, pod, cluster, 'a1'), runFilter(podTopologySpreadFilter, pod, cluster, 'b1'));
    assert.deepEqual(runFilter(podTopologySpreadFilter, pod, cluster, 'a1'), null);
  });

  it('with minDomains above the number of domains, the global minimum is 0', () => {
    const pod = makePodInfo('p', { labels: { app: 'web' }, spread: [{ maxSkew: 1, minDomains: 3, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } } }] });
    assert.notEqual(runFilter(podTopologySpreadFilter, pod, cluster, 'b1'), null);
  });

  it('counts only nodes that pass the pod\'s node affinity', () => {
    const pod = makePodInfo('p', { labels: { app: 'web' }, spread: zoneSpread(1), nodeSelector: { zone: 'a' } });
    // Zone b is out of the picture, so zone a's minimum is its own count.
    assert.equal(runFilter(podTopologySpreadFilter, pod, cluster, 'a1'), null);
  });

  it('ScheduleAnyway constraints do not filter', () => {
    const pod = makePodInfo('p', { labels: { app: 'web' }, spread: zoneSpread(1, 'ScheduleAnyway') });
    assert.equal(podTopologySpreadFilter.prepare({ pod, snapshot: cluster }), null);
  });
});

describe('topology spread score', () => {
  it('prefers domains with fewer matching pods', () => {
    const cluster = makeCluster(
      [makeNode('a1', { labels: { zone: 'a' } }), makeNode('b1', { labels: { zone: 'b' } })],
      [{ pod: web('w1'), node: 'a1' }, { pod: web('w2'), node: 'a1' }],
    );
    const scores = runScore(podTopologySpreadScore, makePodInfo('p', { labels: { app: 'web' }, spread: zoneSpread(1, 'ScheduleAnyway') }), cluster);
    assert.equal(scores?.b1, 100);
    assert.ok((scores?.a1 ?? 100) < 100);
  });

  it('by default spreads the replicas of one controller over hosts', () => {
    const replica = (name: string) => makePodInfo(name, { owner: 'rs-1' });
    const cluster = makeCluster([makeNode('n1'), makeNode('n2')], [{ pod: replica('r1'), node: 'n1' }, { pod: replica('r2'), node: 'n1' }, { pod: makePodInfo('stranger'), node: 'n2' }]);
    const scores = runScore(podTopologySpreadScore, replica('r3'), cluster);
    assert.ok(scores !== null && (scores.n2 ?? 0) > (scores.n1 ?? 0), JSON.stringify(scores));
  });

  it('skips a pod without constraints or a controller', () => {
    assert.equal(runScore(podTopologySpreadScore, makePodInfo('p'), makeCluster([makeNode('n')])), null);
  });
});

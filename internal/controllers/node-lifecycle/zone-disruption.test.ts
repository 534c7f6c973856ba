import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { noExecuteModes, zoneOf, zoneStates } from './zone-disruption.ts';

const nodes = (zone: string, ready: number, notReady: number) => [
  ...Array.from({ length: ready }, () => ({ zone, ready: true })),
  ...Array.from({ length: notReady }, () => ({ zone, ready: false })),
];

describe('zone disruption', () => {
  it('one node down among two evicts as usual', () => {
    assert.deepEqual([...noExecuteModes(zoneStates(nodes('', 1, 1)))], [['', 'normal']]);
  });

  it('every node of every zone down lifts NoExecute taints instead of evicting everything', () => {
    assert.deepEqual([...noExecuteModes(zoneStates([...nodes('a', 0, 2), ...nodes('b', 0, 1)]))].map(([, m]) => m), ['release', 'release']);
  });

  it('a whole zone down while another is up still evicts there', () => {
    const modes = noExecuteModes(zoneStates([...nodes('a', 0, 2), ...nodes('b', 3, 0)]));
    assert.equal(modes.get('a'), 'normal');
  });

  it('a small zone with more than two nodes and 55% of them down holds new taints', () => {
    assert.equal(noExecuteModes(zoneStates(nodes('a', 2, 3))).get('a'), 'hold');
    assert.equal(noExecuteModes(zoneStates(nodes('a', 3, 2))).get('a'), 'normal');
    assert.equal(noExecuteModes(zoneStates(nodes('a', 30, 40))).get('a'), 'normal', 'large zones keep evicting');
  });

  it('zones come from the topology labels, region and zone together', () => {
    assert.equal(zoneOf({}), '');
    assert.notEqual(zoneOf({ 'topology.kubernetes.io/region': 'r', 'topology.kubernetes.io/zone': 'z' }), zoneOf({ 'topology.kubernetes.io/zone': 'z' }));
  });
});

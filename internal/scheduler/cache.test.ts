import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeCluster, makeNode, makePodInfo } from './testing.ts';

describe('scheduler cache', () => {
  it('an assumed pod counts at once; its confirmation does not count it twice', () => {
    const cache = makeCluster([makeNode('n')]);
    cache.assume(makePodInfo('p', { cpu: '1' }), 'n');
    assert.equal(cache.get('n')?.requested.milliCpu, 1000);
    assert.equal(cache.isAssumed('default/p'), true);
    cache.setPod(makePodInfo('p', { cpu: '1' }), 'n');
    assert.equal(cache.get('n')?.requested.milliCpu, 1000);
    assert.equal(cache.isAssumed('default/p'), false);
    cache.forget('default/p');
    assert.equal(cache.get('n')?.pods.size, 1, 'forgetting a confirmed pod keeps it');
  });

  it('pods bound to a node not seen yet count once the node arrives, and wait again when it leaves', () => {
    const cache = makeCluster([]);
    cache.setPod(makePodInfo('early', { cpu: '500m' }), 'late-node');
    cache.setNode(makeNode('late-node'));
    assert.equal(cache.get('late-node')?.requested.milliCpu, 500);
    cache.removeNode('late-node');
    assert.equal(cache.nodes.length, 0);
    cache.setNode(makeNode('late-node'));
    assert.equal(cache.get('late-node')?.requested.milliCpu, 500);
  });

  it('a pod moved to another node stops counting on the first', () => {
    const cache = makeCluster([makeNode('a'), makeNode('b')]);
    cache.assume(makePodInfo('p', { cpu: '1' }), 'a');
    cache.setPod(makePodInfo('p', { cpu: '1' }), 'b');
    assert.equal(cache.get('a')?.requested.milliCpu, 0);
    assert.equal(cache.get('b')?.requested.milliCpu, 1000);
    cache.removePod('default/p');
    assert.equal(cache.get('b')?.requested.milliCpu, 0);
  });

  it('a node update keeps its pods and takes the new allocatable', () => {
    const cache = makeCluster([makeNode('n', { cpu: '1' })], [{ pod: makePodInfo('p', { cpu: '1' }), node: 'n' }]);
    assert.equal(cache.setNode(makeNode('n', { cpu: '8' })), false);
    assert.equal(cache.get('n')?.allocatable.milliCpu, 8000);
    assert.equal(cache.get('n')?.pods.size, 1);
  });
});

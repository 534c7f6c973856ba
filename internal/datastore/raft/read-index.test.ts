import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryStorage } from './memory-storage.ts';
import { RawNode } from './raw-node.ts';
import { TestNetwork, bytes } from './test-network.ts';

function cluster(): TestNetwork {
  const net = new TestNetwork(['a', 'b', 'c']);
  net.get('a').node.campaign();
  net.stabilize();
  net.get('a').node.propose(bytes('x'));
  net.stabilize();
  return net;
}

test('a leader answers a read only after a heartbeat round confirms it still leads (thesis §6.4)', () => {
  const net = cluster();
  const a = net.get('a');
  a.node.readIndex('r1');
  net.process('a');
  assert.deepEqual(a.readStates, []);
  net.stabilize();
  assert.deepEqual(a.readStates, [{ index: a.node.status().commit, context: 'r1' }]);
});

test('a leader cut off from the quorum never answers a read', () => {
  const net = cluster();
  net.isolate('a');
  net.get('a').node.readIndex('r1');
  net.tickAll(5);
  assert.deepEqual(net.get('a').readStates, []);
});

test('a read on a follower is answered with the leader\'s commit index (thesis §6.4)', () => {
  const net = cluster();
  net.get('c').node.readIndex('on-c');
  net.stabilize();
  assert.deepEqual(net.get('c').readStates, [{ index: net.get('a').node.status().commit, context: 'on-c' }]);
});

test('reads queued together are all confirmed by the heartbeat round of the newest one', () => {
  const net = cluster();
  const a = net.get('a');
  // Only the newest round may confirm both: r1's own round is lost.
  net.drop = (m) => m.type === 'heartbeat' && m.context === 'r1';
  a.node.readIndex('r1');
  a.node.readIndex('r2');
  net.stabilize();
  assert.deepEqual(a.readStates.map((s) => s.context), ['r1', 'r2']);
});

test('a new leader holds reads until it has committed an entry of its term', () => {
  const net = new TestNetwork(['a', 'b', 'c']);
  const a = net.get('a');
  a.node.campaign();
  // Deliver the votes but not the first appends: the empty entry of the term is not committed.
  net.drop = (m) => m.type === 'app' || m.type === 'heartbeat';
  net.stabilize();
  assert.equal(a.node.status().role, 'leader');
  a.node.readIndex('early');
  net.stabilize();
  assert.equal(a.readStates.length, 0);
  net.heal();
  net.tickAll(2);
  assert.equal(a.readStates.length, 1);
  assert.ok((a.readStates[0]?.index ?? 0) >= 1);
  assert.equal(a.readStates[0]?.index, a.node.status().commit);
});

test('a single-voter leader answers a read at once', () => {
  const storage = new MemoryStorage({ voters: ['a'], learners: [] });
  const node = new RawNode({ id: 'a', storage });
  node.campaign();
  const rd = node.ready();
  storage.append(rd.entries);
  node.advance();
  node.readIndex('solo');
  assert.deepEqual(node.ready().readStates, [{ index: 1, context: 'solo' }]);
});

test('a read without a known leader is dropped', () => {
  const net = new TestNetwork(['a', 'b', 'c']);
  net.get('b').node.readIndex('nobody');
  assert.equal(net.get('b').node.hasReady(), false);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TestNetwork, bytes, text } from './test-network.ts';
import { ProposalDroppedError } from './types.ts';

function cluster(): TestNetwork {
  const net = new TestNetwork(['a', 'b', 'c']);
  net.get('a').node.campaign();
  net.stabilize();
  return net;
}

test('a leader hands leadership to an up-to-date follower, which wins the next term at once (§3.10)', () => {
  const net = cluster();
  const term = net.get('a').node.status().term;
  net.get('a').node.transferLeadership('b');
  net.stabilize();
  assert.deepEqual(net.leaders(), ['b']);
  assert.equal(net.get('b').node.status().term, term + 1);
  assert.ok(net.delivered.some((m) => m.type === 'timeout-now' && m.to === 'b'));
});

test('a transfer to a lagging follower first brings its log up to date, refusing proposals meanwhile (§3.10)', () => {
  const net = cluster();
  net.isolate('c');
  for (let i = 0; i < 5; i++) net.get('a').node.propose(bytes(`v${i}`));
  net.stabilize();
  net.get('a').node.transferLeadership('c');
  assert.throws(() => net.get('a').node.propose(bytes('refused')), ProposalDroppedError);
  assert.equal(net.get('a').node.status().transferee, 'c');
  net.heal();
  net.tickAll(2);
  assert.deepEqual(net.leaders(), ['c']);
  assert.deepEqual(net.get('c').applied.map(text), ['v0', 'v1', 'v2', 'v3', 'v4']);
});

test('a transfer that does not finish within an election timeout is abandoned', () => {
  const net = cluster();
  net.isolate('c');
  net.get('a').node.transferLeadership('c');
  net.tick('a', 9);
  assert.equal(net.get('a').node.status().transferee, 'c');
  // b still answers, so a keeps leading (check-quorum passes) and takes proposals again.
  net.cut('a', 'c');
  net.tickAll(2);
  assert.equal(net.get('a').node.status().transferee, '');
  assert.deepEqual(net.leaders(), ['a']);
  net.get('a').node.propose(bytes('accepted'));
});

test('a transfer to a learner, to itself or to a stranger is ignored', () => {
  const net = cluster();
  net.add('d');
  net.get('a').node.proposeConfChange({ type: 'add-learner', id: 'd' });
  net.stabilize();
  for (const target of ['d', 'a', 'zz']) {
    net.get('a').node.transferLeadership(target);
    assert.equal(net.get('a').node.status().transferee, '');
  }
});

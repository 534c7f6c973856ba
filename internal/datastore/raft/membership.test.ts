import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TestNetwork, bytes, text } from './test-network.ts';
import { ProposalDroppedError } from './types.ts';

function cluster(): TestNetwork {
  const net = new TestNetwork(['a', 'b', 'c']);
  net.get('a').node.campaign();
  net.stabilize();
  net.get('a').node.propose(bytes('before'));
  net.stabilize();
  return net;
}

test('a learner joins with empty storage, catches up, never campaigns, and is promoted to voter (thesis §4.2.1)', () => {
  const net = cluster();
  const d = net.add('d');
  assert.throws(() => d.node.propose(bytes('x')), ProposalDroppedError);
  net.get('a').node.proposeConfChange({ type: 'add-learner', id: 'd', context: 'http://d' });
  net.stabilize();
  assert.deepEqual(d.applied.map(text), ['before']);
  assert.deepEqual(d.node.status().conf, { voters: [], learners: ['d'] });
  assert.deepEqual(net.get('a').node.status().conf, { voters: ['a', 'b', 'c'], learners: ['d'] });

  // Learners never campaign, and their acknowledgements do not make a quorum.
  net.isolate('a');
  net.tick('d', 100);
  d.node.campaign();
  assert.equal(d.node.status().role, 'follower');
  net.heal();
  net.cut('a', 'b', 'c');
  net.get('a').node.propose(bytes('needs a voter'));
  net.stabilize();
  assert.deepEqual(d.applied.map(text), ['before']);
  assert.equal(net.get('a').node.status().progress.get('d')?.match, net.get('a').storage.lastIndex());
  net.heal();
  net.tickAll(2);

  net.get('a').node.proposeConfChange({ type: 'promote', id: 'd' });
  net.stabilize();
  for (const m of net.members.values()) assert.deepEqual(m.conf.voters, m.id === 'd' ? ['d'] : ['a', 'b', 'c', 'd']);
  // Four voters need three: a and d alone commit nothing.
  net.cut('a', 'b', 'c');
  net.get('a').node.propose(bytes('two of four'));
  net.stabilize();
  assert.deepEqual(net.get('a').applied.map(text), ['before', 'needs a voter']);
});

test('membership changes are refused while one is pending, or when they make no sense (thesis §4.1)', () => {
  const net = cluster();
  const a = net.get('a').node;
  assert.throws(() => a.proposeConfChange({ type: 'promote', id: 'b' }), /b is not a learner/);
  assert.throws(() => a.proposeConfChange({ type: 'add-learner', id: 'c' }), /c is already a member/);
  assert.throws(() => a.proposeConfChange({ type: 'remove', id: 'zz' }), /zz is not a member/);
  a.proposeConfChange({ type: 'add-learner', id: 'd' });
  assert.throws(() => a.proposeConfChange({ type: 'add-learner', id: 'e' }), /not applied yet/);
  net.stabilize();
  a.proposeConfChange({ type: 'add-learner', id: 'e' });
  net.stabilize();
  assert.deepEqual(a.status().conf.learners, ['d', 'e']);
});

test('the last voter cannot be removed', () => {
  const net = new TestNetwork(['a']);
  net.get('a').node.campaign();
  net.stabilize();
  assert.throws(() => net.get('a').node.proposeConfChange({ type: 'remove', id: 'a' }), /last voter/);
});

test('a new leader accepts no membership change before an entry of its term is applied', () => {
  const net = new TestNetwork(['a', 'b', 'c']);
  net.drop = (m) => m.type === 'app';
  net.get('a').node.campaign();
  net.stabilize();
  assert.throws(() => net.get('a').node.proposeConfChange({ type: 'add-learner', id: 'd' }), /not applied yet/);
});

test('a removed follower receives nothing more and the rest carry on', () => {
  const net = cluster();
  net.get('a').node.proposeConfChange({ type: 'remove', id: 'c' });
  net.stabilize();
  assert.deepEqual(net.get('a').node.status().conf, { voters: ['a', 'b'], learners: [] });
  net.delivered = [];
  net.get('a').node.propose(bytes('after'));
  net.tickAll(3);
  assert.deepEqual(net.delivered.filter((m) => m.to === 'c'), []);
  assert.deepEqual(net.get('b').applied.map(text), ['before', 'after']);
  assert.throws(() => net.get('c').node.propose(bytes('x')), ProposalDroppedError);
  net.tickAll(50);
  assert.equal(net.get('c').node.status().role, 'follower');
});

test('a leader that removes itself steps down and a remaining voter takes over', () => {
  const net = cluster();
  net.get('a').node.proposeConfChange({ type: 'remove', id: 'a' });
  net.stabilize();
  assert.equal(net.get('a').node.status().role, 'follower');
  // Handed over at once (timeout-now), not found by an election after a timeout.
  assert.equal(net.leaders().filter((id) => id !== 'a').length, 1, 'no voter took over without an election timeout');
  net.tickAll(25);
  const leaders = net.leaders();
  assert.equal(leaders.length, 1);
  assert.notEqual(leaders[0], 'a');
  const leader = net.get(leaders[0] ?? '');
  assert.deepEqual(leader.node.status().conf, { voters: ['b', 'c'], learners: [] });
  assert.equal(net.get('a').node.status().role, 'follower');
  leader.node.propose(bytes('without a'));
  net.stabilize();
  assert.deepEqual(net.get('b').applied.map(text), ['before', 'without a']);
  assert.deepEqual(net.get('a').applied.map(text), ['before']);
});

test('re-applying membership entries after a restart leaves the membership unchanged', () => {
  const net = cluster();
  net.add('d');
  net.get('a').node.proposeConfChange({ type: 'add-learner', id: 'd' });
  net.stabilize();
  net.get('a').node.proposeConfChange({ type: 'promote', id: 'd' });
  net.stabilize();
  net.restart('b');
  net.process('b');
  assert.deepEqual(net.get('b').node.status().conf, { voters: ['a', 'b', 'c', 'd'], learners: [] });
});

test('a follower forwards a membership change to the leader', () => {
  const net = cluster();
  net.add('d');
  net.get('b').node.proposeConfChange({ type: 'add-learner', id: 'd' });
  net.stabilize();
  assert.deepEqual(net.get('a').node.status().conf.learners, ['d']);
  assert.throws(() => net.get('b').node.proposeConfChange({ type: 'add-learner', id: 'd' }), /already a member/);
});

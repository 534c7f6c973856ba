import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bootstrapEntries } from './bootstrap.ts';
import { MemoryStorage } from './memory-storage.ts';
import { RawNode } from './raw-node.ts';
import { TestNetwork } from './test-network.ts';
import { decodeConfChange } from './types.ts';
import type { Message } from './types.ts';

test('a single-voter cluster elects itself at once and commits its bootstrap log (§5.2)', () => {
  const storage = new MemoryStorage({ voters: ['a'], learners: [] });
  storage.append(bootstrapEntries('a', 'http://a'));
  storage.setHardState({ term: 1, vote: '', commit: 2 });
  const node = new RawNode({ id: 'a', storage });
  node.campaign();
  assert.equal(node.status().role, 'leader');
  assert.equal(node.status().term, 2);
  const rd = node.ready();
  assert.deepEqual(
    rd.committedEntries.map((e) => decodeConfChange(e.data)),
    [
      { type: 'add-learner', id: 'a', context: 'http://a' },
      { type: 'promote', id: 'a', context: 'http://a' },
    ],
  );
  for (const entry of rd.committedEntries) node.applyConfChange(decodeConfChange(entry.data));
  assert.deepEqual(node.status().conf, { voters: ['a'], learners: [] });
  assert.deepEqual(rd.softState, { leader: 'a', role: 'leader' });
  assert.deepEqual(rd.entries.map((e) => [e.index, e.term]), [[3, 2]]);
  storage.append(rd.entries);
  node.advance();
  assert.equal(node.status().commit, 3);
});

test('a single-voter cluster becomes leader from ticks alone after its election timeout', () => {
  const net = new TestNetwork(['a']);
  net.tickAll(19);
  assert.deepEqual(net.leaders(), ['a']);
});

test('three nodes elect one leader and replicate to all of them (§5.2, §5.3)', () => {
  const net = new TestNetwork(['a', 'b', 'c']);
  net.tickAll(25);
  const leaders = net.leaders();
  assert.equal(leaders.length, 1);
  const leader = net.get(leaders[0] ?? '');
  for (const m of net.members.values()) assert.equal(m.node.status().leader, leader.id);
  leader.node.propose(new TextEncoder().encode('x'));
  net.stabilize();
  for (const m of net.members.values()) assert.deepEqual(m.applied.map((e) => new TextDecoder().decode(e.data)), ['x']);
});

test('a follower forwards a proposal to the leader', () => {
  const net = new TestNetwork(['a', 'b', 'c']);
  net.get('a').node.campaign();
  net.stabilize();
  net.get('b').node.propose(new TextEncoder().encode('from b'));
  net.stabilize();
  assert.equal(net.get('c').applied.length, 1);
});

test('a split vote is retried with a fresh randomized timeout until one leader wins (§5.2)', () => {
  const net = new TestNetwork(['a', 'b', 'c', 'd'], { preVote: false });
  // a and b campaign together; c hears only a, d hears only b: two votes each of four.
  net.drop = (m) => (m.from === 'a' && m.to === 'd') || (m.from === 'b' && m.to === 'c');
  net.get('a').node.campaign();
  net.get('b').node.campaign();
  net.stabilize();
  assert.deepEqual(net.leaders(), []);
  assert.equal(net.get('a').node.status().role, 'candidate');
  assert.equal(net.get('b').node.status().role, 'candidate');
  net.heal();
  net.tickAll(40);
  assert.equal(net.leaders().length, 1);
  assert.ok((net.get(net.leaders()[0] ?? '').node.status().term ?? 0) >= 2);
});

test('a vote goes only to a candidate whose log is at least as up to date (§5.4.1)', () => {
  const storage = new MemoryStorage({ voters: ['a', 'b'], learners: [] });
  storage.append([{ index: 1, term: 2, type: 'normal', data: new Uint8Array() }]);
  storage.setHardState({ term: 2, vote: '', commit: 0 });
  const node = new RawNode({ id: 'a', storage, preVote: false });
  node.step(message({ type: 'vote', from: 'b', to: 'a', term: 3, index: 5, logTerm: 1 }));
  const rejected = node.ready().messages[0];
  assert.equal(rejected?.reject, true);
  node.step(message({ type: 'vote', from: 'b', to: 'a', term: 3, index: 1, logTerm: 2 }));
  const rd = node.ready();
  assert.equal(rd.messages[0]?.reject, false);
  assert.deepEqual(rd.hardState, { term: 3, vote: 'b', commit: 0 });
});

test('a vote once given in a term survives a restart and is not given to another (§5.2)', () => {
  const storage = new MemoryStorage({ voters: ['a', 'b', 'c'], learners: [] });
  let node = new RawNode({ id: 'a', storage, preVote: false });
  node.step(message({ type: 'vote', from: 'b', to: 'a', term: 5 }));
  const rd = node.ready();
  if (rd.hardState !== undefined) storage.setHardState(rd.hardState);
  node = new RawNode({ id: 'a', storage, preVote: false });
  node.step(message({ type: 'vote', from: 'c', to: 'a', term: 5 }));
  assert.equal(node.ready().messages[0]?.reject, true);
  node.step(message({ type: 'vote', from: 'b', to: 'a', term: 5 }));
  assert.equal(node.ready().messages[0]?.reject, false);
});

test('pre-vote keeps a partitioned node from raising its term and disrupting the leader (§9.6)', () => {
  const net = new TestNetwork(['a', 'b', 'c']);
  net.get('a').node.campaign();
  net.stabilize();
  const term = net.get('a').node.status().term;
  net.isolate('c');
  net.tickAll(100);
  assert.equal(net.get('c').node.status().term, term);
  net.heal();
  net.tickAll(5);
  assert.deepEqual(net.leaders(), ['a']);
  assert.equal(net.get('a').node.status().term, term);
});

test('without pre-vote a partitioned node does raise its term (the disruption pre-vote prevents)', () => {
  const net = new TestNetwork(['a', 'b', 'c'], { preVote: false });
  net.get('a').node.campaign();
  net.stabilize();
  const term = net.get('a').node.status().term;
  net.isolate('c');
  net.tickAll(100);
  assert.ok(net.get('c').node.status().term > term);
});

test('a follower that hears from its leader ignores a vote request of a higher term (leader stickiness, §4.2.3)', () => {
  const net = new TestNetwork(['a', 'b', 'c']);
  net.get('a').node.campaign();
  net.stabilize();
  const c = net.get('c').node;
  c.step(message({ type: 'vote', from: 'b', to: 'c', term: 9, index: 100, logTerm: 9 }));
  assert.equal(c.status().term, 1);
  assert.equal(c.hasReady(), false);
  c.step(message({ type: 'vote', from: 'b', to: 'c', term: 9, index: 100, logTerm: 9, context: 'transfer' }));
  assert.equal(c.status().term, 9);
  assert.equal(c.status().vote, 'b');
});

test('a leader that stops hearing from a quorum steps down after an election timeout (check-quorum, §6.2)', () => {
  const net = new TestNetwork(['a', 'b', 'c']);
  net.get('a').node.campaign();
  net.stabilize();
  net.isolate('a');
  net.tick('a', 9);
  assert.equal(net.get('a').node.status().role, 'leader');
  net.tick('a', 11);
  assert.equal(net.get('a').node.status().role, 'follower');
});

test('a stale leader learns the newer term from the answer to its heartbeat and steps down', () => {
  const net = new TestNetwork(['a', 'b', 'c'], { checkQuorum: false });
  net.get('a').node.campaign();
  net.stabilize();
  net.isolate('a');
  net.get('b').node.campaign();
  net.stabilize();
  assert.equal(net.get('b').node.status().role, 'leader');
  net.heal();
  net.tick('a');
  net.stabilize();
  assert.deepEqual(net.leaders(), ['b']);
  assert.equal(net.get('a').node.status().term, net.get('b').node.status().term);
  net.tick('b');
  net.stabilize();
  assert.equal(net.get('a').node.status().leader, 'b');
});

test('election timeouts are drawn from [electionTicks, 2 * electionTicks) by the injected random source', () => {
  for (const random of [() => 0, () => 0.999]) {
    const storage = new MemoryStorage({ voters: ['a', 'b'], learners: [] });
    const node = new RawNode({ id: 'a', storage, electionTicks: 10, random });
    let ticks = 0;
    while (node.status().role === 'follower') {
      node.tick();
      ticks++;
    }
    assert.equal(ticks, random() === 0 ? 10 : 19);
  }
});

test('messages from unknown members, of stale terms or duplicated are ignored without throwing', () => {
  const net = new TestNetwork(['a', 'b', 'c']);
  net.get('a').node.campaign();
  net.stabilize();
  const a = net.get('a').node;
  a.step(message({ type: 'app-resp', from: 'zz', to: 'a', term: 1, index: 99 }));
  a.step(message({ type: 'heartbeat-resp', from: 'zz', to: 'a', term: 1 }));
  a.step(message({ type: 'vote-resp', from: 'b', to: 'a', term: 0 }));
  for (const m of net.delivered.slice()) net.get(m.to).node.step(m);
  net.stabilize();
  assert.deepEqual(net.leaders(), ['a']);
});

function message(fields: Partial<Message> & Pick<Message, 'type' | 'from' | 'to' | 'term'>): Message {
  return { logTerm: 0, index: 0, entries: [], commit: 0, reject: false, rejectHint: 0, ...fields };
}

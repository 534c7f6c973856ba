import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryStorage } from './memory-storage.ts';
import { RawNode } from './raw-node.ts';
import { ProposalDroppedError } from './types.ts';
import type { Entry } from './types.ts';

function entry(index: number, term: number, text = ''): Entry {
  return { index, term, type: 'normal', data: new TextEncoder().encode(text) };
}

test('soft and hard state come out only when they changed', () => {
  const storage = new MemoryStorage({ voters: ['a', 'b', 'c'], learners: [] });
  const node = new RawNode({ id: 'a', storage, preVote: false });
  assert.equal(node.hasReady(), false);
  node.campaign();
  const rd = node.ready();
  assert.deepEqual(rd.softState, { leader: '', role: 'candidate' });
  assert.deepEqual(rd.hardState, { term: 1, vote: 'a', commit: 0 });
  assert.deepEqual(rd.messages.map((m) => [m.type, m.to, m.term]), [['vote', 'b', 1], ['vote', 'c', 1]]);
  node.advance();
  node.tick();
  assert.equal(node.hasReady(), false);
  const quiet = node.ready();
  assert.equal(quiet.softState, undefined);
  assert.equal(quiet.hardState, undefined);
});

test('a restarted node hands out the committed entries after its applied index', () => {
  const storage = new MemoryStorage({ voters: ['a', 'b'], learners: [] });
  storage.append([entry(1, 1, 'one'), entry(2, 1, 'two'), entry(3, 1, 'three')]);
  storage.setHardState({ term: 1, vote: '', commit: 2 });
  const node = new RawNode({ id: 'a', storage, applied: 1 });
  const rd = node.ready();
  assert.deepEqual(rd.committedEntries.map((e) => e.index), [2]);
  assert.deepEqual(rd.entries, []);
  node.advance();
  assert.equal(node.status().applied, 2);
});

test('a node refuses to start from storage whose commit index is beyond its log', () => {
  const storage = new MemoryStorage({ voters: ['a'], learners: [] });
  storage.setHardState({ term: 1, vote: '', commit: 3 });
  assert.throws(() => new RawNode({ id: 'a', storage }), /commit index 3 is beyond the last stored index 0/);
});

test('a proposal is refused without a leader, on a learner and on a node outside the membership', () => {
  const storage = new MemoryStorage({ voters: ['a', 'b'], learners: ['c'] });
  assert.throws(() => new RawNode({ id: 'a', storage }).propose(new Uint8Array()), ProposalDroppedError);
  assert.throws(() => new RawNode({ id: 'c', storage }).propose(new Uint8Array()), /c is not a voter/);
  assert.throws(() => new RawNode({ id: 'x', storage }).propose(new Uint8Array()), /x is not a voter/);
});

test('a node with empty storage and no voters stays a passive follower', () => {
  const node = new RawNode({ id: 'new', storage: new MemoryStorage() });
  for (let i = 0; i < 100; i++) node.tick();
  node.campaign();
  assert.equal(node.status().role, 'follower');
  assert.equal(node.hasReady(), false);
});

test('status reports the leader\'s view of every member and nothing on followers', () => {
  const storage = new MemoryStorage({ voters: ['a', 'b'], learners: [] });
  const node = new RawNode({ id: 'a', storage, preVote: false });
  assert.equal(node.status().progress.size, 0);
  node.campaign();
  node.step({
    type: 'vote-resp', from: 'b', to: 'a', term: 1, logTerm: 0, index: 0, entries: [], commit: 0, reject: false, rejectHint: 0,
  });
  const status = node.status();
  assert.equal(status.role, 'leader');
  assert.deepEqual([...status.progress.keys()].sort(), ['a', 'b']);
  assert.equal(status.progress.get('b')?.state, 'probe');
  assert.equal(status.transferee, '');
});

test('entries handed out once are not handed out again while waiting for advance()', () => {
  const storage = new MemoryStorage({ voters: ['a'], learners: [] });
  const node = new RawNode({ id: 'a', storage });
  node.campaign();
  const first = node.ready();
  assert.equal(first.entries.length, 1);
  node.propose(new TextEncoder().encode('x'));
  const second = node.ready();
  assert.deepEqual(second.entries.map((e) => e.index), [2]);
  storage.append(first.entries);
  storage.append(second.entries);
  node.advance();
  assert.equal(node.status().commit, 2);
});

test('entries committed while an earlier Ready is unacknowledged wait for its advance()', () => {
  const storage = new MemoryStorage({ voters: ['a', 'b'], learners: [] });
  const node = new RawNode({ id: 'b', storage });
  const app = (entries: Entry[], index: number, logTerm: number, commit: number): void =>
    node.step({ type: 'app', from: 'a', to: 'b', term: 1, logTerm, index, entries, commit, reject: false, rejectHint: 0 });
  app([entry(1, 1, 'one')], 0, 0, 0);
  const first = node.ready();
  assert.deepEqual(first.entries.map((e) => e.index), [1]);
  app([entry(2, 1, 'two')], 1, 1, 2);
  const second = node.ready();
  assert.deepEqual(second.entries.map((e) => e.index), [2]);
  assert.deepEqual(second.committedEntries, [], 'entry 1 is neither stored nor in this Ready');
  storage.append([...first.entries, ...second.entries]);
  node.advance();
  assert.deepEqual(node.ready().committedEntries.map((e) => e.index), [1, 2]);
});

test('entries replaced after a Ready handed them out are not marked durable by that Ready\'s advance', () => {
  const storage = new MemoryStorage({ voters: ['a', 'b'], learners: [] });
  const node = new RawNode({ id: 'b', storage, preVote: false });
  const app = (term: number, index: number, logTerm: number, entries: Entry[]) => ({
    type: 'app' as const, from: 'a', to: 'b', term, logTerm, index, entries, commit: 0, reject: false, rejectHint: 0,
  });
  node.step(app(1, 0, 0, [entry(1, 1), entry(2, 1)]));
  const first = node.ready();
  // A new leader replaces entry 2 before the first Ready is acknowledged.
  node.step(app(2, 1, 1, [entry(2, 2)]));
  storage.append(first.entries);
  node.advance();
  assert.deepEqual(node.ready().entries.map((e) => [e.index, e.term]), [[2, 2]]);
});


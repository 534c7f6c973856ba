import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryStorage } from './memory-storage.ts';
import { RawNode } from './raw-node.ts';
import { TestNetwork, bytes, text } from './test-network.ts';
import type { Entry, Message, NodeId } from './types.ts';

const voters = { voters: ['a', 'b', 'c'], learners: [] };

function entries(from: number, to: number, term: number): Entry[] {
  const out: Entry[] = [];
  for (let index = from; index <= to; index++) out.push({ index, term, type: 'normal', data: bytes(`${term}/${index}`) });
  return out;
}

function message(fields: Partial<Message> & Pick<Message, 'type' | 'from' | 'to' | 'term'>): Message {
  return { logTerm: 0, index: 0, entries: [], commit: 0, reject: false, rejectHint: 0, ...fields };
}

/** Persists one Ready the way a driver does, then advances. */
function persist(node: RawNode, storage: MemoryStorage): Message[] {
  const rd = node.ready();
  storage.append(rd.entries);
  if (rd.hardState !== undefined) storage.setHardState(rd.hardState);
  node.advance();
  return rd.messages;
}

test('a leader counts entries of earlier terms as committed only through an entry of its own term (§5.4.2, Figure 8)', () => {
  const storage = new MemoryStorage(voters);
  storage.append([...entries(1, 1, 1), ...entries(2, 2, 2)]);
  storage.setHardState({ term: 2, vote: '', commit: 1 });
  const a = new RawNode({ id: 'a', storage, preVote: false });
  a.campaign();
  a.step(message({ type: 'vote-resp', from: 'b', to: 'a', term: 3 }));
  assert.equal(a.status().role, 'leader');
  persist(a, storage);
  // b now holds index 2 (of term 2): a majority has it, yet it must not commit by counting.
  a.step(message({ type: 'app-resp', from: 'b', to: 'a', term: 3, index: 2 }));
  assert.equal(a.status().commit, 1);
  // Once b holds the leader's empty entry of term 3, both commit together.
  a.step(message({ type: 'app-resp', from: 'b', to: 'a', term: 3, index: 3 }));
  assert.equal(a.status().commit, 3);
});

test('a leader never counts its own unpersisted entries toward a quorum', () => {
  const storage = new MemoryStorage({ voters: ['a'], learners: [] });
  const a = new RawNode({ id: 'a', storage });
  a.campaign();
  persist(a, storage);
  assert.equal(a.status().commit, 1);
  a.propose(bytes('x'));
  const rd = a.ready();
  assert.equal(rd.entries.length, 1);
  assert.equal(a.status().commit, 1, 'nothing commits before the driver persisted the entry');
  assert.equal(a.hasReady(), false);
  storage.append(rd.entries);
  a.advance();
  assert.equal(a.status().commit, 2);
  assert.deepEqual(a.ready().committedEntries.map(text), ['x']);
});

test('an isolated leader of three commits nothing it proposes', () => {
  const net = new TestNetwork(['a', 'b', 'c']);
  net.get('a').node.campaign();
  net.stabilize();
  const commit = net.get('a').node.status().commit;
  net.isolate('a');
  net.get('a').node.propose(bytes('lost'));
  net.stabilize();
  assert.equal(net.get('a').node.status().commit, commit);
  assert.deepEqual(net.get('a').applied, []);
});

test('committed entries never run ahead of what is stored or handed out in the same Ready', () => {
  const storage = new MemoryStorage(voters);
  const b = new RawNode({ id: 'b', storage });
  b.step(message({ type: 'app', from: 'a', to: 'b', term: 1, index: 0, logTerm: 0, entries: entries(1, 3, 1), commit: 3 }));
  const rd = b.ready();
  assert.deepEqual(rd.entries.map((e) => e.index), [1, 2, 3]);
  assert.deepEqual(rd.committedEntries.map((e) => e.index), [1, 2, 3]);
  assert.deepEqual(rd.hardState, { term: 1, vote: '', commit: 3 });
  // Each item comes out once.
  assert.equal(b.hasReady(), false);
  const again = b.ready();
  assert.deepEqual([again.entries, again.committedEntries, again.messages], [[], [], []]);
});

test('a follower replaces a conflicting uncommitted suffix with the leader\'s entries (§5.3)', () => {
  const storage = new MemoryStorage(voters);
  storage.append([...entries(1, 2, 1), ...entries(3, 5, 2)]);
  storage.setHardState({ term: 2, vote: '', commit: 2 });
  const b = new RawNode({ id: 'b', storage });
  b.step(message({ type: 'app', from: 'a', to: 'b', term: 3, index: 2, logTerm: 1, entries: entries(3, 3, 3), commit: 3 }));
  const messages = persist(b, storage);
  assert.equal(storage.lastIndex(), 3);
  assert.equal(storage.term(3), 3);
  assert.deepEqual(
    messages.map((m) => [m.type, m.index, m.reject]),
    [['app-resp', 3, false]],
  );
});

test('a follower\'s rejection hint lets the leader skip a whole divergent term per round trip (§5.3 optimization)', () => {
  const net = new TestNetwork(['a', 'b', 'c'], { preVote: false });
  const shared = entries(1, 10, 1);
  for (const id of ['a', 'c']) {
    net.get(id).storage.append([...shared, ...entries(11, 60, 3)]);
    net.get(id).storage.setHardState({ term: 3, vote: '', commit: 10 });
  }
  net.get('b').storage.append([...shared, ...entries(11, 2010, 2)]);
  net.get('b').storage.setHardState({ term: 3, vote: '', commit: 10 });
  for (const id of ['a', 'b', 'c']) net.restart(id);
  net.get('a').node.campaign();
  net.stabilize();
  assert.deepEqual(net.leaders(), ['a']);
  const rejections = net.delivered.filter((m) => m.type === 'app-resp' && m.from === 'b' && m.reject);
  assert.ok(rejections.length <= 2, `took ${rejections.length} rejections`);
  const b = net.get('b').storage;
  assert.equal(b.lastIndex(), 61);
  assert.equal(b.term(60), 3);
});

test('backtracking also converges when the follower is far behind the leader', () => {
  const net = new TestNetwork(['a', 'b', 'c'], { maxSizePerMsg: 64 });
  net.get('a').node.campaign();
  net.stabilize();
  net.isolate('c');
  for (let i = 0; i < 300; i++) net.get('a').node.propose(bytes(`v${i}`));
  net.stabilize();
  net.heal();
  net.tickAll(3);
  assert.equal(net.get('c').applied.length, 300);
  const rejections = net.delivered.filter((m) => m.type === 'app-resp' && m.from === 'c' && m.reject);
  assert.ok(rejections.length <= 2, `took ${rejections.length} rejections`);
});

test('a leader batches entries by maxSizePerMsg and keeps at most maxInflightMsgs appends in flight', () => {
  const net = new TestNetwork(['a', 'b'], { maxSizePerMsg: 10, maxInflightMsgs: 3 });
  net.get('a').node.campaign();
  net.stabilize();
  const sent: Message[] = [];
  net.drop = (m) => {
    if (m.type === 'app' && m.to === 'b') sent.push(m);
    return m.type === 'app-resp';
  };
  for (let i = 0; i < 20; i++) net.get('a').node.propose(bytes('0123456789'));
  net.stabilize();
  assert.equal(sent.length, 3);
  for (const m of sent) assert.equal(m.entries.length, 1);
  net.heal();
  net.tickAll(2);
  assert.equal(net.get('b').applied.length, 20);
});

test('entries keep flowing through message loss, duplication and reordering', () => {
  const net = new TestNetwork(['a', 'b', 'c']);
  net.get('a').node.campaign();
  net.stabilize();
  let n = 0;
  net.drop = () => n++ % 3 === 0;
  for (let i = 0; i < 30; i++) {
    net.get('a').node.propose(bytes(`v${i}`));
    net.tickAll(1);
  }
  // Replays old traffic in reverse: every message is stale or a duplicate by now.
  for (const m of [...net.delivered].reverse()) net.get(m.to).node.step(m);
  net.heal();
  net.tickAll(5);
  const expected = net.get('a').applied.map(text);
  assert.equal(expected.length, 30);
  for (const id of ['b', 'c'] as NodeId[]) assert.deepEqual(net.get(id).applied.map(text), expected);
});

test('a follower that crashes before persisting what it received is caught up after its restart', () => {
  const net = new TestNetwork(['a', 'b', 'c']);
  net.get('a').node.campaign();
  net.stabilize();
  net.get('a').node.propose(bytes('one'));
  net.stabilize();
  net.get('a').node.propose(bytes('two'));
  net.round();
  // b received "two" but crashes with the Ready that holds it unwritten.
  assert.deepEqual(net.get('b').node.ready().entries.map(text), ['two']);
  net.restart('b');
  assert.equal(net.get('b').storage.lastIndex(), 2);
  net.tickAll(3);
  assert.deepEqual(net.get('b').applied.map(text), ['one', 'two']);
  assert.deepEqual(net.get('c').applied.map(text), ['one', 'two']);
});

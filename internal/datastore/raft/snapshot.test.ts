import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryStorage } from './memory-storage.ts';
import { RawNode } from './raw-node.ts';
import { TestNetwork, bytes, text } from './test-network.ts';
import type { Message } from './types.ts';

function laggingFollower(): TestNetwork {
  const net = new TestNetwork(['a', 'b', 'c']);
  net.get('a').node.campaign();
  net.stabilize();
  net.isolate('c');
  for (let i = 0; i < 20; i++) net.get('a').node.propose(bytes(`v${i}`));
  net.stabilize();
  const a = net.get('a');
  a.storage.compact(a.node.status().applied, a.conf);
  return net;
}

test('a follower lagging behind the compacted log is sent a snapshot and installs it (§7)', () => {
  const net = laggingFollower();
  const snapshot = net.get('a').storage.snapshot();
  net.heal();
  net.tickAll(3);
  const snaps = net.delivered.filter((m) => m.type === 'snap');
  assert.equal(snaps.length, 1);
  assert.deepEqual(snaps[0]?.snapshot, snapshot);
  const c = net.get('c');
  assert.equal(c.storage.snapshot().index, snapshot.index);
  assert.equal(c.node.status().applied, snapshot.index);
  assert.deepEqual(c.node.status().conf, { voters: ['a', 'b', 'c'], learners: [] });
  net.get('a').node.propose(bytes('after'));
  net.stabilize();
  assert.deepEqual(c.applied.map(text), net.get('a').applied.map(text));
  assert.equal(c.applied.map(text).at(-1), 'after');
  assert.equal(net.get('a').node.status().progress.get('c')?.state, 'replicate');
});

test('a lost snapshot is sent again after the driver reports the failure', () => {
  const net = laggingFollower();
  net.heal();
  let lost = 0;
  net.drop = (m) => m.type === 'snap' && lost++ === 0;
  net.tickAll(5);
  assert.equal(net.get('c').node.status().applied, net.get('a').node.status().applied);
  assert.equal(net.delivered.filter((m) => m.type === 'snap').length, 1);
  assert.equal(lost, 2);
});

test('a leader sends a follower in snapshot state nothing else until it hears back', () => {
  const net = laggingFollower();
  net.heal();
  net.reportSnapshots = false;
  // Once the snapshot is out, nothing comes back from c.
  net.drop = (m) => m.from === 'c' && net.delivered.some((d) => d.type === 'snap');
  net.tickAll(10);
  const at = net.delivered.findIndex((m) => m.type === 'snap');
  assert.ok(at >= 0);
  const after = net.delivered.slice(at + 1).filter((m) => m.to === 'c');
  assert.deepEqual([...new Set(after.map((m) => m.type))], ['heartbeat']);
  assert.equal(net.get('a').node.status().progress.get('c')?.state, 'snapshot');
});

test('a snapshot older than the follower\'s commit index is answered with the commit index and changes nothing', () => {
  const storage = new MemoryStorage({ voters: ['a', 'b'], learners: [] });
  storage.append([1, 2, 3].map((index) => ({ index, term: 1, type: 'normal' as const, data: new Uint8Array() })));
  storage.setHardState({ term: 1, vote: '', commit: 3 });
  const b = new RawNode({ id: 'b', storage });
  const snap: Message = {
    type: 'snap', from: 'a', to: 'b', term: 1, logTerm: 0, index: 0, entries: [], commit: 0, reject: false, rejectHint: 0,
    snapshot: { index: 2, term: 1, conf: { voters: ['a', 'b'], learners: [] } },
  };
  b.step(snap);
  const rd = b.ready();
  assert.equal(rd.snapshot, undefined);
  assert.deepEqual(rd.messages.map((m) => [m.type, m.index]), [['app-resp', 3]]);
});

test('a snapshot matching the follower\'s log only advances its commit index', () => {
  const storage = new MemoryStorage({ voters: ['a', 'b'], learners: [] });
  storage.append([1, 2, 3].map((index) => ({ index, term: 1, type: 'normal' as const, data: new Uint8Array() })));
  const b = new RawNode({ id: 'b', storage });
  b.step({
    type: 'snap', from: 'a', to: 'b', term: 1, logTerm: 0, index: 0, entries: [], commit: 0, reject: false, rejectHint: 0,
    snapshot: { index: 2, term: 1, conf: { voters: ['a', 'b'], learners: [] } },
  });
  const rd = b.ready();
  assert.equal(rd.snapshot, undefined);
  assert.equal(rd.hardState?.commit, 2);
  assert.deepEqual(rd.committedEntries.map((e) => e.index), [1, 2]);
});

test('a server joining with empty storage learns its membership from a snapshot', () => {
  const net = new TestNetwork(['a']);
  net.get('a').node.campaign();
  net.stabilize();
  for (let i = 0; i < 5; i++) net.get('a').node.propose(bytes(`v${i}`));
  net.stabilize();
  net.add('d');
  net.isolate('d');
  net.get('a').node.proposeConfChange({ type: 'add-learner', id: 'd' });
  net.stabilize();
  const a = net.get('a');
  a.storage.compact(a.node.status().applied, a.conf);
  net.heal();
  net.tickAll(3);
  assert.equal(net.delivered.filter((m) => m.type === 'snap' && m.to === 'd').length, 1);
  const d = net.get('d');
  assert.deepEqual(d.node.status().conf, { voters: ['a'], learners: ['d'] });
  assert.deepEqual(d.applied.map(text), a.applied.map(text));
});

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import type { Message } from '../raft/types.ts';
import { message, peerTls, startMember, testCa, waitFor } from './test-peers.ts';

const ca = await testCa();
const tlsA = await peerTls(ca, 'a');
const tlsB = await peerTls(ca, 'b');
const tlsC = await peerTls(ca, 'c');

const commits = (batches: { from: string; messages: Message[] }[], from: string): number[] =>
  batches.filter((b) => b.from === from).flatMap((b) => b.messages.map((m) => m.commit));

test('three members exchange batches and each sees every sender in send order', async (t) => {
  const members = [await startMember(t, tlsA, 'a'), await startMember(t, tlsB, 'b'), await startMember(t, tlsC, 'c')];
  for (const from of members) for (const to of members) if (from !== to) from.transport.setPeer(to.id, to.url);
  const rounds = 150;
  for (let i = 1; i <= rounds; i++) {
    for (const from of members) {
      from.transport.send(members.filter((to) => to !== from).map((to) => message({ from: from.id, to: to.id, commit: i })));
    }
    // Now and then let everything sent so far arrive, so the order is checked across many batches.
    if (i % 50 === 0) {
      await waitFor(() => members.every((m) => m.batches.reduce((n, b) => n + b.messages.length, 0) === 2 * i), `round ${i}`);
    }
  }
  const expected = Array.from({ length: rounds }, (_, i) => i + 1);
  for (const to of members) {
    await waitFor(() => to.batches.reduce((n, b) => n + b.messages.length, 0) === 2 * rounds, `all messages at ${to.id}`);
    for (const from of members) if (from !== to) assert.deepEqual(commits(to.batches, from.id), expected, `${from.id} → ${to.id}`);
    assert.ok(to.batches.length > 2, `${to.id} received ${to.batches.length} batches`);
    assert.ok(to.batches.every((b) => b.messages.every((m) => m.from === b.from && m.to === to.id)));
  }
  for (const member of members) assert.deepEqual(member.unreachable, []);
});

test('messages queued while a batch is in flight arrive together in the next batch', async (t) => {
  const a = await startMember(t, tlsA, 'a');
  const b = await startMember(t, tlsB, 'b');
  a.transport.setPeer('b', b.url);
  for (let i = 1; i <= 200; i++) a.transport.send([message({ from: 'a', to: 'b', commit: i })]);
  await waitFor(() => commits(b.batches, 'a').length === 200, 'all 200 messages');
  assert.deepEqual(b.batches.map((batch) => batch.messages.length), [1, 199]);
});

test('a large binary entry arrives byte for byte', async (t) => {
  const a = await startMember(t, tlsA, 'a');
  const b = await startMember(t, tlsB, 'b');
  a.transport.setPeer('b', b.url);
  const payload = randomBytes(16 * 1024 * 1024);
  const small = Uint8Array.from({ length: 256 }, (_, i) => i);
  a.transport.send([
    message({
      type: 'app', from: 'a', to: 'b', term: 3, index: 9, entries: [
        { index: 10, term: 3, type: 'normal', data: payload },
        { index: 11, term: 3, type: 'normal', data: small },
      ],
    }),
  ]);
  await waitFor(() => b.batches.length === 1, 'the append');
  const entries = b.batches[0]?.messages[0]?.entries ?? [];
  assert.equal(entries.length, 2);
  const digest = (data: Uint8Array | undefined): string => createHash('sha256').update(data ?? new Uint8Array()).digest('hex');
  assert.equal(digest(entries[0]?.data), digest(payload));
  assert.deepEqual(entries[1]?.data, small);
});

test('a 50 MB snapshot streams to the handler intact, chunk by chunk, while it is still being produced', async (t) => {
  const total = 50 * 1024 * 1024;
  const chunk = 256 * 1024;
  let produced = 0;
  const sent = createHash('sha256');
  const source = (): Readable =>
    Readable.from(
      (function* () {
        while (produced < total) {
          const bytes = randomBytes(Math.min(chunk, total - produced));
          produced += bytes.byteLength;
          sent.update(bytes);
          yield bytes;
        }
      })(),
    );
  let chunks = 0;
  let producedAtFirstChunk = -1;
  let received = '';
  let snapMessage: Message | undefined;
  const b = await startMember(t, tlsB, 'b', {
    onSnapshot: async (msg, data) => {
      snapMessage = msg;
      const hash = createHash('sha256');
      for await (const piece of data as AsyncIterable<Buffer>) {
        if (chunks++ === 0) producedAtFirstChunk = produced;
        hash.update(piece);
      }
      received = hash.digest('hex');
    },
  });
  const a = await startMember(t, tlsA, 'a');
  a.transport.setPeer('b', b.url);
  const snapshot = { index: 500, term: 4, conf: { voters: ['a', 'b'], learners: [] } };
  a.transport.sendSnapshot(message({ type: 'snap', from: 'a', to: 'b', term: 4, snapshot }), async () => source());
  await waitFor(() => a.snapshotStatus.length === 1, 'the snapshot status', 10_000);
  assert.deepEqual(a.snapshotStatus, [{ id: 'b', ok: true }]);
  assert.equal(received, sent.digest('hex'));
  assert.deepEqual(snapMessage?.snapshot, snapshot);
  assert.ok(chunks > 10, `the handler saw ${chunks} chunks`);
  assert.ok(producedAtFirstChunk < total / 2, `the first chunk arrived after ${producedAtFirstChunk} bytes were produced`);
});

test('a snapshot the receiver fails to save is reported as failed, with its reason logged', async (t) => {
  const b = await startMember(t, tlsB, 'b', {
    onSnapshot: async (_msg, data) => {
      data.resume();
      throw new Error('disk full while saving the snapshot');
    },
  });
  const a = await startMember(t, tlsA, 'a');
  a.transport.setPeer('b', b.url);
  const snapshot = { index: 5, term: 1, conf: { voters: ['a', 'b'], learners: [] } };
  a.transport.sendSnapshot(message({ type: 'snap', from: 'a', to: 'b', snapshot }), async () => Readable.from([Buffer.from('x')]));
  await waitFor(() => a.snapshotStatus.length === 1, 'the snapshot status');
  assert.deepEqual(a.snapshotStatus, [{ id: 'b', ok: false }]);
  assert.ok(a.logs.some((line) => line.includes('answered 500') && line.includes('disk full')), a.logs.join('\n'));
});

test('a snapshot whose source fails midway is not saved as complete', async (t) => {
  let outcome = '';
  const b = await startMember(t, tlsB, 'b', {
    onSnapshot: async (_msg, data) => {
      try {
        for await (const _ of data) { /* drain */ }
        outcome = 'complete';
      } catch (error) {
        outcome = `failed: ${error instanceof Error ? error.message : String(error)}`;
        throw error;
      }
    },
  });
  const a = await startMember(t, tlsA, 'a');
  a.transport.setPeer('b', b.url);
  const snapshot = { index: 5, term: 1, conf: { voters: ['a', 'b'], learners: [] } };
  const broken = (): Readable =>
    Readable.from(
      (async function* () {
        yield randomBytes(1024 * 1024);
        await new Promise((resolve) => setTimeout(resolve, 20));
        throw new Error('snapshot file vanished');
      })(),
    );
  a.transport.sendSnapshot(message({ type: 'snap', from: 'a', to: 'b', snapshot }), async () => broken());
  await waitFor(() => a.snapshotStatus.length === 1 && outcome !== '', 'both ends to finish');
  assert.deepEqual(a.snapshotStatus, [{ id: 'b', ok: false }]);
  assert.match(outcome, /^failed/);
});

test('a message to an unknown peer is reported unreachable, but not from inside send()', async (t) => {
  const a = await startMember(t, tlsA, 'a');
  a.transport.send([message({ from: 'a', to: 'z' })]);
  assert.deepEqual(a.unreachable, []);
  await waitFor(() => a.unreachable.length === 1, 'the report');
  assert.deepEqual(a.unreachable, ['z']);
});

test('a peer URL must be https and a member is not its own peer', async (t) => {
  const a = await startMember(t, tlsA, 'a');
  assert.throws(() => a.transport.setPeer('b', 'http://127.0.0.1:6444'), /must be https:\/\/host:port/);
  assert.throws(() => a.transport.setPeer('b', 'not a url'), /is not a URL/);
  assert.throws(() => a.transport.setPeer('a', 'https://127.0.0.1:6444'), /peer of itself/);
});

test('messages from a member that was removed are refused with 410 Gone, and the sender learns it was removed', async (t) => {
  const removedBy: string[] = [];
  const a = await startMember(t, tlsA, 'a', { isRemoved: (id) => id === 'c' });
  const c = await startMember(t, tlsC, 'c', { onRemoved: (by) => removedBy.push(by) });
  const b = await startMember(t, tlsB, 'b');
  c.transport.setPeer('a', a.url);
  b.transport.setPeer('a', a.url);
  c.transport.send([message({ type: 'prevote', from: 'c', to: 'a', term: 4 })]);
  b.transport.send([message({ from: 'b', to: 'a', commit: 7 })]);
  await waitFor(() => removedBy.length > 0 && commits(a.batches, 'b').length === 1, 'the refusal and the other member\'s message');
  assert.deepEqual([...new Set(removedBy)], ['a']);
  assert.deepEqual(a.batches.map((batch) => batch.from), ['b'], 'nothing from the removed member reached Raft');
  assert.deepEqual(c.unreachable, [], 'a refusal is not a delivery failure');
});

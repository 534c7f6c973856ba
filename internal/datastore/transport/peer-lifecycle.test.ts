import assert from 'node:assert/strict';
import { createServer } from 'node:https';
import { type AddressInfo, connect } from 'node:net';
import { Readable } from 'node:stream';
import { test, type TestContext } from 'node:test';
import { message, peerTls, startMember, testCa, waitFor } from './test-peers.ts';

const ca = await testCa();
const tlsA = await peerTls(ca, 'a');
const tlsB = await peerTls(ca, 'b');

const snapshot = { index: 9, term: 2, conf: { voters: ['a', 'b'], learners: [] } };

function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

test('a peer that goes down is reported unreachable, and sends succeed again once it is back', async (t) => {
  const a = await startMember(t, tlsA, 'a');
  const b = await startMember(t, tlsB, 'b');
  a.transport.setPeer('b', b.url);
  a.transport.send([message({ from: 'a', to: 'b', commit: 1 })]);
  await waitFor(() => b.batches.length === 1, 'the first batch');

  await b.transport.close();
  a.transport.send([message({ from: 'a', to: 'b', commit: 2 })]);
  await waitFor(() => a.unreachable.length >= 1, 'the failure report');
  assert.ok(a.unreachable.every((id) => id === 'b'));

  const back = await startMember(t, tlsB, 'b', { port: b.transport.port });
  let commit = 3;
  await waitFor(() => {
    if (back.batches.length === 0) a.transport.send([message({ from: 'a', to: 'b', commit: commit++ })]);
    return back.batches.length > 0;
  }, 'a batch at the restarted peer');
  assert.ok((back.batches[0]?.messages[0]?.commit ?? 0) >= 3, 'the failed batch is not retried');
});

test('a removed peer is no longer sent to', async (t) => {
  const a = await startMember(t, tlsA, 'a');
  const b = await startMember(t, tlsB, 'b');
  a.transport.setPeer('b', b.url);
  a.transport.removePeer('b');
  a.transport.send([message({ from: 'a', to: 'b' })]);
  await waitFor(() => a.unreachable.length === 1, 'the report');
  assert.deepEqual(b.batches, []);
});

test('a peer can move to a new address', async (t) => {
  const a = await startMember(t, tlsA, 'a');
  const old = await startMember(t, tlsB, 'b');
  const moved = await startMember(t, tlsB, 'b');
  a.transport.setPeer('b', old.url);
  a.transport.send([message({ from: 'a', to: 'b', commit: 1 })]);
  await waitFor(() => old.batches.length === 1, 'the batch at the old address');
  a.transport.setPeer('b', moved.url);
  a.transport.send([message({ from: 'a', to: 'b', commit: 2 })]);
  await waitFor(() => moved.batches.length === 1, 'the batch at the new address');
  assert.equal(old.batches.length, 1);
});

test('close stops listening, cuts a snapshot in progress and reports nothing afterwards', async (t) => {
  let handlerDone = '';
  const b = await startMember(t, tlsB, 'b', {
    onSnapshot: async (_msg, data) => {
      try {
        for await (const _ of data) { /* a slow store: it never sees the end */ }
        handlerDone = 'complete';
      } catch {
        handlerDone = 'cut';
        throw new Error('cut off');
      }
    },
  });
  const a = await startMember(t, tlsA, 'a');
  a.transport.setPeer('b', b.url);
  b.transport.setPeer('a', a.url);
  let streamed = 0;
  // A source that never ends, so the transfer is in progress when b closes.
  const endless = new Readable({
    read() {
      streamed += 65536;
      setTimeout(() => this.push(Buffer.alloc(65536)), 1);
    },
  });
  a.transport.sendSnapshot(message({ type: 'snap', from: 'a', to: 'b', snapshot }), async () => endless);
  await waitFor(() => streamed > 1024 * 1024, 'the transfer to be under way');

  const started = Date.now();
  await b.transport.close();
  assert.ok(Date.now() - started < 2000, `close took ${Date.now() - started} ms`);
  assert.equal(handlerDone, 'cut', 'close waits for the snapshot handler to finish');
  assert.ok(await refusesConnections(b.transport.port));
  await waitFor(() => a.snapshotStatus.length === 1, "the sender's status");
  assert.deepEqual(a.snapshotStatus, [{ id: 'b', ok: false }]);
  assert.ok(endless.destroyed, 'the sender stopped reading its source');

  // After close, b neither sends nor reports anything, and does not throw.
  b.transport.send([message({ from: 'b', to: 'a' }), message({ from: 'b', to: 'nobody' })]);
  b.transport.sendSnapshot(message({ type: 'snap', from: 'b', to: 'a', snapshot }), async () => Readable.from([]));
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.deepEqual(b.unreachable, []);
  assert.deepEqual(b.snapshotStatus, []);
  assert.deepEqual(a.batches, []);
  await b.transport.close();
});

/** A TLS server with b's certificate that takes requests and never answers them. */
async function startHangingPeer(t: TestContext): Promise<{ url: string; requests: () => number }> {
  let requests = 0;
  const server = createServer({ key: tlsB.keyPem, cert: tlsB.certPem }, () => void requests++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, requests: () => requests };
}

test('a peer that takes a batch and never answers is reported unreachable after the request timeout', async (t) => {
  const a = await startMember(t, tlsA, 'a', { requestTimeoutMs: 100 });
  const hanging = await startHangingPeer(t);
  a.transport.setPeer('b', hanging.url);
  a.transport.send([message({ from: 'a', to: 'b' })]);
  await waitFor(() => a.unreachable.length === 1, 'the timeout');
  assert.ok(a.logs.some((line) => line.includes('no progress for 100 ms')), a.logs.join('\n'));
});

test('close abandons a batch in flight without reporting it', async (t) => {
  const a = await startMember(t, tlsA, 'a');
  const hanging = await startHangingPeer(t);
  a.transport.setPeer('b', hanging.url);
  a.transport.send([message({ from: 'a', to: 'b' })]);
  await waitFor(() => hanging.requests() === 1, 'the request to arrive');
  await a.transport.close();
  await new Promise((resolve) => setTimeout(resolve, 30));
  assert.deepEqual(a.unreachable, []);
});

import assert from 'node:assert/strict';
import { request } from 'node:https';
import { test } from 'node:test';
import { issueClientCertificate } from '../../pki/issue.ts';
import { encodeMessages } from './codec.ts';
import { MESSAGES_PATH, type PeerTls, SNAPSHOT_MESSAGE_HEADER, SNAPSHOT_PATH } from './protocol.ts';
import { message, peerTls, startMember, testCa, waitFor } from './test-peers.ts';

const ca = await testCa();
const tlsA = await peerTls(ca, 'a');
const tlsB = await peerTls(ca, 'b');
const admin = await issueClientCertificate(ca, { commonName: 'system:admin', organizations: ['system:masters'] });
const node = await issueClientCertificate(ca, { commonName: 'system:node:pi-1', organizations: ['system:nodes'] });
const otherCa = await testCa();
const strangerB = await peerTls(otherCa, 'b');

/** A raw POST to the peer port with the given client certificate (or none). */
function post(
  port: number,
  path: string,
  body: Buffer,
  client?: { certPem: string; keyPem: string },
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1', port, path, method: 'POST', ca: ca.certPem, agent: false, headers,
        ...(client === undefined ? {} : { cert: client.certPem, key: client.keyPem }),
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const fromB = encodeMessages([message({ from: 'b', to: 'a', commit: 7 })]);

test('a member certificate is accepted and its batch delivered', async (t) => {
  const a = await startMember(t, tlsA, 'a');
  const answer = await post(a.transport.port, MESSAGES_PATH, fromB, tlsB);
  assert.equal(answer.status, 204);
  assert.deepEqual(a.batches.map((b) => [b.from, b.messages[0]?.commit]), [['b', 7]]);
});

test('admin and node certificates from the cluster CA get 403 and deliver nothing', async (t) => {
  const a = await startMember(t, tlsA, 'a');
  for (const client of [admin, node]) {
    const forged = encodeMessages([message({ from: 'b', to: 'a' })]);
    const answer = await post(a.transport.port, MESSAGES_PATH, forged, client);
    assert.equal(answer.status, 403);
    assert.match(answer.text, /only members of system:skiff-servers may/);
    const snap = message({ type: 'snap', from: 'b', to: 'a', snapshot: { index: 1, term: 1, conf: { voters: ['a'], learners: [] } } });
    const header = { [SNAPSHOT_MESSAGE_HEADER]: encodeMessages([snap]).toString('base64') };
    assert.equal((await post(a.transport.port, SNAPSHOT_PATH, Buffer.alloc(1000), client, header)).status, 403);
  }
  assert.deepEqual(a.batches, []);
});

test('no client certificate, or one from another CA, gets 401', async (t) => {
  const a = await startMember(t, tlsA, 'a');
  assert.equal((await post(a.transport.port, MESSAGES_PATH, fromB)).status, 401);
  assert.equal((await post(a.transport.port, MESSAGES_PATH, fromB, strangerB)).status, 401);
  assert.deepEqual(a.batches, []);
});

test('a member cannot speak for another: a forged `from` is refused and the whole batch dropped', async (t) => {
  const a = await startMember(t, tlsA, 'a');
  const mixed = encodeMessages([message({ from: 'b', to: 'a', commit: 1 }), message({ from: 'c', to: 'a', commit: 2 })]);
  const answer = await post(a.transport.port, MESSAGES_PATH, mixed, tlsB);
  assert.equal(answer.status, 403);
  assert.match(answer.text, /member b may not send a heartbeat message from "c"/);
  assert.deepEqual(a.batches, []);
});

test('a sending member whose messages claim another sender is told its peer is unreachable', async (t) => {
  const a = await startMember(t, tlsA, 'a');
  const b = await startMember(t, tlsB, 'b');
  b.transport.setPeer('a', a.url);
  b.transport.send([message({ from: 'c', to: 'a' })]);
  await waitFor(() => b.unreachable.length === 1, 'the failure');
  assert.deepEqual(b.unreachable, ['a']);
  assert.ok(b.logs.some((line) => line.includes('answered 403')), b.logs.join('\n'));
  assert.deepEqual(a.batches, []);
});

test('a message addressed to another member gets 400', async (t) => {
  const a = await startMember(t, tlsA, 'a');
  const answer = await post(a.transport.port, MESSAGES_PATH, encodeMessages([message({ from: 'b', to: 'c' })]), tlsB);
  assert.equal(answer.status, 400);
  assert.match(answer.text, /to "c" reached member a/);
  assert.deepEqual(a.batches, []);
});

test('a body that is not a batch gets 400 naming the problem', async (t) => {
  const a = await startMember(t, tlsA, 'a');
  const answer = await post(a.transport.port, MESSAGES_PATH, Buffer.from('{"type":"app"}'), tlsB);
  assert.equal(answer.status, 400);
  assert.match(answer.text, /batch marker/);
  const truncated = await post(a.transport.port, MESSAGES_PATH, fromB.subarray(0, fromB.byteLength - 3), tlsB);
  assert.equal(truncated.status, 400);
  assert.match(truncated.text, /only \d+ remain/);
});

test('a snap message without its data stream gets 400 on the messages path', async (t) => {
  const a = await startMember(t, tlsA, 'a');
  const snap = message({ type: 'snap', from: 'b', to: 'a', snapshot: { index: 1, term: 1, conf: { voters: ['a'], learners: [] } } });
  const answer = await post(a.transport.port, MESSAGES_PATH, encodeMessages([snap]), tlsB);
  assert.equal(answer.status, 400);
  assert.deepEqual(a.batches, []);
});

test('a batch larger than the limit gets 413', async (t) => {
  const a = await startMember(t, tlsA, 'a', { maxBatchBytes: 1024 });
  const big = encodeMessages([message({ type: 'app', from: 'b', to: 'a', entries: [{ index: 1, term: 1, type: 'normal', data: new Uint8Array(4096) }] })]);
  assert.equal((await post(a.transport.port, MESSAGES_PATH, big, tlsB)).status, 413);
  assert.equal((await post(a.transport.port, MESSAGES_PATH, big, tlsB, { 'transfer-encoding': 'chunked' })).status, 413);
  assert.deepEqual(a.batches, []);
});

test('a sender refuses a peer whose certificate does not name the address it was given', async (t) => {
  const localhostOnly: PeerTls = await peerTls(ca, 'b', ['localhost']);
  const b = await startMember(t, localhostOnly, 'b');
  const a = await startMember(t, tlsA, 'a');
  a.transport.setPeer('b', b.url);
  a.transport.send([message({ from: 'a', to: 'b' })]);
  await waitFor(() => a.unreachable.length === 1, 'the failure');
  assert.ok(a.logs.some((line) => /IP: 127\.0\.0\.1 is not in the cert's list/.test(line)), a.logs.join('\n'));
  assert.deepEqual(b.batches, []);
});

test('a sender refuses a peer whose certificate comes from another CA', async (t) => {
  const b = await startMember(t, strangerB, 'b');
  const a = await startMember(t, tlsA, 'a');
  a.transport.setPeer('b', b.url);
  a.transport.send([message({ from: 'a', to: 'b' })]);
  await waitFor(() => a.unreachable.length === 1, 'the failure');
  assert.ok(a.logs.some((line) => /self-signed|unable to verify|unable to get/.test(line)), a.logs.join('\n'));
  assert.deepEqual(b.batches, []);
});

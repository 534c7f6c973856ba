import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { test } from 'node:test';
import { createCertificateAuthority } from './ca.ts';
import { InvalidArgumentError } from './errors.ts';
import { issuePeerCertificate, PEER_GROUP, peerIdOf } from './peer.ts';
import { x509 } from './x509.ts';

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

const ca = await createCertificateAuthority();

test('a peer certificate names the member in CN and the peer group in O', async () => {
  const pair = await issuePeerCertificate(ca, { id: 'srv-1', names: ['pi-1', '192.168.1.20'] });
  const name = new x509.X509Certificate(pair.certPem).subjectName;
  assert.deepEqual(name.getField('CN'), ['system:skiff-server:srv-1']);
  assert.deepEqual(name.getField('O'), [PEER_GROUP]);
});

test('a peer certificate serves and authenticates a client, for its names only', async () => {
  const pair = await issuePeerCertificate(ca, { id: 'srv-1', names: ['pi-1', '192.168.1.20'] });
  const cert = new X509Certificate(pair.certPem);
  assert.deepEqual([...(cert.keyUsage ?? [])].sort(), [SERVER_AUTH, CLIENT_AUTH].sort());
  assert.ok(cert.verify(ca.certificate.publicKey));
  assert.equal(cert.ca, false);
  assert.equal(cert.checkIP('192.168.1.20'), '192.168.1.20');
  assert.equal(cert.checkHost('pi-1'), 'pi-1');
  assert.equal(cert.checkIP('192.168.1.21'), undefined);
});

test('a peer certificate honours the requested validity', async () => {
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const pair = await issuePeerCertificate(ca, { id: 'a', names: ['127.0.0.1'], validityDays: 10, now });
  assert.equal(new X509Certificate(pair.certPem).validToDate.getTime(), now.getTime() + 10 * 24 * 60 * 60 * 1000);
});

test('a peer certificate needs a printable node id and at least one name', async () => {
  await assert.rejects(issuePeerCertificate(ca, { id: '', names: ['127.0.0.1'] }), InvalidArgumentError);
  await assert.rejects(issuePeerCertificate(ca, { id: 'a b', names: ['127.0.0.1'] }), /node id "a b"/);
  await assert.rejects(issuePeerCertificate(ca, { id: 'a', names: [] }), /peer certificate without names/);
});

test('only a member of the peer group with a member user name has a peer id', () => {
  assert.equal(peerIdOf({ user: 'system:skiff-server:srv-1', groups: [PEER_GROUP] }), 'srv-1');
  assert.equal(peerIdOf({ user: 'system:skiff-server:srv-1', groups: ['system:masters'] }), undefined);
  assert.equal(peerIdOf({ user: 'system:admin', groups: [PEER_GROUP] }), undefined);
  assert.equal(peerIdOf({ user: 'system:skiff-server:', groups: [PEER_GROUP] }), undefined);
  assert.equal(peerIdOf({ user: 'system:node:pi-1', groups: ['system:nodes'] }), undefined);
});

import assert from 'node:assert/strict';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { test } from 'node:test';
import { createCertificateAuthority } from './ca.ts';
import { InvalidArgumentError } from './errors.ts';
import { issueClientCertificate, issueServingCertificate } from './issue.ts';
import { x509 } from './x509.ts';

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const DAY_MS = 24 * 60 * 60 * 1000;

const ca = await createCertificateAuthority();

test('a serving certificate carries every DNS name and IP it is given, canonically spelled', async () => {
  const pair = await issueServingCertificate(ca, {
    names: ['pi-1', 'LOCALHOST', '127.0.0.1', '192.168.1.20', '10.43.0.1', 'api.example.com', '2001:DB8:0:0::1', 'pi-1'],
  });
  const cert = new X509Certificate(pair.certPem);
  assert.equal(
    cert.subjectAltName,
    'DNS:api.example.com, DNS:localhost, DNS:pi-1, IP Address:10.43.0.1, IP Address:127.0.0.1, IP Address:192.168.1.20, IP Address:2001:DB8:0:0:0:0:0:1',
  );
  assert.equal(cert.checkIP('192.168.1.20'), '192.168.1.20');
  assert.equal(cert.checkIP('2001:db8::1'), '2001:db8::1');
  assert.equal(cert.checkHost('api.example.com'), 'api.example.com');
  assert.equal(cert.checkIP('192.168.1.21'), undefined);
  assert.equal(cert.checkHost('other.example.com'), undefined);
});

test('a serving certificate is signed by the CA, for server authentication only, and is not a CA', async () => {
  const pair = await issueServingCertificate(ca, { names: ['localhost'] });
  const cert = new X509Certificate(pair.certPem);
  assert.equal(cert.subject, 'CN=skiff-apiserver');
  assert.ok(cert.verify(ca.certificate.publicKey));
  assert.ok(cert.checkIssued(ca.certificate));
  assert.deepEqual(cert.keyUsage, [SERVER_AUTH]);
  assert.equal(cert.ca, false);
  assert.ok(cert.checkPrivateKey(createPrivateKey(pair.keyPem)));
});

test('a client certificate names the user in CN and its groups in O, for client authentication only', async () => {
  const pair = await issueClientCertificate(ca, {
    commonName: 'system:node:pi-1',
    organizations: ['system:nodes', 'edge'],
  });
  const cert = new X509Certificate(pair.certPem);
  const name = new x509.X509Certificate(pair.certPem).subjectName;
  assert.deepEqual(name.getField('CN'), ['system:node:pi-1']);
  assert.deepEqual(name.getField('O'), ['system:nodes', 'edge']);
  assert.deepEqual(cert.keyUsage, [CLIENT_AUTH]);
  assert.ok(cert.verify(ca.certificate.publicKey));
  assert.equal(cert.subjectAltName, undefined);
});

test('a leaf is valid for the requested days from a few minutes before now', async () => {
  // Whole seconds: X.509 times have no finer resolution.
  const now = new Date(Math.floor(Date.now() / 1000) * 1000 + 30 * DAY_MS);
  const pair = await issueClientCertificate(ca, { commonName: 'x', validityDays: 30, now });
  const cert = new X509Certificate(pair.certPem);
  assert.equal(cert.validToDate.getTime(), now.getTime() + 30 * DAY_MS);
  const backdated = now.getTime() - cert.validFromDate.getTime();
  assert.ok(backdated > 0 && backdated <= 10 * 60 * 1000, `notBefore backdated by ${backdated} ms`);
});

test('a leaf never outlives the CA that signed it', async () => {
  const now = new Date(ca.certificate.validToDate.getTime() - 10 * DAY_MS);
  const pair = await issueServingCertificate(ca, { names: ['localhost'], now });
  assert.equal(new X509Certificate(pair.certPem).validToDate.getTime(), ca.certificate.validToDate.getTime());
});

test('serial numbers are random, positive and at most 128 bits long', async () => {
  const serials = new Set<string>();
  for (let i = 0; i < 8; i++) {
    const pair = await issueClientCertificate(ca, { commonName: `user-${i}` });
    const cert = new X509Certificate(pair.certPem);
    serials.add(cert.serialNumber);
    const value = BigInt(`0x${cert.serialNumber}`);
    assert.ok(value > 0n);
    assert.ok(value < 1n << 128n);
  }
  assert.equal(serials.size, 8);
});

test('a name that is neither a DNS name nor an IP is refused with the value in the message', async () => {
  await assert.rejects(issueServingCertificate(ca, { names: ['localhost', 'bad name!'] }), (error: unknown) => {
    assert.ok(error instanceof InvalidArgumentError);
    assert.match(error.message, /"bad name!"/);
    return true;
  });
});

test('a client certificate without a common name is refused', async () => {
  await assert.rejects(issueClientCertificate(ca, { commonName: ' ' }), InvalidArgumentError);
});

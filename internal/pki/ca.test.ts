import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import {
  CA_CERT_FILE,
  CA_KEY_FILE,
  createCertificateAuthority,
  loadCertificateAuthority,
  loadOrCreateCertificateAuthority,
} from './ca.ts';
import { CertificateFileError } from './errors.ts';
import { issueClientCertificate } from './issue.ts';
import { x509 } from './x509.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'skiff-pki-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return join(dir, 'tls');
}

test('the CA is created once and then loaded unchanged', async (t) => {
  const dir = await tempDir(t);
  const first = await loadOrCreateCertificateAuthority(dir);
  const written = await readFile(join(dir, CA_CERT_FILE), 'utf8');
  const second = await loadOrCreateCertificateAuthority(dir);
  assert.equal(first.created, true);
  assert.equal(second.created, false);
  assert.equal(second.ca.certPem, first.ca.certPem);
  assert.equal(second.ca.key.pem, first.ca.key.pem);
  assert.equal(written, first.ca.certPem);
});

test('the CA is self-signed, named skiff-ca@<unix seconds>, a CA for certificate and CRL signing, valid for 10 years', async () => {
  const now = new Date('2030-01-01T00:00:00Z');
  const { certificate, certPem } = await createCertificateAuthority({ now });
  assert.equal(certificate.subject, `CN=skiff-ca@${now.getTime() / 1000}`);
  assert.equal(certificate.issuer, certificate.subject);
  assert.equal(certificate.ca, true);
  const keyUsage = new x509.X509Certificate(certPem).getExtension(x509.KeyUsagesExtension);
  assert.equal(keyUsage?.usages, x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign);
  assert.equal(keyUsage?.critical, true);
  assert.ok(certificate.verify(certificate.publicKey));
  assert.equal(certificate.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  const days = (certificate.validToDate.getTime() - now.getTime()) / DAY_MS;
  assert.equal(days, 3650);
  assert.ok(certificate.validFromDate < now, 'notBefore is backdated for clock skew');
  assert.ok(now.getTime() - certificate.validFromDate.getTime() <= 10 * 60 * 1000, 'by minutes, not more');
});

test('the CA key is written with mode 0600 in a directory with mode 0700', async (t) => {
  const dir = await tempDir(t);
  await loadOrCreateCertificateAuthority(dir);
  assert.equal((await stat(join(dir, CA_KEY_FILE))).mode & 0o777, 0o600);
  assert.equal((await stat(dir)).mode & 0o777, 0o700);
});

test('a corrupt CA key file fails with an error naming that file', async (t) => {
  const dir = await tempDir(t);
  await loadOrCreateCertificateAuthority(dir);
  const certBefore = await readFile(join(dir, CA_CERT_FILE), 'utf8');
  await writeFile(join(dir, CA_KEY_FILE), '-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n');
  await assert.rejects(loadOrCreateCertificateAuthority(dir), (error: unknown) => {
    assert.ok(error instanceof CertificateFileError);
    assert.equal(error.file, join(dir, CA_KEY_FILE));
    assert.match(error.message, /server-ca\.key/);
    return true;
  });
  assert.equal(await readFile(join(dir, CA_CERT_FILE), 'utf8'), certBefore, 'the CA certificate is not replaced');
});

test('a corrupt CA certificate file fails with an error naming that file', async (t) => {
  const dir = await tempDir(t);
  await loadOrCreateCertificateAuthority(dir);
  await writeFile(join(dir, CA_CERT_FILE), 'garbage');
  await assert.rejects(loadCertificateAuthority(dir), { name: 'CertificateFileError', file: join(dir, CA_CERT_FILE) });
});

test('a CA key that belongs to another CA fails with an error naming the key file', async (t) => {
  const dir = await tempDir(t);
  await loadOrCreateCertificateAuthority(dir);
  const other = await createCertificateAuthority();
  await writeFile(join(dir, CA_KEY_FILE), other.key.pem);
  await assert.rejects(loadCertificateAuthority(dir), {
    name: 'CertificateFileError',
    file: join(dir, CA_KEY_FILE),
    message: /does not match/,
  });
});

test('a CA certificate without its key fails instead of creating a new CA', async (t) => {
  const dir = await tempDir(t);
  await loadOrCreateCertificateAuthority(dir);
  await rm(join(dir, CA_KEY_FILE));
  await assert.rejects(loadOrCreateCertificateAuthority(dir), {
    name: 'CertificateFileError',
    file: join(dir, CA_KEY_FILE),
    message: /missing/,
  });
});

test('a CA key without its certificate fails instead of creating a new CA', async (t) => {
  const dir = await tempDir(t);
  await loadOrCreateCertificateAuthority(dir);
  await rm(join(dir, CA_CERT_FILE));
  await assert.rejects(loadOrCreateCertificateAuthority(dir), {
    name: 'CertificateFileError',
    file: join(dir, CA_CERT_FILE),
  });
});

test('a CA certificate that is not a CA is refused', async (t) => {
  const dir = await tempDir(t);
  const { ca } = await loadOrCreateCertificateAuthority(dir);
  const leaf = await issueClientCertificate(ca, { commonName: 'someone' });
  await writeFile(join(dir, CA_CERT_FILE), leaf.certPem);
  await writeFile(join(dir, CA_KEY_FILE), leaf.keyPem);
  await assert.rejects(loadCertificateAuthority(dir), { file: join(dir, CA_CERT_FILE), message: /not a CA/ });
});

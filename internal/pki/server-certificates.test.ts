import assert from 'node:assert/strict';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { CA_KEY_FILE, createCertificateAuthority } from './ca.ts';
import { issueServingCertificate } from './issue.ts';
import type { CertificateReport } from './leaf.ts';
import {
  ADMIN_CERT_FILE,
  ADMIN_KEY_FILE,
  KUBELET_CLIENT_KEY_FILE,
  ensureServerCertificates,
  SERVING_CERT_FILE,
  SERVING_KEY_FILE,
  type ServerCertificateOptions,
} from './server-certificates.ts';
import { x509 } from './x509.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const T0 = new Date('2026-03-01T12:00:00Z');

async function options(t: TestContext, extra: Partial<ServerCertificateOptions> = {}): Promise<ServerCertificateOptions> {
  const root = await mkdtemp(join(tmpdir(), 'skiff-pki-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  return { dir: join(root, 'server', 'tls'), hostname: 'pi-1', ips: ['192.168.1.20'], now: T0, ...extra };
}

/** Every file in `dir` with its bytes, to compare runs. */
async function snapshot(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const name of (await readdir(dir)).sort()) files.set(name, (await readFile(join(dir, name))).toString('base64'));
  return files;
}

function summary(report: readonly CertificateReport[]): string[] {
  return report.map((r) => `${r.certFile.split('/').at(-1)} ${r.action} ${r.reason}`);
}

test('a first run creates the CA, the serving certificate and the admin client certificate', async (t) => {
  const opts = await options(t);
  const result = await ensureServerCertificates(opts);
  assert.deepEqual(summary(result.report), [
    'server-ca.crt created missing',
    'serving.crt created missing',
    'client-admin.crt created missing',
    'client-kubelet.crt created missing',
  ]);
  assert.deepEqual(result.warnings, []);
  assert.deepEqual((await readdir(opts.dir)).sort(), [
    'client-admin.crt',
    'client-admin.key',
    'client-kubelet.crt',
    'client-kubelet.key',
    'server-ca.crt',
    'server-ca.key',
    'serving.crt',
    'serving.key',
  ]);
  for (const key of [CA_KEY_FILE, SERVING_KEY_FILE, ADMIN_KEY_FILE, KUBELET_CLIENT_KEY_FILE]) {
    assert.equal((await stat(join(opts.dir, key))).mode & 0o777, 0o600, key);
  }
  assert.equal(await readFile(join(opts.dir, SERVING_CERT_FILE), 'utf8'), result.serving.certPem);
});

test('the serving certificate covers the host, node IPs, loopback, the kubernetes service names and extra SANs', async (t) => {
  const opts = await options(t, { dnsNames: ['api.example.com', '203.0.113.7'], serviceIp: '10.43.0.1' });
  const { ca, serving } = await ensureServerCertificates(opts);
  const cert = new X509Certificate(serving.certPem);
  for (const host of [
    'pi-1',
    'localhost',
    'kubernetes',
    'kubernetes.default',
    'kubernetes.default.svc',
    'kubernetes.default.svc.cluster.local',
    'api.example.com',
  ]) {
    assert.equal(cert.checkHost(host), host, `host ${host}`);
  }
  for (const ip of ['127.0.0.1', '192.168.1.20', '10.43.0.1', '203.0.113.7']) {
    assert.equal(cert.checkIP(ip), ip, `IP ${ip}`);
  }
  assert.match(cert.subjectAltName ?? '', /IP Address:203\.0\.113\.7/, 'an IP given as a --tls-san is an IP SAN');
  assert.ok(cert.verify(ca.certificate.publicKey));
  assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.1']);
});

test('the cluster domain in the kubernetes service name is configurable', async (t) => {
  const opts = await options(t, { clusterDomain: 'edge.internal' });
  const cert = new X509Certificate((await ensureServerCertificates(opts)).serving.certPem);
  assert.equal(cert.checkHost('kubernetes.default.svc.edge.internal'), 'kubernetes.default.svc.edge.internal');
  assert.equal(cert.checkHost('kubernetes.default.svc.cluster.local'), undefined);
});

test('the admin client certificate is system:admin in group system:masters, signed by the CA', async (t) => {
  const { ca, admin } = await ensureServerCertificates(await options(t));
  const cert = new X509Certificate(admin.certPem);
  const name = new x509.X509Certificate(admin.certPem).subjectName;
  assert.deepEqual(name.getField('CN'), ['system:admin']);
  assert.deepEqual(name.getField('O'), ['system:masters']);
  assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.2']);
  assert.ok(cert.verify(ca.certificate.publicKey));
  assert.ok(cert.checkPrivateKey(createPrivateKey(admin.keyPem)));
});

test('a run with nothing to do keeps every file byte-identical', async (t) => {
  const opts = await options(t);
  await ensureServerCertificates(opts);
  const before = await snapshot(opts.dir);
  const again = await ensureServerCertificates({ ...opts, now: new Date(T0.getTime() + 30 * DAY_MS) });
  assert.deepEqual(summary(again.report), [
    'server-ca.crt kept valid',
    'serving.crt kept valid',
    'client-admin.crt kept valid',
    'client-kubelet.crt kept valid',
  ]);
  assert.deepEqual(await snapshot(opts.dir), before);
});

test('300 days later the leaf certificates are renewed as expiring and the CA is kept', async (t) => {
  const opts = await options(t);
  const first = await ensureServerCertificates(opts);
  const later = new Date(T0.getTime() + 300 * DAY_MS);
  const renewed = await ensureServerCertificates({ ...opts, now: later });
  assert.deepEqual(summary(renewed.report), [
    'server-ca.crt kept valid',
    'serving.crt renewed expiring',
    'client-admin.crt renewed expiring',
    'client-kubelet.crt renewed expiring',
  ]);
  assert.match(renewed.report[1]?.detail ?? '', /in 65 days/);
  assert.equal(renewed.ca.certPem, first.ca.certPem);
  for (const pair of [renewed.serving, renewed.admin, renewed.kubeletClient]) {
    const cert = new X509Certificate(pair.certPem);
    assert.ok(cert.verify(first.ca.certificate.publicKey));
    assert.ok(cert.validToDate.getTime() > later.getTime() + 364 * DAY_MS);
  }
  assert.notEqual(renewed.serving.keyPem, first.serving.keyPem, 'a renewed certificate gets a new key');
  const onDisk = await ensureServerCertificates({ ...opts, now: later });
  assert.deepEqual(onDisk.report.map((r) => r.action), ['kept', 'kept', 'kept', 'kept']);
});

test('an expired leaf is renewed too', async (t) => {
  const opts = await options(t);
  await ensureServerCertificates(opts);
  const result = await ensureServerCertificates({ ...opts, now: new Date(T0.getTime() + 800 * DAY_MS) });
  assert.equal(result.report[1]?.reason, 'expiring');
  assert.match(result.report[1]?.detail ?? '', /^expired /);
});

test('a changed SAN list reissues the serving certificate and keeps the others', async (t) => {
  const opts = await options(t, { dnsNames: ['old.example.com'] });
  const first = await ensureServerCertificates(opts);
  const changed = await ensureServerCertificates({ ...opts, ips: ['192.168.1.20', '192.168.1.21'], dnsNames: [] });
  assert.deepEqual(summary(changed.report), [
    'server-ca.crt kept valid',
    'serving.crt renewed names-changed',
    'client-admin.crt kept valid',
    'client-kubelet.crt kept valid',
  ]);
  assert.equal(changed.report[1]?.detail, 'lacks 192.168.1.21; no longer needs old.example.com');
  const cert = new X509Certificate(changed.serving.certPem);
  assert.equal(cert.checkIP('192.168.1.21'), '192.168.1.21');
  assert.equal(cert.checkHost('old.example.com'), undefined);
  assert.equal(changed.admin.certPem, first.admin.certPem);
});

test('the same names in another order or spelling do not reissue the serving certificate', async (t) => {
  const opts = await options(t, { ips: ['192.168.1.20', 'fd00::1'], dnsNames: ['a.example', 'b.example'] });
  const first = await ensureServerCertificates(opts);
  const again = await ensureServerCertificates({
    ...opts,
    ips: ['FD00:0:0::1', '192.168.1.20'],
    dnsNames: ['B.example', 'a.example.', 'localhost'],
  });
  assert.equal(again.report[1]?.action, 'kept');
  assert.equal(again.serving.certPem, first.serving.certPem);
});

test('a serving certificate signed by another CA is reissued', async (t) => {
  const opts = await options(t);
  const { ca } = await ensureServerCertificates(opts);
  const foreign = await issueServingCertificate(await createCertificateAuthority(), { names: ['localhost'] });
  await writeFile(join(opts.dir, SERVING_CERT_FILE), foreign.certPem);
  await writeFile(join(opts.dir, SERVING_KEY_FILE), foreign.keyPem);
  const result = await ensureServerCertificates(opts);
  assert.equal(result.report[1]?.action, 'renewed');
  assert.equal(result.report[1]?.reason, 'not-signed-by-ca');
  assert.ok(new X509Certificate(result.serving.certPem).verify(ca.certificate.publicKey));
});

test('a leaf whose key file is corrupt, mismatched or missing is reissued with the reason', async (t) => {
  const opts = await options(t);
  const first = await ensureServerCertificates(opts);
  await writeFile(join(opts.dir, ADMIN_KEY_FILE), 'garbage');
  assert.equal((await ensureServerCertificates(opts)).report[2]?.reason, 'unreadable');
  await writeFile(join(opts.dir, ADMIN_KEY_FILE), first.serving.keyPem);
  assert.equal((await ensureServerCertificates(opts)).report[2]?.reason, 'key-mismatch');
  await rm(join(opts.dir, ADMIN_CERT_FILE));
  const missing = await ensureServerCertificates(opts);
  assert.equal(missing.report[2]?.action, 'renewed');
  assert.equal(missing.report[2]?.reason, 'missing');
});

test('a CA with less than a year left is kept and reported as a warning', async (t) => {
  const opts = await options(t);
  const first = await ensureServerCertificates(opts);
  const late = new Date(T0.getTime() + (3650 - 200) * DAY_MS);
  const result = await ensureServerCertificates({ ...opts, now: late });
  assert.equal(result.ca.certPem, first.ca.certPem);
  assert.equal(result.report[0]?.action, 'kept');
  assert.equal(result.warnings.length, 1);
  assert.match(result.warnings[0] ?? '', /server-ca\.crt expires on .* in 200 days/);
  const serving = new X509Certificate(result.serving.certPem);
  assert.equal(serving.validToDate.getTime(), first.ca.certificate.validToDate.getTime(), 'capped at the CA end');
});

test('an expired CA stops start-up with an error naming the CA certificate', async (t) => {
  const opts = await options(t);
  await ensureServerCertificates(opts);
  await assert.rejects(ensureServerCertificates({ ...opts, now: new Date(T0.getTime() + 3651 * DAY_MS) }), {
    name: 'CertificateFileError',
    file: join(opts.dir, 'server-ca.crt'),
    message: /expired/,
  });
});

test('a corrupt CA key file fails start-up with an error naming that file and replaces nothing', async (t) => {
  const opts = await options(t);
  await ensureServerCertificates(opts);
  await writeFile(join(opts.dir, CA_KEY_FILE), 'not a key');
  const before = await snapshot(opts.dir);
  await assert.rejects(ensureServerCertificates(opts), {
    name: 'CertificateFileError',
    file: join(opts.dir, CA_KEY_FILE),
  });
  assert.deepEqual(await snapshot(opts.dir), before);
});

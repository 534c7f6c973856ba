import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import type { TLSSocket } from 'node:tls';
import { createCertificateAuthority } from './ca.ts';
import { issueClientCertificate, issueServingCertificate, type CertificatePair } from './issue.ts';
import { caHash, peerIdentity, tlsCredentials, type Identity } from './tls.ts';

const ca = await createCertificateAuthority();
const serving = await issueServingCertificate(ca, { names: ['localhost', '127.0.0.1'] });
const admin = await issueClientCertificate(ca, { commonName: 'system:admin', organizations: ['system:masters'] });

interface Seen {
  authorized: boolean;
  identity: Identity | null;
}

/** An HTTPS server with the serving certificate that answers with what it saw of the client. */
async function startServer(t: TestContext): Promise<number> {
  const server: Server = createServer(
    { ...tlsCredentials(ca.certPem, serving), requestCert: true, rejectUnauthorized: false },
    (req, res) => {
      const socket = req.socket as TLSSocket;
      const seen: Seen = { authorized: socket.authorized, identity: peerIdentity(socket) ?? null };
      res.writeHead(seen.identity === null ? 401 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(seen));
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as AddressInfo).port;
}

/** A GET over a fresh TLS connection; resolves with the status and the server's view. */
function get(
  port: number,
  options: { host: string; trust: string; client?: CertificatePair },
): Promise<{ status: number; seen: Seen; serverVerified: boolean }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: options.host,
        family: 4,
        port,
        path: '/',
        ca: options.trust,
        ...(options.client ? { cert: options.client.certPem, key: options.client.keyPem } : {}),
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            seen: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Seen,
            serverVerified: (res.socket as TLSSocket).authorized,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

for (const host of ['127.0.0.1', 'localhost']) {
  test(`the admin certificate over TLS to ${host}: the client verifies the server and the server sees system:admin`, async (t) => {
    const port = await startServer(t);
    const { status, seen, serverVerified } = await get(port, { host, trust: ca.certPem, client: admin });
    assert.equal(serverVerified, true);
    assert.equal(status, 200);
    assert.deepEqual(seen, { authorized: true, identity: { user: 'system:admin', groups: ['system:masters'] } });
  });
}

test('a node certificate is seen as its node user in the system:nodes group', async (t) => {
  const port = await startServer(t);
  const node = await issueClientCertificate(ca, { commonName: 'system:node:pi-1', organizations: ['system:nodes'] });
  const { seen } = await get(port, { host: '127.0.0.1', trust: ca.certPem, client: node });
  assert.deepEqual(seen.identity, { user: 'system:node:pi-1', groups: ['system:nodes'] });
});

test('a client certificate from another CA connects but is not authorized, so the server can answer 401', async (t) => {
  const port = await startServer(t);
  const otherCa = await createCertificateAuthority();
  const stranger = await issueClientCertificate(otherCa, { commonName: 'system:admin', organizations: ['system:masters'] });
  const { status, seen, serverVerified } = await get(port, { host: '127.0.0.1', trust: ca.certPem, client: stranger });
  assert.equal(serverVerified, true);
  assert.equal(status, 401);
  assert.deepEqual(seen, { authorized: false, identity: null });
});

test('a client without a certificate connects but has no identity', async (t) => {
  const port = await startServer(t);
  const { status, seen } = await get(port, { host: '127.0.0.1', trust: ca.certPem });
  assert.equal(status, 401);
  assert.deepEqual(seen, { authorized: false, identity: null });
});

test('the serving certificate used as a client certificate is not authorized, as it is not for client authentication', async (t) => {
  const port = await startServer(t);
  const { seen } = await get(port, { host: '127.0.0.1', trust: ca.certPem, client: serving });
  assert.deepEqual(seen, { authorized: false, identity: null });
});

test('a client that trusts another CA refuses the server', async (t) => {
  const port = await startServer(t);
  const otherCa = await createCertificateAuthority();
  await assert.rejects(get(port, { host: '127.0.0.1', trust: otherCa.certPem, client: admin }), {
    // Node's server sends the CA along with its certificate, so the failure may name either.
    code: /^(SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE)$/,
  });
});

test('a client connecting by a name the serving certificate lacks refuses the server', async (t) => {
  const narrow = await issueServingCertificate(ca, { names: ['localhost'] });
  const server = createServer({ ...tlsCredentials(ca.certPem, narrow) }, (_req, res) => res.end('{}'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const narrowPort = (server.address() as AddressInfo).port;
  await assert.rejects(get(narrowPort, { host: '127.0.0.1', trust: ca.certPem }), {
    code: 'ERR_TLS_CERT_ALTNAME_INVALID',
  });
});

test('the CA hash is the sha256 of the CA certificate DER, in hex', () => {
  const expected = createHash('sha256').update(new X509Certificate(ca.certPem).raw).digest('hex');
  assert.equal(caHash(ca.certPem), expected);
  assert.match(caHash(ca.certPem), /^[0-9a-f]{64}$/);
  assert.notEqual(caHash(serving.certPem), caHash(ca.certPem));
});

test('hashing something that is not a certificate fails with a clear error', () => {
  assert.throws(() => caHash('nope'), { name: 'InvalidArgumentError', message: /not a PEM certificate/ });
});

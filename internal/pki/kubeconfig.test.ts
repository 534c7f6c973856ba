import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { delimiter, join } from 'node:path';
import { tmpdir } from 'node:os';
import { test, type TestContext } from 'node:test';
import type { TLSSocket } from 'node:tls';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { createCertificateAuthority } from './ca.ts';
import { issueClientCertificate, issueServingCertificate } from './issue.ts';
import { kubeconfigYaml, writeKubeconfig } from './kubeconfig.ts';
import { peerIdentity, tlsCredentials } from './tls.ts';

const ca = await createCertificateAuthority();
const admin = await issueClientCertificate(ca, { commonName: 'system:admin', organizations: ['system:masters'] });

async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'skiff-kubeconfig-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

interface Kubeconfig {
  apiVersion: string;
  kind: string;
  'current-context': string;
  clusters: { name: string; cluster: { server: string; 'certificate-authority-data': string } }[];
  users: { name: string; user: { 'client-certificate-data': string; 'client-key-data': string } }[];
  contexts: { name: string; context: { cluster: string; user: string } }[];
}

const fromBase64 = (text: string | undefined) => Buffer.from(text ?? '', 'base64').toString('utf8');

test('a written kubeconfig parses back to the server, CA, client certificate and key it was given', async (t) => {
  const path = join(await tempDir(t), 'etc', 'skiff', 'skiff.yaml');
  const yaml = kubeconfigYaml({
    server: 'https://127.0.0.1:6443',
    clusterName: 'default',
    userName: 'default',
    caPem: ca.certPem,
    clientCertPem: admin.certPem,
    clientKeyPem: admin.keyPem,
  });
  await writeKubeconfig(path, yaml);
  const config = parse(await readFile(path, 'utf8')) as Kubeconfig;
  assert.equal(config.apiVersion, 'v1');
  assert.equal(config.kind, 'Config');
  assert.equal(config['current-context'], 'default');
  assert.deepEqual(config.contexts, [{ name: 'default', context: { cluster: 'default', user: 'default' } }]);
  assert.equal(config.clusters[0]?.cluster.server, 'https://127.0.0.1:6443');
  assert.equal(fromBase64(config.clusters[0]?.cluster['certificate-authority-data']), ca.certPem);
  assert.equal(fromBase64(config.users[0]?.user['client-certificate-data']), admin.certPem);
  assert.equal(fromBase64(config.users[0]?.user['client-key-data']), admin.keyPem);
});

test('a kubeconfig file has mode 0600, also when it replaces a readable file', async (t) => {
  const path = join(await tempDir(t), 'skiff.yaml');
  await writeFile(path, 'old', { mode: 0o644 });
  await writeKubeconfig(path, 'apiVersion: v1\n');
  assert.equal((await stat(path)).mode & 0o777, 0o600);
  assert.equal(await readFile(path, 'utf8'), 'apiVersion: v1\n');
});

function onPath(command: string): boolean {
  return (process.env['PATH'] ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

test(
  'kubectl reaches a server with the written kubeconfig and is admitted by its client certificate',
  { skip: onPath('kubectl') ? false : 'kubectl is not on PATH' },
  async (t) => {
    const dir = await tempDir(t);
    const serving = await issueServingCertificate(ca, { names: ['127.0.0.1', 'localhost'] });
    const seen: string[] = [];
    const server = createServer(
      { ...tlsCredentials(ca.certPem, serving), requestCert: true, rejectUnauthorized: false },
      (req, res) => {
        const identity = peerIdentity(req.socket as TLSSocket);
        const path = new URL(req.url ?? '/', 'https://server').pathname;
        seen.push(`${req.method} ${path} ${identity?.user ?? 'anonymous'}`);
        if (identity === undefined) {
          res.writeHead(401, { 'content-type': 'application/json' }).end('{"kind":"Status","code":401}');
        } else if (path === '/version') {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{"major":"1","minor":"32","gitVersion":"v1.32.0"}');
        } else {
          res.writeHead(404).end();
        }
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const port = (server.address() as AddressInfo).port;
    const path = join(dir, 'skiff.yaml');
    await writeKubeconfig(
      path,
      kubeconfigYaml({
        server: `https://127.0.0.1:${port}`,
        clusterName: 'default',
        userName: 'default',
        caPem: ca.certPem,
        clientCertPem: admin.certPem,
        clientKeyPem: admin.keyPem,
      }),
    );
    // Asynchronous on purpose: the server answering kubectl runs in this process.
    const { stdout } = await promisify(execFile)('kubectl', ['--kubeconfig', path, 'version', '-o', 'json'], {
      env: { PATH: process.env['PATH'] ?? '', HOME: dir },
      timeout: 60_000,
    });
    const version = JSON.parse(stdout) as { serverVersion?: { gitVersion?: string } };
    assert.equal(version.serverVersion?.gitVersion, 'v1.32.0');
    assert.ok(seen.includes('GET /version system:admin'), seen.join('\n'));
  },
);

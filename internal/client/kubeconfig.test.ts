import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { stringify } from 'yaml';
import { tempDir } from '../../test/support/tmp.ts';
import { kubeconfigYaml } from '../pki/kubeconfig.ts';
import { KubeconfigError, loadKubeconfig } from './kubeconfig.ts';

const CA = '-----BEGIN CERTIFICATE-----\nca\n-----END CERTIFICATE-----\n';
const CERT = '-----BEGIN CERTIFICATE-----\nclient\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN PRIVATE KEY-----\nkey\n-----END PRIVATE KEY-----\n';

function config(clusters: unknown[], users: unknown[], contexts: unknown[], current: string): string {
  return stringify({ apiVersion: 'v1', kind: 'Config', clusters, users, contexts, 'current-context': current });
}

describe('loadKubeconfig', () => {
  it('reads the embedded PEMs of the kubeconfig skiff writes', () => {
    const text = kubeconfigYaml({ server: 'https://127.0.0.1:6443/', caPem: CA, clientCertPem: CERT, clientKeyPem: KEY });
    assert.deepEqual(loadKubeconfig({ text }), { server: 'https://127.0.0.1:6443', ca: CA, cert: CERT, key: KEY });
  });

  it('reads certificate files relative to the kubeconfig and a token from the current context', (t) => {
    const dir = tempDir(t);
    writeFileSync(join(dir, 'ca.crt'), CA);
    writeFileSync(join(dir, 'token'), 'abc123\n');
    const text = config(
      [
        { name: 'edge', cluster: { server: 'https://edge:6443', 'certificate-authority': 'ca.crt', 'tls-server-name': 'kubernetes' } },
        { name: 'other', cluster: { server: 'https://other:6443' } },
      ],
      [
        { name: 'bot', user: { tokenFile: 'token' } },
        { name: 'admin', user: { token: 'inline' } },
      ],
      [
        { name: 'edge-bot', context: { cluster: 'edge', user: 'bot' } },
        { name: 'other-admin', context: { cluster: 'other', user: 'admin' } },
      ],
      'edge-bot',
    );
    const path = join(dir, 'kubeconfig');
    writeFileSync(path, text);
    assert.deepEqual(loadKubeconfig({ path }), { server: 'https://edge:6443', ca: CA, tlsServerName: 'kubernetes', token: 'abc123' });
    assert.deepEqual(loadKubeconfig({ path }, { context: 'other-admin' }), { server: 'https://other:6443', token: 'inline' });
  });

  it('says which context, cluster or file is missing', () => {
    const broken = config([{ name: 'c', cluster: { server: 'https://c' } }], [], [{ name: 'x', context: { cluster: 'nope' } }], 'x');
    assert.throws(() => loadKubeconfig({ text: broken }), (e: unknown) => e instanceof KubeconfigError && /cluster "nope"/.test(e.message));
    assert.throws(() => loadKubeconfig({ text: config([], [], [], '') }), /current-context is not set/);
    const missingFile = config(
      [{ name: 'c', cluster: { server: 'https://c', 'certificate-authority': '/nonexistent/ca.crt' } }],
      [],
      [{ name: 'x', context: { cluster: 'c' } }],
      'x',
    );
    assert.throws(() => loadKubeconfig({ text: missingFile }), /Cannot read certificate-authority \/nonexistent\/ca.crt/);
  });

  it('refuses a client certificate without its key', () => {
    const text = config(
      [{ name: 'c', cluster: { server: 'https://c' } }],
      [{ name: 'u', user: { 'client-certificate-data': Buffer.from(CERT).toString('base64') } }],
      [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
      'x',
    );
    assert.throws(() => loadKubeconfig({ text }), /not both/);
  });
});

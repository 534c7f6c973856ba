import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tempDir } from '../../test/support/tmp.ts';
import { caHash, createCertificateAuthority, issueClientCertificate, issueServingCertificate } from '../pki/index.ts';
import { loadCredentials, saveCredentials } from './credentials.ts';

const DAY = 24 * 3600 * 1000;

async function issued(now = new Date()) {
  const ca = await createCertificateAuthority({ now });
  return {
    ca,
    credentials: {
      server: 'https://192.0.2.10:6443',
      nodeName: 'pi-1',
      caPem: ca.certPem,
      client: await issueClientCertificate(ca, { commonName: 'system:node:pi-1', organizations: ['system:nodes'], now }),
      serving: await issueServingCertificate(ca, { names: ['pi-1', '192.0.2.11'], now }),
      podCidr: '10.42.3.0/24',
    },
  };
}

describe('stored node credentials', () => {
  it('are reused by a later start of the same node for the same server and CA', async (t) => {
    const dir = tempDir(t);
    const { ca, credentials } = await issued();
    const saved = await saveCredentials(dir, credentials);
    const loaded = await loadCredentials(dir, { nodeName: 'pi-1', server: credentials.server, caHash: caHash(ca.certPem) });
    assert.equal(loaded.why, 'reused');
    assert.deepEqual(loaded.credentials, saved);
    assert.equal(loaded.credentials?.podCidr, '10.42.3.0/24');
  });

  it('are not reused for another node name, server or cluster, or when missing', async (t) => {
    const dir = tempDir(t);
    assert.match((await loadCredentials(dir, { nodeName: 'pi-1' })).why, /no earlier join/);
    const { credentials } = await issued();
    await saveCredentials(dir, credentials);
    assert.match((await loadCredentials(dir, { nodeName: 'pi-2' })).why, /as node pi-1/);
    assert.match((await loadCredentials(dir, { nodeName: 'pi-1', server: 'https://192.0.2.99:6443' })).why, /to https:\/\/192\.0\.2\.10:6443/);
    const other = await createCertificateAuthority();
    assert.match((await loadCredentials(dir, { nodeName: 'pi-1', caHash: caHash(other.certPem) })).why, /another cluster CA/);
  });

  it('are not reused once a certificate is within the renewal margin, so the node joins again', async (t) => {
    const dir = tempDir(t);
    const { credentials } = await issued();
    await saveCredentials(dir, credentials);
    const later = new Date(Date.now() + 300 * DAY);
    const loaded = await loadCredentials(dir, { nodeName: 'pi-1', now: later });
    assert.equal(loaded.credentials, undefined);
    assert.match(loaded.why, /client certificate expires on/);
  });
});

import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { request } from 'node:https';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { tempDir } from '../../test/support/tmp.ts';
import { createLogger } from '../util/log.ts';
import { startServer, type ServerConfig } from './run.ts';

function config(dir: string): ServerConfig {
  return {
    dataDir: dir,
    kubeconfigPath: join(dir, 'admin.yaml'),
    tlsSans: [],
    bindAddress: '127.0.0.1',
    port: 0,
    clusterCidr: '10.42.0.0/16',
    serviceCidr: '10.43.0.0/16',
    clusterDns: '10.43.0.10',
    clusterDomain: 'cluster.local',
    nodeName: 'node-a',
    compactIntervalMs: 0,
    compactWindow: 1000,
  };
}

function get(url: string, options: { ca: string; cert?: string; key?: string }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ...options, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject).end();
  });
}

describe('server start-up', () => {
  it('serves HTTPS with the written kubeconfig and creates the system namespaces', async (t) => {
    const dir = tempDir(t);
    const server = await startServer({ ...config(dir), port: 0 }, createLogger('error'));
    t.after(() => server.stop());
    const kubeconfig = parse(await readFile(join(dir, 'admin.yaml'), 'utf8'));
    assert.equal((await stat(join(dir, 'admin.yaml'))).mode & 0o777, 0o600);
    const b64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');
    const tls = {
      ca: b64(kubeconfig.clusters[0].cluster['certificate-authority-data']),
      cert: b64(kubeconfig.users[0].user['client-certificate-data']),
      key: b64(kubeconfig.users[0].user['client-key-data']),
    };
    const namespaces = await get(`${server.url}/api/v1/namespaces`, tls);
    assert.equal(namespaces.status, 200);
    const names = JSON.parse(namespaces.body).items.map((n: { metadata: { name: string } }) => n.metadata.name).sort();
    assert.deepEqual(names, ['default', 'kube-node-lease', 'kube-public', 'kube-system']);
    const anonymous = await get(`${server.url}/api/v1/namespaces`, { ca: tls.ca });
    assert.equal(anonymous.status, 401);
    const sa = await get(`${server.url}/api/v1/namespaces/kube-system/serviceaccounts/default`, tls);
    assert.equal(sa.status, 200);
  });

  it('pod streams (exec) need credentials: 401 without, and with them a NotFound Status for a pod that does not exist', async (t) => {
    const dir = tempDir(t);
    const server = await startServer({ ...config(dir), port: 0 }, createLogger('error'));
    t.after(() => server.stop());
    const kubeconfig = parse(await readFile(join(dir, 'admin.yaml'), 'utf8'));
    const b64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');
    const ca = b64(kubeconfig.clusters[0].cluster['certificate-authority-data']);
    const upgrade = (credentials: { cert?: string; key?: string }) =>
      new Promise<number>((resolve, reject) => {
        const req = request(`${server.url}/api/v1/namespaces/default/pods/p/exec?command=sh`, {
          ca,
          ...credentials,
          headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-protocol': 'v5.channel.k8s.io' },
        });
        req.on('response', (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('upgrade', (_res, socket) => {
          socket.destroy();
          resolve(101);
        });
        req.on('error', reject).end();
      });
    assert.equal(await upgrade({}), 401);
    const admin = { cert: b64(kubeconfig.users[0].user['client-certificate-data']), key: b64(kubeconfig.users[0].user['client-key-data']) };
    assert.equal(await upgrade(admin), 404);
  });
});

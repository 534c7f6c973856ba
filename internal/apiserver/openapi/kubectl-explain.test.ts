/**
 * The real kubectl reading the v3 documents: a minimal HTTPS server with
 * discovery and /openapi/v3, and `kubectl explain` against it. Skipped when
 * kubectl is not installed.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { kindDefinition } from '../../api/schema/registry.ts';
import { ensureServerCertificates, kubeconfigYaml } from '../../pki/index.ts';
import {
  aggregatedContentType,
  aggregatedDiscovery,
  apiGroupList,
  apiResourceList,
  apiVersions,
  wantsAggregated,
} from '../discovery.ts';
import { openApiV3Document, openApiV3Index } from './v3.ts';

function kubectlInstalled(): boolean {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const skip = !kubectlInstalled() || kindDefinition('apps', 'v1', 'Deployment') === undefined;

describe('kubectl explain against the OpenAPI v3 documents', { skip }, () => {
  let dir = '';
  let server: Server | undefined;
  let kubeconfig = '';

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'skiff-openapi-'));
    const certs = await ensureServerCertificates({ dir: join(dir, 'tls'), hostname: 'localhost' });
    const listening = createServer({ key: certs.serving.keyPem, cert: certs.serving.certPem }, (req, res) => {
      const url = new URL(req.url ?? '/', 'https://localhost');
      const json = (body: string | object, type = 'application/json', headers: Record<string, string> = {}) => {
        res.writeHead(200, { 'content-type': type, ...headers });
        res.end(typeof body === 'string' ? body : JSON.stringify(body));
      };
      const path = url.pathname;
      if (path === '/api' || path === '/apis') {
        if (wantsAggregated(req.headers.accept)) json(aggregatedDiscovery(path === '/api'), aggregatedContentType);
        else json(path === '/api' ? apiVersions('127.0.0.1:6443') : apiGroupList());
        return;
      }
      if (path === '/openapi/v3') {
        json(openApiV3Index().json);
        return;
      }
      const document = path.startsWith('/openapi/v3/') ? openApiV3Document(path.slice('/openapi/v3/'.length)) : null;
      if (document !== null) {
        json(document.body, 'application/json', { 'cache-control': 'public, immutable' });
        return;
      }
      const parts = path.split('/').filter(Boolean);
      let resources: object | null = null;
      if (parts[0] === 'api' && parts.length === 2) resources = apiResourceList('', parts[1] ?? '');
      if (parts[0] === 'apis' && parts.length === 3) resources = apiResourceList(parts[1] ?? '', parts[2] ?? '');
      if (resources !== null) {
        json(resources);
        return;
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 }));
    });
    server = listening;
    await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
    const { port } = listening.address() as AddressInfo;
    kubeconfig = join(dir, 'kubeconfig');
    const yaml = kubeconfigYaml({
      server: `https://127.0.0.1:${port}`,
      caPem: certs.ca.certPem,
      clientCertPem: certs.admin.certPem,
      clientKeyPem: certs.admin.keyPem,
    });
    await writeFile(kubeconfig, yaml, { mode: 0o600 });
  });

  after(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await rm(dir, { recursive: true, force: true });
  });

  const explain = async (...args: string[]): Promise<string> => {
    const { stdout } = await promisify(execFile)('kubectl', ['--kubeconfig', kubeconfig, 'explain', ...args], {
      timeout: 30_000,
      env: { ...process.env, KUBECACHEDIR: join(dir, 'cache') },
    });
    return stdout;
  };

  it('explains a kind, its group and version, and its fields', async () => {
    const out = await explain('deployments');
    assert.match(out, /GROUP:\s+apps/);
    assert.match(out, /KIND:\s+Deployment/);
    assert.match(out, /VERSION:\s+v1/);
    assert.match(out, /spec\s+<DeploymentSpec>/);
  });

  it('explains a nested field with its type', async () => {
    const out = await explain('deployment.spec.replicas');
    assert.match(out, /FIELD:\s+replicas\s+<integer>/);
  });

  it('explains core kinds and int-or-string fields', async () => {
    assert.match(await explain('pods.spec.containers'), /FIELD:\s+containers\s+<\[\]Container>/);
    assert.match(await explain('services.spec.ports.targetPort'), /FIELD:\s+targetPort\s+<IntOrString>/);
  });
});

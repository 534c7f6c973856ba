/**
 * Authentication and authorization at the edge of dist/skiff: no credentials, a client
 * certificate from a foreign CA and unknown bearer tokens get 401 on every endpoint but
 * health and version; tokens from `<data-dir>/server/tokens.csv` and the admin certificate
 * work, and only system:masters is authorized.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Agent } from 'node:https';
import { ensureServerCertificates } from '../internal/pki/index.ts';
import { adminCredentials, startSkiffServer, type SkiffServer } from './support/skiff-server.ts';
import { jsonBody, rawAgent, rawRequest, type RawRequest, type RawResponse } from './support/raw-https.ts';

const json = { 'content-type': 'application/json' };
const configMap = (name: string): string => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { a: '1' } });
const deployment = JSON.stringify({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'probe' },
  spec: { selector: { matchLabels: { app: 'probe' } }, template: { metadata: { labels: { app: 'probe' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
});

/** A broad walk over the API: discovery, OpenAPI, every verb on several kinds, subresources, unknown paths. */
function protectedRequests(): RawRequest[] {
  const requests: RawRequest[] = [];
  for (const path of [
    '/', '/api', '/apis', '/api/v1', '/apis/apps', '/apis/apps/v1', '/apis/batch/v1', '/apis/rbac.authorization.k8s.io/v1',
    '/openapi/v2', '/openapi/v3', '/openapi/v3/api/v1', '/openapi/v3/apis/apps/v1',
    '/metrics', '/logs', '/nope', '/api/v2', '/apis/nope/v1/things', '/api/v1/namespaces/default/nothings', '/healthz/extra', '/versions',
  ]) {
    requests.push({ method: 'GET', path }, { method: 'GET', path, headers: { accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList' } });
  }
  const kinds: Array<{ collection: string; body: string; patch: string }> = [
    { collection: '/api/v1/namespaces/default/configmaps', body: configMap('probe'), patch: '{"data":{"b":"2"}}' },
    { collection: '/api/v1/namespaces/default/pods', body: JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'probe' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } }), patch: '{"metadata":{"labels":{"x":"y"}}}' },
    { collection: '/api/v1/namespaces/default/services', body: JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'probe' }, spec: { ports: [{ port: 80 }] } }), patch: '{"spec":{"type":"NodePort"}}' },
    { collection: '/apis/apps/v1/namespaces/default/deployments', body: deployment, patch: '{"spec":{"replicas":3}}' },
    { collection: '/api/v1/namespaces', body: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'probe' } }), patch: '{"metadata":{"labels":{"x":"y"}}}' },
    { collection: '/api/v1/nodes', body: JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'probe' } }), patch: '{"spec":{"unschedulable":true}}' },
    { collection: '/apis/rbac.authorization.k8s.io/v1/clusterroles', body: JSON.stringify({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'probe' }, rules: [] }), patch: '{"rules":[]}' },
    { collection: '/api/v1/namespaces/kube-system/secrets', body: JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'probe' }, stringData: { a: 'b' } }), patch: '{"stringData":{"c":"d"}}' },
  ];
  for (const { collection, body, patch } of kinds) {
    const item = `${collection}/probe`;
    requests.push(
      { method: 'GET', path: collection },
      { method: 'GET', path: `${collection}?watch=true` },
      { method: 'GET', path: `${collection}?limit=1&labelSelector=a%3Db` },
      { method: 'POST', path: collection, headers: json, body },
      { method: 'DELETE', path: collection },
      { method: 'GET', path: item },
      { method: 'PUT', path: item, headers: json, body },
      { method: 'PATCH', path: item, headers: { 'content-type': 'application/merge-patch+json' }, body: patch },
      { method: 'PATCH', path: item, headers: { 'content-type': 'application/strategic-merge-patch+json' }, body: patch },
      { method: 'PATCH', path: item, headers: { 'content-type': 'application/json-patch+json' }, body: '[{"op":"add","path":"/metadata/labels","value":{}}]' },
      { method: 'PATCH', path: `${item}?fieldManager=probe&force=true`, headers: { 'content-type': 'application/apply-patch+yaml' }, body },
      { method: 'DELETE', path: item },
      { method: 'DELETE', path: item, headers: json, body: '{"propagationPolicy":"Foreground"}' },
      { method: 'OPTIONS', path: item },
    );
  }
  for (const path of ['/api/v1/pods', '/api/v1/configmaps?watch=1', '/apis/apps/v1/deployments', '/api/v1/secrets']) requests.push({ method: 'GET', path });
  for (const sub of ['/api/v1/namespaces/default/pods/probe/status', '/apis/apps/v1/namespaces/default/deployments/probe/scale', '/apis/apps/v1/namespaces/default/deployments/probe/status', '/api/v1/namespaces/default/services/probe/status', '/api/v1/nodes/probe/status']) {
    requests.push(
      { method: 'GET', path: sub },
      { method: 'PUT', path: sub, headers: json, body: '{}' },
      { method: 'PATCH', path: sub, headers: { 'content-type': 'application/merge-patch+json' }, body: '{"spec":{"replicas":0}}' },
    );
  }
  requests.push(
    { method: 'POST', path: '/api/v1/namespaces/default/pods/probe/binding', headers: json, body: '{"apiVersion":"v1","kind":"Binding","metadata":{"name":"probe"},"target":{"kind":"Node","name":"n"}}' },
    { method: 'PUT', path: '/api/v1/namespaces/default/finalize', headers: json, body: '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"default"},"spec":{"finalizers":[]}}' },
    { method: 'POST', path: '/api/v1/namespaces/default/pods/probe/eviction', headers: json, body: '{}' },
    { method: 'GET', path: '/api/v1/namespaces/default/pods/probe/log' },
    { method: 'POST', path: '/api/v1/namespaces/default/pods/probe/exec?command=sh' },
    { method: 'GET', path: '/api/v1/namespaces/%2e%2e/pods' },
    { method: 'GET', path: '/api/v1/namespaces/%zz/pods' },
    { method: 'GET', path: '/apis/apps/v1/namespaces/default/deployments/probe/scale/extra' },
    { method: 'POST', path: '/api', headers: json, body: '{}' },
    { method: 'DELETE', path: '/apis' },
  );
  return requests;
}

/** Requests whose answer is not the expected 401 Status, described for the failure message. */
async function unexpectedAnswers(url: string, agent: Agent, requests: RawRequest[], headers: Record<string, string> = {}): Promise<string[]> {
  const wrong: string[] = [];
  for (const request of requests) {
    const response = await rawRequest(url, agent, { ...request, headers: { ...request.headers, ...headers } }, 5_000);
    const problem = unauthorizedProblem(response);
    if (problem !== null) wrong.push(`${request.method} ${request.path}: ${problem}`);
  }
  return wrong;
}

function unauthorizedProblem(response: RawResponse): string | null {
  const text = response.body.toString('utf8').slice(0, 200);
  if (response.status !== 401) return `status ${response.status}: ${text}`;
  const body = jsonBody(response);
  if (typeof body !== 'object' || body === null) return `body is not JSON: ${text}`;
  const status = body as Record<string, unknown>;
  if (status.kind !== 'Status' || status.apiVersion !== 'v1' || status.reason !== 'Unauthorized' || status.code !== 401 || status.status !== 'Failure') {
    return `body is not an Unauthorized Status: ${text}`;
  }
  return null;
}

const healthPaths = ['/healthz', '/livez', '/readyz', '/version'];

describe('API authentication and authorization', () => {
  let server: SkiffServer;
  let anonymous: Agent;
  let admin: Agent;
  let foreign: Agent;
  const tokens = { master: 'masters-token-0123456789', user: 'plain-user-token-9876543210' };
  const scratch = mkdtempSync(join(tmpdir(), 'skiff-auth-'));

  before(async () => {
    server = await startSkiffServer(undefined, [], (dataDir) => {
      mkdirSync(join(dataDir, 'server'), { recursive: true, mode: 0o700 });
      writeFileSync(
        join(dataDir, 'server', 'tokens.csv'),
        `# test tokens\n${tokens.master},alice,uid-alice,"system:masters,developers"\n${tokens.user},bob,uid-bob,"developers,viewers"\n`,
        { mode: 0o600 },
      );
    });
    const credentials = adminCredentials(server.kubeconfig);
    anonymous = rawAgent({ ca: credentials.ca });
    admin = rawAgent(credentials);
    // A complete, valid PKI of its own: the server must not trust its admin pair.
    const other = await ensureServerCertificates({ dir: join(scratch, 'other') });
    foreign = rawAgent({ ca: credentials.ca, cert: other.admin.certPem, key: other.admin.keyPem });
  });
  after(async () => {
    for (const agent of [anonymous, admin, foreign]) agent?.destroy();
    await server?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('answers health and version without credentials', async () => {
    for (const path of healthPaths) {
      const response = await rawRequest(server.url, anonymous, { method: 'GET', path });
      assert.equal(response.status, 200, `GET ${path}: ${response.body.toString()}`);
    }
    const version = jsonBody(await rawRequest(server.url, anonymous, { method: 'GET', path: '/version' })) as Record<string, unknown>;
    assert.equal(version.major, '1');
    assert.equal(version.minor, '32');
  });

  it('answers every other endpoint with a 401 Unauthorized Status when no credentials are sent', async () => {
    const requests = protectedRequests();
    assert.ok(requests.length > 150, `${requests.length} requests`);
    assert.deepEqual(await unexpectedAnswers(server.url, anonymous, requests), []);
  });

  it('refuses a client certificate signed by another CA everywhere', async () => {
    assert.deepEqual(await unexpectedAnswers(server.url, foreign, protectedRequests()), []);
  });

  it('refuses unknown, empty and malformed bearer tokens everywhere', async () => {
    const requests = protectedRequests();
    assert.deepEqual(await unexpectedAnswers(server.url, anonymous, requests, { authorization: 'Bearer not-a-known-token' }), []);
    assert.deepEqual(await unexpectedAnswers(server.url, anonymous, requests.slice(0, 40), { authorization: `Bearer ${tokens.master}x` }), []);
    assert.deepEqual(await unexpectedAnswers(server.url, anonymous, requests.slice(0, 40), { authorization: 'Bearer ' }), []);
    assert.deepEqual(await unexpectedAnswers(server.url, anonymous, requests.slice(0, 40), { authorization: `Basic ${Buffer.from('alice:pw').toString('base64')}` }), []);
    assert.deepEqual(await unexpectedAnswers(server.url, anonymous, requests.slice(0, 40), { authorization: `Bearer ${tokens.master} trailing` }), []);
  });

  it('changed nothing while refusing those requests', async () => {
    for (const path of ['/api/v1/namespaces/default/configmaps/probe', '/api/v1/namespaces/probe', '/api/v1/nodes/probe', '/apis/apps/v1/namespaces/default/deployments/probe', '/apis/rbac.authorization.k8s.io/v1/clusterroles/probe']) {
      const response = await rawRequest(server.url, admin, { method: 'GET', path });
      assert.equal(response.status, 404, `GET ${path}: ${response.body.toString()}`);
    }
    const defaultNs = await rawRequest(server.url, admin, { method: 'GET', path: '/api/v1/namespaces/default' });
    assert.equal(defaultNs.status, 200);
    assert.equal((jsonBody(defaultNs) as { status?: { phase?: string } }).status?.phase, 'Active');
  });

  it('serves a token of a system:masters member', async () => {
    const bearer = { authorization: `Bearer ${tokens.master}` };
    const list = await rawRequest(server.url, anonymous, { method: 'GET', path: '/api/v1/namespaces', headers: bearer });
    assert.equal(list.status, 200, list.body.toString());
    assert.equal((jsonBody(list) as { kind?: string }).kind, 'NamespaceList');
    const created = await rawRequest(server.url, anonymous, { method: 'POST', path: '/api/v1/namespaces/default/configmaps', headers: { ...bearer, ...json }, body: configMap('by-token') });
    assert.equal(created.status, 201, created.body.toString());
    // The bearer scheme is case-insensitive, as in Kubernetes.
    const lower = await rawRequest(server.url, anonymous, { method: 'GET', path: '/api/v1/namespaces/default/configmaps/by-token', headers: { authorization: `bearer ${tokens.master}` } });
    assert.equal(lower.status, 200, lower.body.toString());
  });

  it('forbids a token user outside system:masters, saying why', async () => {
    const bearer = { authorization: `Bearer ${tokens.user}` };
    for (const request of [
      { method: 'GET', path: '/api/v1/namespaces' },
      { method: 'GET', path: '/api' },
      { method: 'POST', path: '/api/v1/namespaces/default/configmaps', headers: json, body: configMap('by-bob') },
      { method: 'DELETE', path: '/api/v1/namespaces/default/configmaps/by-token' },
    ] satisfies RawRequest[]) {
      const response = await rawRequest(server.url, anonymous, { ...request, headers: { ...request.headers, ...bearer } });
      assert.equal(response.status, 403, `${request.method} ${request.path}: ${response.body.toString()}`);
      const status = jsonBody(response) as { kind?: string; reason?: string; code?: number; message?: string };
      assert.equal(status.kind, 'Status');
      assert.equal(status.reason, 'Forbidden');
      assert.equal(status.code, 403);
      assert.match(status.message ?? '', /User "bob" cannot/);
      assert.match(status.message ?? '', /only members of system:masters are authorized until RBAC is enforced/);
    }
    const untouched = await rawRequest(server.url, admin, { method: 'GET', path: '/api/v1/namespaces/default/configmaps/by-token' });
    assert.equal(untouched.status, 200, 'the forbidden delete left the config map in place');
    const notCreated = await rawRequest(server.url, admin, { method: 'GET', path: '/api/v1/namespaces/default/configmaps/by-bob' });
    assert.equal(notCreated.status, 404);
  });

  it('serves the admin client certificate', async () => {
    for (const path of ['/api', '/apis', '/api/v1', '/apis/apps/v1', '/api/v1/namespaces', '/apis/apps/v1/deployments', '/openapi/v3', '/openapi/v2']) {
      const response = await rawRequest(server.url, admin, { method: 'GET', path });
      assert.equal(response.status, 200, `GET ${path}: ${response.body.toString().slice(0, 200)}`);
    }
    const created = await rawRequest(server.url, admin, { method: 'POST', path: '/api/v1/namespaces/default/configmaps', headers: json, body: configMap('by-admin') });
    assert.equal(created.status, 201, created.body.toString());
    const deleted = await rawRequest(server.url, admin, { method: 'DELETE', path: '/api/v1/namespaces/default/configmaps/by-admin' });
    assert.equal(deleted.status, 200, deleted.body.toString());
  });
});

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { tempDir } from '../../test/support/tmp.ts';
import { MvccStore } from '../datastore/mvcc/store.ts';
import { createApiServer, type Identity } from './app.ts';

const admin: Identity = { user: 'system:admin', groups: ['system:masters', 'system:authenticated'] };

function server(t: TestContext, identity: Identity | null = admin) {
  const store = MvccStore.open({ file: join(tempDir(t), 'state.db'), compactIntervalMs: 0 });
  t.after(() => store.close());
  const app = createApiServer({ store, authenticate: () => identity, serverAddress: '127.0.0.1:6443', gitVersion: 'v1.32.0+skiff' });
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const init: RequestInit = { method, headers: { 'content-type': 'application/json', ...headers } };
    if (body !== undefined) init.body = JSON.stringify(body);
    const response = await app.request(path, init);
    const text = await response.text();
    return { status: response.status, type: response.headers.get('content-type'), body: text ? JSON.parse(text) : null };
  };
  return { app, store, call };
}

describe('API server', () => {
  it('reports version 1.32 and health without credentials, and 401 elsewhere', async (t) => {
    const { app, call } = server(t, null);
    const version = await call('GET', '/version');
    assert.equal(version.status, 200);
    assert.equal(version.body.major, '1');
    assert.equal(version.body.minor, '32');
    const health = await app.request('/healthz');
    assert.equal(health.status, 200);
    assert.equal(await health.text(), 'ok');
    const denied = await call('GET', '/api/v1/namespaces');
    assert.equal(denied.status, 401);
    assert.equal(denied.body.kind, 'Status');
    assert.equal(denied.body.reason, 'Unauthorized');
  });

  it('refuses users outside system:masters with 403 until RBAC is enforced', async (t) => {
    const { call } = server(t, { user: 'alice', groups: ['dev'] });
    const denied = await call('GET', '/api/v1/namespaces');
    assert.equal(denied.status, 403);
    assert.match(denied.body.message, /User "alice" cannot list resource "namespaces" in API group "" at the cluster scope: only members of system:masters/);
  });

  it('serves aggregated discovery with its exact content type, and legacy discovery', async (t) => {
    const { call } = server(t);
    const accept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json';
    const core = await call('GET', '/api', undefined, { accept });
    assert.equal(core.type, 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    assert.equal(core.body.items[0].metadata.name, '');
    const pods = core.body.items[0].versions[0].resources.find((r: { resource: string }) => r.resource === 'pods');
    assert.deepEqual(pods.categories, ['all']);
    assert.equal(pods.scope, 'Namespaced');
    const groups = await call('GET', '/apis', undefined, { accept });
    const apps = groups.body.items.find((g: { metadata: { name: string } }) => g.metadata.name === 'apps');
    const deployments = apps.versions[0].resources.find((r: { resource: string }) => r.resource === 'deployments');
    assert.deepEqual(deployments.subresources.map((s: { subresource: string }) => s.subresource), ['status', 'scale']);
    const legacy = await call('GET', '/apis/apps/v1');
    assert.ok(legacy.body.resources.some((r: { name: string }) => r.name === 'deployments/scale'));
    assert.equal((await call('GET', '/apis')).body.kind, 'APIGroupList');
  });

  it('creates, reads, lists, updates and deletes objects with Kubernetes metadata', async (t) => {
    const { call } = server(t);
    assert.equal((await call('POST', '/api/v1/namespaces', { metadata: { name: 'team' } })).status, 201);
    const created = await call('POST', '/api/v1/namespaces/team/configmaps', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { generateName: 'settings-', labels: { app: 'web', tier: 'front' } },
      data: { a: '1' },
    });
    assert.equal(created.status, 201);
    const name = created.body.metadata.name as string;
    assert.match(name, /^settings-[a-z0-9]{5}$/);
    assert.match(created.body.metadata.uid, /^[0-9a-f-]{36}$/);
    assert.match(created.body.metadata.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const rv = created.body.metadata.resourceVersion as string;
    await call('POST', '/api/v1/namespaces/team/configmaps', { metadata: { name: 'other', labels: { app: 'db' } } });

    const got = await call('GET', `/api/v1/namespaces/team/configmaps/${name}`);
    assert.deepEqual(got.body.data, { a: '1' });
    const selected = await call('GET', '/api/v1/namespaces/team/configmaps?labelSelector=app%20in%20(web,api),tier');
    assert.deepEqual(selected.body.items.map((i: { metadata: { name: string } }) => i.metadata.name), [name]);
    assert.equal(selected.body.kind, 'ConfigMapList');
    const all = await call('GET', '/api/v1/configmaps?fieldSelector=metadata.name%3Dother');
    assert.equal(all.body.items.length, 1);

    const updated = await call('PUT', `/api/v1/namespaces/team/configmaps/${name}`, { ...got.body, data: { a: '2' } });
    assert.equal(updated.status, 200);
    assert.notEqual(updated.body.metadata.resourceVersion, rv);
    const stale = await call('PUT', `/api/v1/namespaces/team/configmaps/${name}`, { ...got.body, data: { a: '3' } });
    assert.equal(stale.status, 409);
    assert.equal(stale.body.reason, 'Conflict');

    const deleted = await call('DELETE', `/api/v1/namespaces/team/configmaps/${name}`);
    assert.equal(deleted.status, 200);
    const missing = await call('GET', `/api/v1/namespaces/team/configmaps/${name}`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.message, `configmaps "${name}" not found`);
  });

  it('answers bad input with a Status and stores nothing', async (t) => {
    const { app, call, store } = server(t);
    const before = await store.currentRevision();
    const badName = await call('POST', '/api/v1/namespaces', { metadata: { name: 'Not_Valid' } });
    assert.equal(badName.status, 422);
    assert.equal(badName.body.details.causes[0].field, 'metadata.name');
    const wrongKind = await call('POST', '/api/v1/namespaces', { kind: 'Pod', metadata: { name: 'x' } });
    assert.equal(wrongKind.status, 400);
    const mismatch = await call('POST', '/api/v1/namespaces/a/configmaps', { metadata: { name: 'x', namespace: 'b' } });
    assert.equal(mismatch.status, 400);
    const response = await app.request('/api/v1/namespaces', { method: 'POST', body: '{"metadata": ', headers: { 'content-type': 'application/json' } });
    assert.equal(response.status, 400);
    assert.equal(await store.currentRevision(), before);
  });

  it('a watch from a list resourceVersion streams later changes; a compacted one gets 410 Expired', async (t) => {
    const { app, call, store } = server(t);
    const list = await call('GET', '/api/v1/namespaces');
    const response = await app.request(`/api/v1/namespaces?watch=true&resourceVersion=${list.body.metadata.resourceVersion}`);
    assert.equal(response.status, 200);
    const reader = response.body?.getReader();
    assert.ok(reader);
    await call('POST', '/api/v1/namespaces', { metadata: { name: 'watched' } });
    const { value } = await reader.read();
    const event = JSON.parse(new TextDecoder().decode(value));
    assert.equal(event.type, 'ADDED');
    assert.equal(event.object.metadata.name, 'watched');
    await reader.cancel();

    for (let i = 0; i < 5; i++) await call('POST', '/api/v1/namespaces', { metadata: { name: `n${i}` } });
    await store.compact(await store.currentRevision());
    const expired = await app.request('/api/v1/namespaces?watch=true&resourceVersion=1');
    const text = await expired.text();
    const error = JSON.parse(text.trim());
    assert.equal(error.type, 'ERROR');
    assert.equal(error.object.code, 410);
    assert.equal(error.object.reason, 'Expired');
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../apiserver/objects.ts';
import { ApiClient } from './api-client.ts';
import { ApiStatusError } from './errors.ts';
import { startTestApiServer } from './test-api-server.ts';

function configMap(name: string, data: Record<string, string>, labels: Record<string, string> = {}): KubeObject {
  return { metadata: { name, labels }, data };
}

async function rejectsWith(promise: Promise<unknown>, code: number, reason: string): Promise<ApiStatusError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ApiStatusError, `expected ApiStatusError, got ${String(error)}`);
    assert.equal(error.code, code);
    assert.equal(error.reason, reason);
    return error;
  }
  assert.fail(`expected a ${code} ${reason}`);
}

describe('ApiClient against the real API server over HTTPS', () => {
  it('creates, gets, lists, updates and deletes through the typed client', async (t) => {
    const server = await startTestApiServer(t);
    const api = new ApiClient(server.config);
    t.after(() => api.close());
    const namespaces = api.resource('Namespace');
    const configMaps = api.resource('ConfigMap');
    await namespaces.create(null, { metadata: { name: 'team' } });

    const created = await configMaps.create('team', configMap('settings', { a: '1' }, { app: 'web' }));
    assert.equal(created.kind, 'ConfigMap', 'the client fills in apiVersion and kind');
    assert.equal(created.metadata.namespace, 'team');
    await configMaps.create('team', configMap('other', { b: '2' }, { app: 'db' }));

    const fetched = await configMaps.get('team', 'settings');
    assert.deepEqual(fetched.data, { a: '1' });

    const web = await configMaps.list('team', { labelSelector: 'app=web' });
    assert.deepEqual(web.items.map((o) => o.metadata.name), ['settings']);
    const firstPage = await configMaps.list('team', { limit: 1 });
    assert.equal(firstPage.items.length, 1);
    assert.ok(firstPage.metadata.continue, 'a limited list continues');
    const secondPage = await configMaps.list('team', { limit: 1, continue: firstPage.metadata.continue });
    assert.notEqual(secondPage.items[0]?.metadata.name, firstPage.items[0]?.metadata.name);
    const everywhere = await configMaps.list(null);
    assert.equal(everywhere.items.length, 2, 'a null namespace lists across namespaces');

    const updated = await configMaps.update('team', { ...fetched, data: { a: '2' } });
    assert.deepEqual(updated.data, { a: '2' });
    assert.notEqual(updated.metadata.resourceVersion, fetched.metadata.resourceVersion);

    await configMaps.delete('team', 'settings');
    await rejectsWith(configMaps.get('team', 'settings'), 404, 'NotFound');
  });

  it('throws ApiStatusError with the Status for 404 and 409', async (t) => {
    const server = await startTestApiServer(t);
    const api = new ApiClient(server.config);
    t.after(() => api.close());
    const configMaps = api.resource('ConfigMap');
    await api.resource('Namespace').create(null, { metadata: { name: 'team' } });

    const missing = await rejectsWith(configMaps.get('team', 'nope'), 404, 'NotFound');
    assert.equal(missing.details?.name, 'nope');
    assert.equal(missing.message, 'configmaps "nope" not found');

    const first = await configMaps.create('team', configMap('dup', {}));
    await rejectsWith(configMaps.create('team', configMap('dup', {})), 409, 'AlreadyExists');

    await configMaps.update('team', { ...first, data: { x: '1' } });
    const stale = await rejectsWith(configMaps.update('team', { ...first, data: { x: '2' } }), 409, 'Conflict');
    assert.match(stale.message, /the object has been modified/);

    const precondition = configMaps.delete('team', 'dup', { preconditions: { resourceVersion: first.metadata.resourceVersion ?? '' } });
    await rejectsWith(precondition, 409, 'Conflict');
  });

  it('gets 401 without a client certificate and passes network errors through as they are', async (t) => {
    const server = await startTestApiServer(t);
    const anonymous = new ApiClient({ server: server.config.server, ca: server.config.ca ?? '' });
    t.after(() => anonymous.close());
    await rejectsWith(anonymous.resource('Pod').list(null), 401, 'Unauthorized');

    const nowhere = new ApiClient({ server: 'https://127.0.0.1:1' });
    t.after(() => nowhere.close());
    await assert.rejects(nowhere.request('GET', '/version'), (error: NodeJS.ErrnoException) => error.code === 'ECONNREFUSED');
  });

  it('stops a request when its signal aborts', async (t) => {
    const server = await startTestApiServer(t);
    const api = new ApiClient(server.config);
    t.after(() => api.close());
    const abort = new AbortController();
    abort.abort();
    await assert.rejects(api.request('GET', '/version', { signal: abort.signal }), { name: 'AbortError' });
  });

  it('watches from a resourceVersion, and reports a compacted one as a typed 410 ERROR event', async (t) => {
    const server = await startTestApiServer(t);
    const api = new ApiClient(server.config);
    t.after(() => api.close());
    const configMaps = api.resource('ConfigMap');
    await api.resource('Namespace').create(null, { metadata: { name: 'team' } });
    const start = await configMaps.list('team');
    await configMaps.create('team', configMap('a', {}));
    await configMaps.create('team', configMap('b', {}));

    const seen: string[] = [];
    for await (const event of configMaps.watch('team', { resourceVersion: start.metadata.resourceVersion })) {
      if (event.type !== 'ERROR') seen.push(`${event.type} ${event.object.metadata.name}`);
      if (seen.length === 2) break;
    }
    assert.deepEqual(seen, ['ADDED a', 'ADDED b']);

    await server.store.compact(await server.store.currentRevision());
    const events = [];
    for await (const event of configMaps.watch('team', { resourceVersion: start.metadata.resourceVersion })) events.push(event);
    assert.equal(events.length, 1);
    const [only] = events;
    assert.ok(only?.type === 'ERROR');
    assert.equal(only.error.code, 410);
    assert.equal(only.error.reason, 'Expired');
    assert.equal(api.sockets().busy, 0, 'leaving a watch early releases its socket');
  });

  it('waits for the rate limit before sending', async (t) => {
    const server = await startTestApiServer(t);
    const api = new ApiClient({ ...server.config, qps: 20, burst: 2 });
    t.after(() => api.close());
    const started = performance.now();
    for (let i = 0; i < 6; i++) await api.request('GET', '/version');
    // Burst 2, then four more at 20/s: at least ~200 ms.
    assert.ok(performance.now() - started >= 190, `six requests took ${performance.now() - started} ms`);
  });
});

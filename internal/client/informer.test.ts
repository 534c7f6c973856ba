import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventually } from '../../test/support/poll.ts';
import type { KubeObject } from '../apiserver/objects.ts';
import { ApiClient } from './api-client.ts';
import { FakeClock } from './fake-clock.ts';
import { InformerFactory } from './informer-factory.ts';
import { Informer } from './informer.ts';
import { startTestApiServer } from './test-api-server.ts';

function pod(name: string, image = 'nginx:1.27'): KubeObject {
  return { metadata: { name, labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image }] } };
}

/** Records handler calls as short strings, e.g. "add p1", "update p1 nginx:1.27>nginx:1.28", "delete p2". */
function recorder(informer: Informer) {
  const calls: string[] = [];
  const image = (o: KubeObject): string => ((o.spec as { containers?: Array<{ image?: string }> }).containers ?? [])[0]?.image ?? '';
  informer.addHandlers({
    onAdd: (o) => calls.push(`add ${o.metadata.name}`),
    onUpdate: (old, o) => calls.push(`update ${o.metadata.name} ${image(old)}>${image(o)}`),
    onDelete: (o) => calls.push(`delete ${o.metadata.name}`),
  });
  return calls;
}

const names = (objects: KubeObject[]): string[] => objects.map((o) => o.metadata.name ?? '').sort();

describe('Informer against the real API server', () => {
  it('lists existing pods in pages, then follows adds, updates and deletes', async (t) => {
    const server = await startTestApiServer(t);
    const api = new ApiClient(server.config);
    t.after(() => api.close());
    const pods = api.resource('Pod');
    await api.resource('Namespace').create(null, { metadata: { name: 'team' } });
    for (const name of ['p1', 'p2', 'p3']) await pods.create('team', pod(name));

    const errors: unknown[] = [];
    const informer = new Informer(pods, { namespace: 'team', pageSize: 2, onError: (e) => errors.push(e) });
    const calls = recorder(informer);
    const abort = new AbortController();
    const running = informer.run(abort.signal);
    t.after(() => abort.abort());
    assert.equal(await informer.waitForSync(AbortSignal.timeout(10_000)), true);
    assert.deepEqual(names(informer.store.list()), ['p1', 'p2', 'p3']);
    assert.deepEqual(calls.sort(), ['add p1', 'add p2', 'add p3']);
    calls.length = 0;

    await pods.create('team', pod('p4'));
    const p1 = await pods.get('team', 'p1');
    await pods.update('team', { ...p1, spec: { containers: [{ name: 'web', image: 'nginx:1.28' }] } });
    await pods.delete('team', 'p2');
    await eventually('the informer to see three changes', () => calls.length >= 3);
    assert.deepEqual(calls, ['add p4', 'update p1 nginx:1.27>nginx:1.28', 'delete p2']);
    assert.deepEqual(names(informer.store.list()), ['p1', 'p3', 'p4']);
    assert.deepEqual(informer.store.byIndex('namespace', 'team').length, 3);

    const late: string[] = [];
    informer.addHandlers({ onAdd: (o) => late.push(o.metadata.name ?? '') });
    assert.deepEqual(late.sort(), ['p1', 'p3', 'p4'], 'a handler added after sync is told about the cached objects');

    abort.abort();
    await running;
    assert.equal(api.sockets().busy, 0, 'no request is left open after the informer stopped');
    assert.deepEqual(errors, []);
  });

  it('relists after its revision was compacted away and ends consistent with the server', async (t) => {
    const server = await startTestApiServer(t);
    const api = new ApiClient(server.config);
    t.after(() => api.close());
    const pods = api.resource('Pod');
    await api.resource('Namespace').create(null, { metadata: { name: 'team' } });
    for (const name of ['p1', 'p2', 'p3']) await pods.create('team', pod(name));

    // Retries wait on a fake clock, so the watch stays down until the test moves time.
    const clock = new FakeClock();
    const errors: unknown[] = [];
    const informer = new Informer(pods, { namespace: 'team', clock, onError: (e) => errors.push(e) });
    const calls = recorder(informer);
    const abort = new AbortController();
    const running = informer.run(abort.signal);
    t.after(() => abort.abort());
    assert.equal(await informer.waitForSync(AbortSignal.timeout(10_000)), true);
    const seenRevision = informer.lastSyncResourceVersion();
    calls.length = 0;

    server.dropConnections();
    await eventually('the informer to notice the broken watch', () => errors.length > 0 && clock.pendingTimers() > 0);
    const p1 = await pods.get('team', 'p1');
    await pods.update('team', { ...p1, spec: { containers: [{ name: 'web', image: 'nginx:1.28' }] } });
    await pods.delete('team', 'p2');
    await pods.create('team', pod('p4'));
    await server.store.compact(await server.store.currentRevision());
    assert.equal(informer.store.size, 3, 'the cache has not seen the changes yet');

    clock.advance(60_000);
    await eventually('the informer to relist', () => informer.listCount === 2 && calls.length >= 3);
    assert.deepEqual(calls.sort(), ['add p4', 'delete p2', 'update p1 nginx:1.27>nginx:1.28']);
    const truth = await pods.list('team');
    assert.deepEqual(
      informer.store.list().map((o) => `${o.metadata.name}@${o.metadata.resourceVersion}`).sort(),
      truth.items.map((o) => `${o.metadata.name}@${o.metadata.resourceVersion}`).sort(),
    );
    assert.notEqual(informer.lastSyncResourceVersion(), seenRevision);

    // And it keeps following after the relist.
    await pods.delete('team', 'p3');
    await eventually('the delete after the relist', () => informer.store.get('team/p3') === undefined);

    abort.abort();
    await running;
    assert.equal(api.sockets().busy, 0);
    api.close();
    await eventually('the server to see every connection closed', async () => (await server.connections()) === 0);
  });

  it('resumes a watch that the server ended from the last resourceVersion without relisting', async (t) => {
    const server = await startTestApiServer(t);
    const api = new ApiClient(server.config);
    t.after(() => api.close());
    const configMaps = api.resource('ConfigMap');
    await api.resource('Namespace').create(null, { metadata: { name: 'team' } });
    const informer = new Informer(configMaps, { watchTimeoutSeconds: 1 });
    const abort = new AbortController();
    const running = informer.run(abort.signal);
    t.after(() => abort.abort());
    await informer.waitForSync(AbortSignal.timeout(10_000));
    await configMaps.create('team', { metadata: { name: 'before' } });
    await eventually('the first object', () => informer.store.get('team/before'));
    const afterFirst = informer.lastSyncResourceVersion();
    // The server ends each watch after 1 s; the informer must open a new one.
    await eventually('a second watch', () => informer.watchCount >= 2);
    await configMaps.create('team', { metadata: { name: 'after' } });
    await eventually('the object made after the rewatch', () => informer.store.get('team/after'));
    assert.equal(informer.listCount, 1, 'an ended watch resumes, it does not relist');
    assert.notEqual(informer.lastSyncResourceVersion(), afterFirst);
    abort.abort();
    await running;
  });

  it('waitForSync answers false when its signal aborts before the first list', async (t) => {
    const api = new ApiClient({ server: 'https://127.0.0.1:1' });
    t.after(() => api.close());
    const clock = new FakeClock();
    const informer = new Informer(api.resource('Pod'), { clock, onError: () => {} });
    const abort = new AbortController();
    const running = informer.run(abort.signal);
    const waiting = informer.waitForSync(abort.signal);
    await eventually('a failed list', () => clock.pendingTimers() > 0);
    abort.abort();
    assert.equal(await waiting, false);
    await running;
    assert.equal(informer.hasSynced(), false);
  });

  it('shares one informer per resource and scope, and starts the ones asked for after start', async (t) => {
    const server = await startTestApiServer(t);
    const api = new ApiClient(server.config);
    t.after(() => api.close());
    await api.resource('Namespace').create(null, { metadata: { name: 'team' } });
    await api.resource('ConfigMap').create('team', { metadata: { name: 'settings' } });
    const factory = new InformerFactory(api);
    const pods = factory.informer('Pod');
    assert.equal(factory.informer('Pod'), pods);
    assert.notEqual(factory.informer('Pod', { namespace: 'team' }), pods);
    const abort = new AbortController();
    t.after(() => abort.abort());
    factory.start(abort.signal);
    assert.throws(() => factory.start(abort.signal), /twice/);
    const configMaps = factory.informer('ConfigMap');
    assert.equal(await factory.waitForSync(AbortSignal.timeout(10_000)), true);
    assert.equal(pods.hasSynced(), true);
    assert.deepEqual(names(configMaps.store.list()), ['settings']);
    abort.abort();
    await factory.stopped();
    assert.equal(api.sockets().busy, 0);
  });
});

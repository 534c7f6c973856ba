import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import { tempDir } from '../../test/support/tmp.ts';
import { MvccStore } from '../datastore/mvcc/store.ts';
import type { Backend, WatchEvent, Watcher, WatchOptions } from '../datastore/types.ts';
import { createApiServer } from './app.ts';
import { StorageRegistry } from './registry.ts';

function openStore(t: TestContext, dir = tempDir(t)): MvccStore {
  const store = MvccStore.open({ file: join(dir, 'state.db'), compactIntervalMs: 0 });
  t.after(() => store.close());
  return store;
}

/** A namespace that stays Terminating when deleted, until its finalizer is removed. */
const held = (name: string) => ({ metadata: { name, finalizers: ['example.com/hold'] } });

async function release(registry: StorageRegistry, name: string): Promise<void> {
  await registry.get('', 'v1', 'namespaces').guaranteedUpdate(null, name, {}, (namespace) => {
    delete namespace.metadata.finalizers;
    return namespace;
  });
}

/** `store` with some of its methods replaced (the rest called on the store itself). */
function withOverrides(store: Backend, overrides: Partial<Backend>): Backend {
  return new Proxy(store, {
    get(target, property) {
      const own = (overrides as Record<PropertyKey, unknown>)[property];
      if (own !== undefined) return own;
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** The store with its watch batches held back until `next` lets one through (a watch that lags behind the writes). */
function laggingWatches(store: Backend): { backend: Backend; next: () => Promise<void> } {
  const held: Array<() => void> = [];
  const watch = (options: WatchOptions): Watcher => {
    const inner = store.watch(options);
    return {
      cancel: () => inner.cancel(),
      async *[Symbol.asyncIterator](): AsyncIterator<WatchEvent[]> {
        for await (const events of inner) {
          await new Promise<void>((resolve) => held.push(resolve));
          yield events;
        }
      },
    };
  };
  const next = async (): Promise<void> => {
    await tick();
    const resume = held.shift();
    assert.ok(resume !== undefined, 'a watch batch is waiting');
    resume();
    await tick();
  };
  return { backend: withOverrides(store, { watch }), next };
}

describe('namespace index', () => {
  it('answers from memory once listed, reading nothing per question', async (t) => {
    const store = openStore(t);
    let reads = 0;
    const counting = withOverrides(store, {
      get: (...args) => ((reads++), store.get(...args)),
      range: (...args) => ((reads++), store.range(...args)),
    });
    const registry = new StorageRegistry({ store: counting, now: Date.now });
    await registry.get('', 'v1', 'namespaces').create(null, { metadata: { name: 'apps' } });
    assert.equal(registry.namespaces.isActive('apps'), false, 'not listed yet: ask the store');
    await registry.namespaces.ready();
    const afterList = reads;
    for (let i = 0; i < 100; i++) {
      assert.equal(registry.namespaces.isActive('apps'), true);
      assert.equal(registry.namespaces.isActive('nope'), false);
    }
    assert.equal(reads, afterList);
  });

  it('sees its own registry create, terminate, remove and recreate a namespace before the writer continues', async (t) => {
    // The watch never delivers here: only the registry's own commits can say it.
    const registry = new StorageRegistry({ store: laggingWatches(openStore(t)).backend, now: Date.now });
    const namespaces = registry.get('', 'v1', 'namespaces');
    await registry.namespaces.ready();
    await namespaces.create(null, held('team'));
    assert.equal(registry.namespaces.isActive('team'), true);
    const marked = await namespaces.delete(null, 'team');
    assert.equal(marked.deleted, false);
    assert.equal(registry.namespaces.isActive('team'), false, 'terminating');
    await release(registry, 'team');
    await assert.rejects(namespaces.get(null, 'team'), { code: 404 });
    assert.equal(registry.namespaces.isActive('team'), false, 'removed');
    await namespaces.create(null, { metadata: { name: 'team' } });
    assert.equal(registry.namespaces.isActive('team'), true, 'created again');
  });

  it('follows namespace writes made through another registry over the same store', async (t) => {
    const store = openStore(t);
    const watching = new StorageRegistry({ store, now: Date.now });
    const other = new StorageRegistry({ store, now: Date.now });
    await watching.namespaces.ready();
    await other.get('', 'v1', 'namespaces').create(null, held('shared'));
    await tick();
    assert.equal(watching.namespaces.isActive('shared'), true);
    await other.get('', 'v1', 'namespaces').delete(null, 'shared');
    await tick();
    assert.equal(watching.namespaces.isActive('shared'), false, 'terminating');
    await release(other, 'shared');
    await tick();
    assert.equal(watching.namespaces.isActive('shared'), false, 'removed');
  });

  it('keeps a newer commit over older watch events that arrive after it', async (t) => {
    const { backend, next } = laggingWatches(openStore(t));
    const registry = new StorageRegistry({ store: backend, now: Date.now });
    const namespaces = registry.get('', 'v1', 'namespaces');
    await registry.namespaces.ready();
    await namespaces.create(null, held('late'));
    await namespaces.delete(null, 'late');
    assert.equal(registry.namespaces.isActive('late'), false);
    await next(); // the create: active, but older than the deletion already seen
    assert.equal(registry.namespaces.isActive('late'), false);
    await next(); // the deletion itself
    assert.equal(registry.namespaces.isActive('late'), false);
    await release(registry, 'late');
    await namespaces.create(null, { metadata: { name: 'late' } });
    await next(); // the removal, older than the new namespace
    assert.equal(registry.namespaces.isActive('late'), true);
  });

  it('is built again from the store after a restart', async (t) => {
    const dir = tempDir(t);
    const before = MvccStore.open({ file: join(dir, 'state.db'), compactIntervalMs: 0 });
    const first = new StorageRegistry({ store: before, now: Date.now });
    await first.get('', 'v1', 'namespaces').create(null, { metadata: { name: 'kept' } });
    await first.get('', 'v1', 'namespaces').create(null, held('ending'));
    await first.get('', 'v1', 'namespaces').delete(null, 'ending');
    await first.get('', 'v1', 'namespaces').create(null, { metadata: { name: 'gone' } });
    await first.get('', 'v1', 'namespaces').delete(null, 'gone');
    await before.close();

    const registry = new StorageRegistry({ store: openStore(t, dir), now: Date.now });
    await registry.namespaces.ready();
    assert.equal(registry.namespaces.synced, true);
    assert.equal(registry.namespaces.isActive('kept'), true);
    assert.equal(registry.namespaces.isActive('ending'), false);
    assert.equal(registry.namespaces.isActive('gone'), false);
  });

  it('stops answering from memory when the store closes', async (t) => {
    const store = openStore(t);
    const registry = new StorageRegistry({ store, now: Date.now });
    await registry.get('', 'v1', 'namespaces').create(null, { metadata: { name: 'apps' } });
    await registry.namespaces.ready();
    assert.equal(registry.namespaces.isActive('apps'), true);
    await store.close();
    await tick();
    assert.equal(registry.namespaces.synced, false);
    assert.equal(registry.namespaces.isActive('apps'), false);
  });

  it('lets the API refuse content in a missing or terminating namespace right after the change', async (t) => {
    const store = openStore(t);
    const app = createApiServer({ store, authenticate: () => ({ user: 'admin', groups: ['system:masters'] }), serverAddress: '127.0.0.1:6443', gitVersion: 'v1.32.0' });
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await app.request(path, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: response.status, body: (await response.json()) as { reason?: string; details?: { causes?: Array<{ reason: string }> } } };
    };
    const configMap = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } });
    const missing = await call('POST', '/api/v1/namespaces/work/configmaps', configMap('early'));
    assert.equal(missing.status, 404);
    assert.equal((await call('POST', '/api/v1/namespaces', { metadata: { name: 'work' }, spec: { finalizers: ['kubernetes'] } })).status, 201);
    assert.equal((await call('POST', '/api/v1/namespaces/work/configmaps', configMap('one'))).status, 201);
    assert.equal((await call('POST', '/api/v1/namespaces/work/configmaps', configMap('two'))).status, 201);
    assert.equal((await call('DELETE', '/api/v1/namespaces/work')).status, 202);
    const terminating = await call('POST', '/api/v1/namespaces/work/configmaps', configMap('late'));
    assert.equal(terminating.status, 403);
    assert.equal(terminating.body.details?.causes?.[0]?.reason, 'NamespaceTerminating');
  });
});

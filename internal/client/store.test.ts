import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../apiserver/objects.ts';
import { NAMESPACE_INDEX, objectKey, Store } from './store.ts';

function pod(namespace: string, name: string, node?: string, rv = '1'): KubeObject {
  return { kind: 'Pod', metadata: { namespace, name, resourceVersion: rv }, spec: node ? { nodeName: node } : {} };
}

const byNode = (object: KubeObject): string[] => {
  const spec = object.spec as { nodeName?: string } | undefined;
  return spec?.nodeName ? [spec.nodeName] : [];
};

describe('Store', () => {
  it('keys namespaced objects as namespace/name and cluster-scoped ones as name', () => {
    assert.equal(objectKey(pod('default', 'web')), 'default/web');
    assert.equal(objectKey({ kind: 'Node', metadata: { name: 'n1' } }), 'n1');
  });

  it('files objects in the built-in namespace index and lists and gets them', () => {
    const store = new Store();
    store.upsert(pod('a', 'one'));
    store.upsert(pod('a', 'two'));
    store.upsert(pod('b', 'three'));
    assert.deepEqual(store.byIndex(NAMESPACE_INDEX, 'a').map((o) => o.metadata.name).sort(), ['one', 'two']);
    assert.equal(store.get('b/three')?.metadata.name, 'three');
    assert.equal(store.list().length, 3);
    assert.equal(store.size, 3);
  });

  it('moves an object between index values when it is updated and drops it on removal', () => {
    const store = new Store();
    store.addIndexer('node', byNode);
    store.upsert(pod('a', 'web', 'n1'));
    assert.deepEqual(store.indexKeys('node', 'n1'), ['a/web']);
    const previous = store.upsert(pod('a', 'web', 'n2', '2'));
    assert.equal(previous?.metadata.resourceVersion, '1');
    assert.deepEqual(store.byIndex('node', 'n1'), []);
    assert.deepEqual(store.indexKeys('node', 'n2'), ['a/web']);
    assert.equal(store.remove(pod('a', 'web'))?.metadata.resourceVersion, '2');
    assert.deepEqual(store.byIndex('node', 'n2'), []);
    assert.equal(store.get('a/web'), undefined);
  });

  it('indexes objects already stored when an indexer is added late', () => {
    const store = new Store();
    store.upsert(pod('a', 'web', 'n1'));
    store.upsert(pod('a', 'db'));
    store.addIndexer('node', byNode);
    assert.deepEqual(store.indexKeys('node', 'n1'), ['a/web']);
  });

  it('refuses a duplicate indexer name and lookups in an unknown index', () => {
    const store = new Store();
    assert.throws(() => store.addIndexer(NAMESPACE_INDEX, byNode), /indexer of that name exists/);
    assert.throws(() => store.byIndex('nope', 'x'), /no such indexer/);
  });
});

/**
 * The garbage collector: deletes objects whose owners are gone (background deletion),
 * deletes dependents before their owner (foregroundDeletion finalizer) and unlinks
 * dependents from an owner deleted with the orphan finalizer. Runs in the server
 * process over the storage registry, driven by one watch on every stored object.
 */
import { apiVersionOf, resourceTypes, storagePrefix, type ResourceType } from '../api/resources.ts';
import { foregroundFinalizer, orphanFinalizer } from '../apiserver/delete-options.ts';
import { isPlainObject, type KubeObject } from '../apiserver/objects.ts';
import type { StorageRegistry } from '../apiserver/registry.ts';
import type { ResourceStorage } from '../apiserver/rest.ts';
import { ApiError } from '../apiserver/status.ts';
import type { Backend } from '../datastore/types.ts';
import type { Logger } from '../util/log.ts';
import { realClock, sleep } from '../client/index.ts';

interface OwnerRef {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  blockOwnerDeletion: boolean;
}

interface Node {
  storage: ResourceStorage;
  namespace: string | null;
  name: string;
  uid: string;
  owners: OwnerRef[];
  finalizers: string[];
  deleting: boolean;
}

/** One storage per stored resource (versions of a group share objects). */
function storedTypes(): ResourceType[] {
  const seen = new Set<string>();
  return resourceTypes.filter((type) => {
    const prefix = storagePrefix(type);
    if (seen.has(prefix)) return false;
    seen.add(prefix);
    return true;
  });
}

export class GarbageCollector {
  readonly #registry: StorageRegistry;
  readonly #store: Backend;
  readonly #log: Logger;
  readonly #nodes = new Map<string, Node>();
  readonly #dirty = new Set<string>();
  /** Keys of the objects in the graph. */
  readonly #keys = new Set<string>();
  readonly #storages: Array<{ prefix: string; storage: ResourceStorage }>;

  constructor(registry: StorageRegistry, store: Backend, log: Logger) {
    this.#registry = registry;
    this.#store = store;
    this.#log = log;
    this.#storages = storedTypes().map((type) => ({ prefix: storagePrefix(type), storage: registry.of(type) }));
  }

  /** Lists everything, then follows changes until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const revision = await this.#relist();
      try {
        const watcher = this.#store.watch({ key: '/registry/', prefix: true, startRevision: revision + 1, signal });
        for await (const events of watcher) {
          for (const event of events) {
            const entry = this.#storages.find((s) => event.kv.key.startsWith(s.prefix));
            if (entry === undefined) continue;
            // Most writes touch objects with no owners, finalizers or deletion: skip decoding those.
            // Deletes are always looked at: the object may be the owner of others.
            if (event.type !== 'delete' && !this.#keys.has(event.kv.key) && !mentionsOwnership(event.kv.value)) continue;
            const converted = entry.storage.watchEvent(event);
            if (converted.type === 'DELETED') {
              this.#keys.delete(event.kv.key);
              this.#forget(converted.object);
            } else {
              this.#keys.add(event.kv.key);
              this.#observe(entry.storage, converted.object);
            }
          }
          await this.#drain();
        }
      } catch (error) {
        if (signal.aborted) return;
        this.#log.warn('garbage collector watch ended; starting over', { error });
        await sleep(realClock, 1000, signal);
      }
    }
  }

  /** Rebuilds the graph from a list of everything; returns the revision it was read at. */
  async #relist(): Promise<number> {
    this.#nodes.clear();
    this.#keys.clear();
    const revision = await this.#store.currentRevision();
    for (const { storage } of this.#storages) {
      const list = await storage.list({ namespace: null, resourceVersion: String(revision), resourceVersionMatch: 'Exact' });
      for (const object of list.items) {
        if (!concernsCollector(object)) continue;
        this.#keys.add(storage.key(object.metadata.namespace ?? null, object.metadata.name ?? ''));
        this.#observe(storage, object);
      }
    }
    await this.#drain();
    return revision;
  }

  #observe(storage: ResourceStorage, object: KubeObject): void {
    const meta = object.metadata;
    if (!meta.uid || !meta.name) return;
    const previous = this.#nodes.get(meta.uid);
    const owners: OwnerRef[] = [];
    for (const ref of Array.isArray(meta.ownerReferences) ? meta.ownerReferences : []) {
      if (isPlainObject(ref) && typeof ref.uid === 'string' && typeof ref.kind === 'string' && typeof ref.apiVersion === 'string' && typeof ref.name === 'string') {
        owners.push({ apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, uid: ref.uid, blockOwnerDeletion: ref.blockOwnerDeletion === true });
      }
    }
    const node: Node = { storage, namespace: meta.namespace ?? null, name: meta.name, uid: meta.uid, owners, finalizers: meta.finalizers ?? [], deleting: meta.deletionTimestamp !== undefined };
    this.#nodes.set(meta.uid, node);
    this.#dirty.add(meta.uid);
    for (const owner of [...owners, ...(previous?.owners ?? [])]) this.#dirty.add(owner.uid);
  }

  #forget(object: KubeObject): void {
    const uid = object.metadata.uid;
    if (!uid) return;
    const node = this.#nodes.get(uid);
    this.#nodes.delete(uid);
    for (const owner of node?.owners ?? []) this.#dirty.add(owner.uid);
    for (const dependent of this.#dependents(uid)) this.#dirty.add(dependent.uid);
  }

  #dependents(uid: string): Node[] {
    return [...this.#nodes.values()].filter((n) => n.owners.some((o) => o.uid === uid));
  }

  async #drain(): Promise<void> {
    while (this.#dirty.size > 0) {
      const uids = [...this.#dirty];
      this.#dirty.clear();
      for (const uid of uids) {
        const node = this.#nodes.get(uid);
        if (node === undefined) continue;
        try {
          await this.#process(node);
        } catch (error) {
          if (error instanceof ApiError && (error.code === 404 || error.code === 409)) continue;
          this.#log.warn('garbage collection failed', { object: `${node.storage.type.plural}/${node.name}`, error });
        }
      }
    }
  }

  async #process(node: Node): Promise<void> {
    if (node.deleting && node.finalizers.includes(orphanFinalizer)) {
      for (const dependent of this.#dependents(node.uid)) {
        await dependent.storage.guaranteedUpdate(dependent.namespace, dependent.name, { fieldManager: 'skiff-garbage-collector' }, (object) => {
          const refs = Array.isArray(object.metadata.ownerReferences) ? object.metadata.ownerReferences : [];
          const kept = refs.filter((r) => !(isPlainObject(r) && r.uid === node.uid));
          if (kept.length > 0) object.metadata.ownerReferences = kept;
          else delete object.metadata.ownerReferences;
          return object;
        });
      }
      await this.#removeFinalizer(node, orphanFinalizer);
      return;
    }
    if (node.deleting && node.finalizers.includes(foregroundFinalizer)) {
      const dependents = this.#dependents(node.uid);
      for (const dependent of dependents) {
        if (!dependent.deleting) await dependent.storage.delete(dependent.namespace, dependent.name, { propagationPolicy: 'Foreground' });
      }
      const blocking = dependents.filter((d) => d.owners.some((o) => o.uid === node.uid && o.blockOwnerDeletion));
      if (blocking.length === 0) await this.#removeFinalizer(node, foregroundFinalizer);
      return;
    }
    if (node.owners.length > 0 && !node.deleting && (await this.#ownersGone(node))) {
      await node.storage.delete(node.namespace, node.name, { propagationPolicy: 'Background', preconditions: { uid: node.uid } });
    }
  }

  /** Every owner is absent (by uid), checked against storage by name, as upstream verifies. */
  async #ownersGone(node: Node): Promise<boolean> {
    for (const owner of node.owners) {
      if (this.#nodes.has(owner.uid)) return false;
      const type = resourceTypes.find((t) => apiVersionOf(t) === owner.apiVersion && t.kind === owner.kind);
      if (type === undefined) return false;
      try {
        const current = await this.#registry.of(type).get(type.namespaced ? node.namespace : null, owner.name);
        if (current.metadata.uid === owner.uid) return false;
      } catch (error) {
        if (!(error instanceof ApiError && error.code === 404)) throw error;
      }
    }
    return true;
  }

  async #removeFinalizer(node: Node, finalizer: string): Promise<void> {
    await node.storage.guaranteedUpdate(node.namespace, node.name, { fieldManager: 'skiff-garbage-collector' }, (object) => {
      const finalizers = (object.metadata.finalizers ?? []).filter((f) => f !== finalizer);
      if (finalizers.length > 0) object.metadata.finalizers = finalizers;
      else delete object.metadata.finalizers;
      return object;
    });
  }
}

const markers = ['"ownerReferences"', '"finalizers"', '"deletionTimestamp"'].map((m) => Buffer.from(m));

/** Whether a stored value may matter to the collector (cheap byte search, no JSON parse). */
function mentionsOwnership(value: Uint8Array): boolean {
  const buffer = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  return markers.some((marker) => buffer.includes(marker));
}

function concernsCollector(object: KubeObject): boolean {
  const meta = object.metadata;
  return (Array.isArray(meta.ownerReferences) && meta.ownerReferences.length > 0) || (meta.finalizers ?? []).length > 0 || meta.deletionTimestamp !== undefined;
}

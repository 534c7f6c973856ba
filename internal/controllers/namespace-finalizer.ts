/**
 * Deleting a namespace: once it is Terminating, everything in it is deleted; when
 * nothing is left, the `kubernetes` finalizer is removed and the namespace goes.
 */
import { resourceTypes, storagePrefix, type ResourceType } from '../api/resources.ts';
import { isPlainObject, type KubeObject } from '../apiserver/objects.ts';
import type { StorageRegistry } from '../apiserver/registry.ts';
import { ApiError } from '../apiserver/status.ts';
import type { Backend } from '../datastore/types.ts';
import type { Logger } from '../util/log.ts';
import { realClock, sleep } from '../client/index.ts';

const finalizerName = 'kubernetes';

function namespacedStoredTypes(): ResourceType[] {
  const seen = new Set<string>();
  return resourceTypes.filter((type) => {
    const prefix = storagePrefix(type);
    if (!type.namespaced || seen.has(prefix)) return false;
    seen.add(prefix);
    return true;
  });
}

export class NamespaceFinalizer {
  readonly #registry: StorageRegistry;
  readonly #store: Backend;
  readonly #log: Logger;

  constructor(registry: StorageRegistry, store: Backend, log: Logger) {
    this.#registry = registry;
    this.#store = store;
    this.#log = log;
  }

  /** Finalizes terminating namespaces now and whenever namespaces or their content change. */
  async run(signal: AbortSignal): Promise<void> {
    const namespaces = this.#registry.get('', 'v1', 'namespaces');
    while (!signal.aborted) {
      const revision = await this.#store.currentRevision();
      let terminating = await this.#sweep();
      try {
        // A namespace change, or a delete inside a terminating namespace (maybe its last object).
        const watcher = this.#store.watch({ key: '/registry/', prefix: true, startRevision: revision + 1, signal });
        for await (const events of watcher) {
          const relevant = events.some(
            (e) => e.kv.key.startsWith(namespaces.watchPrefix(null)) || (e.type === 'delete' && terminating.has(namespaceOfKey(e.kv.key))),
          );
          if (relevant) terminating = await this.#sweep();
        }
      } catch (error) {
        if (signal.aborted) return;
        this.#log.warn('namespace finalizer watch ended; starting over', { error });
        await sleep(realClock, 1000, signal);
      }
    }
  }

  /** Finalizes what it can; returns the namespaces still terminating. */
  async #sweep(): Promise<Set<string>> {
    const namespaces = this.#registry.get('', 'v1', 'namespaces');
    const list = await namespaces.list({ namespace: null });
    const terminating = new Set<string>();
    for (const namespace of list.items) {
      if (namespace.metadata.deletionTimestamp === undefined || !holdsKubernetesFinalizer(namespace)) continue;
      terminating.add(namespace.metadata.name ?? '');
      try {
        await this.#finalize(namespace);
      } catch (error) {
        if (error instanceof ApiError && (error.code === 404 || error.code === 409)) continue;
        this.#log.warn('namespace deletion failed', { namespace: namespace.metadata.name, error });
      }
    }
    return terminating;
  }

  async #finalize(namespace: KubeObject): Promise<void> {
    const name = namespace.metadata.name ?? '';
    let remaining = 0;
    for (const type of namespacedStoredTypes()) {
      const storage = this.#registry.of(type);
      const list = await storage.list({ namespace: name });
      for (const object of list.items) {
        remaining++;
        if (object.metadata.deletionTimestamp !== undefined) continue;
        try {
          await storage.delete(name, object.metadata.name ?? '', { propagationPolicy: 'Background' });
        } catch (error) {
          if (!(error instanceof ApiError && error.code === 404)) throw error;
        }
      }
    }
    if (remaining > 0) return;
    await this.#registry.get('', 'v1', 'namespaces').guaranteedUpdate(null, name, { subresource: 'finalize', fieldManager: 'skiff-namespace-controller' }, (object) => {
      const spec = isPlainObject(object.spec) ? object.spec : {};
      const finalizers = Array.isArray(spec.finalizers) ? spec.finalizers.filter((f) => f !== finalizerName) : [];
      object.spec = { ...spec, finalizers };
      return object;
    });
  }
}

function holdsKubernetesFinalizer(namespace: KubeObject): boolean {
  const spec = namespace.spec;
  return isPlainObject(spec) && Array.isArray(spec.finalizers) && spec.finalizers.includes(finalizerName);
}

/** The namespace segment of a namespaced object's key, `/registry/<group>/<resource>/<namespace>/<name>`. */
function namespaceOfKey(key: string): string {
  return key.split('/')[4] ?? '';
}

/**
 * The informer's cache: objects keyed by `namespace/name` (just `name` when
 * cluster-scoped), with secondary indexes kept up to date on every change.
 */
import type { KubeObject } from '../apiserver/objects.ts';

/** Returns the index values an object is filed under (none to leave it out). */
export type IndexFunc<T extends KubeObject> = (object: T) => string[];

/** The built-in index of objects by metadata.namespace. */
export const NAMESPACE_INDEX = 'namespace';

/** client-go's MetaNamespaceKeyFunc: `namespace/name`, or `name` for cluster-scoped objects. */
export function objectKey(object: KubeObject): string {
  const name = object.metadata.name ?? '';
  const namespace = object.metadata.namespace;
  return namespace ? `${namespace}/${name}` : name;
}

/** A keyed object cache with indexes; reads return the stored objects (treat them as read-only). */
export class Store<T extends KubeObject = KubeObject> {
  readonly #items = new Map<string, T>();
  readonly #indexers = new Map<string, IndexFunc<T>>();
  /** index name → index value → keys */
  readonly #indexes = new Map<string, Map<string, Set<string>>>();

  constructor() {
    this.addIndexer(NAMESPACE_INDEX, (object) => (object.metadata.namespace ? [object.metadata.namespace] : []));
  }

  /** Adds an index, filing the objects already stored; a name used twice is an error. */
  addIndexer(name: string, index: IndexFunc<T>): void {
    if (this.#indexers.has(name)) throw new Error(`Cannot add indexer "${name}": an indexer of that name exists`);
    this.#indexers.set(name, index);
    this.#indexes.set(name, new Map());
    for (const [key, object] of this.#items) this.#file(name, index, key, object);
  }

  /** Objects filed under `value` in index `name`; throws for an unknown index. */
  byIndex(name: string, value: string): T[] {
    const index = this.#indexes.get(name);
    if (index === undefined) throw new Error(`Cannot look up index "${name}": no such indexer`);
    const result: T[] = [];
    for (const key of index.get(value) ?? []) {
      const object = this.#items.get(key);
      if (object !== undefined) result.push(object);
    }
    return result;
  }

  /** Keys filed under `value` in index `name`. */
  indexKeys(name: string, value: string): string[] {
    const index = this.#indexes.get(name);
    if (index === undefined) throw new Error(`Cannot look up index "${name}": no such indexer`);
    return [...(index.get(value) ?? [])];
  }

  get(key: string): T | undefined {
    return this.#items.get(key);
  }

  getByObject(object: KubeObject): T | undefined {
    return this.#items.get(objectKey(object));
  }

  list(): T[] {
    return [...this.#items.values()];
  }

  keys(): string[] {
    return [...this.#items.keys()];
  }

  get size(): number {
    return this.#items.size;
  }

  /** Adds or replaces the object under its key; returns the one it replaced. */
  upsert(object: T): T | undefined {
    const key = objectKey(object);
    const previous = this.#items.get(key);
    if (previous !== undefined) this.#unfileAll(key, previous);
    this.#items.set(key, object);
    for (const [name, index] of this.#indexers) this.#file(name, index, key, object);
    return previous;
  }

  /** Removes the object with the key of `object`; returns what was stored. */
  remove(object: KubeObject): T | undefined {
    return this.removeKey(objectKey(object));
  }

  removeKey(key: string): T | undefined {
    const previous = this.#items.get(key);
    if (previous === undefined) return undefined;
    this.#unfileAll(key, previous);
    this.#items.delete(key);
    return previous;
  }

  #file(name: string, index: IndexFunc<T>, key: string, object: T): void {
    const values = this.#indexes.get(name);
    if (values === undefined) return;
    for (const value of index(object)) {
      let keys = values.get(value);
      if (keys === undefined) values.set(value, (keys = new Set()));
      keys.add(key);
    }
  }

  #unfileAll(key: string, object: T): void {
    for (const [name, index] of this.#indexers) {
      const values = this.#indexes.get(name);
      if (values === undefined) continue;
      for (const value of index(object)) {
        const keys = values.get(value);
        keys?.delete(key);
        if (keys?.size === 0) values.delete(value);
      }
    }
  }
}

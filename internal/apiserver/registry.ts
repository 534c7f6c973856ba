/** One ResourceStorage per served resource, shared by the HTTP handlers and in-process callers. */
import { resourceTypes, type ResourceType } from '../api/resources.ts';
import { NamespaceIndex } from './namespace-index.ts';
import { ResourceStorage, type RestContext } from './rest.ts';

export class StorageRegistry {
  readonly #storages = new Map<string, ResourceStorage>();
  /** Which namespaces are active, so writes into them need not read them (started on first use). */
  readonly namespaces: NamespaceIndex;

  constructor(ctx: RestContext) {
    for (const type of resourceTypes) this.#storages.set(keyOf(type.group, type.version, type.plural), new ResourceStorage(type, ctx));
    this.namespaces = new NamespaceIndex(ctx.store, this.get('', 'v1', 'namespaces'));
  }

  /** The storage of a served resource; throws for one not in the resource table. */
  get(group: string, version: string, plural: string): ResourceStorage {
    const storage = this.#storages.get(keyOf(group, version, plural));
    if (storage === undefined) throw new Error(`no storage for ${plural} in ${group || 'core'}/${version}`);
    return storage;
  }

  of(type: Pick<ResourceType, 'group' | 'version' | 'plural'>): ResourceStorage {
    return this.get(type.group, type.version, type.plural);
  }
}

function keyOf(group: string, version: string, plural: string): string {
  return `${group}/${version}/${plural}`;
}

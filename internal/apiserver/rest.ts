/**
 * The generic REST storage of every built-in kind: get, list, create, update,
 * delete and watch over the datastore, with Kubernetes semantics for names,
 * namespaces, uids, resourceVersion (the key's mod revision) and generation.
 */
import { randomUUID } from 'node:crypto';
import { apiVersionOf, storagePrefix, type ResourceType } from '../api/resources.ts';
import { checkLabel, checkSubdomain, generateName, timestamp } from '../api/meta.ts';
import { KeyExistsError } from '../datastore/errors.ts';
import type { Backend, KeyValue, WatchEvent } from '../datastore/types.ts';
import { decodeObject, encodeObject, isPlainObject, type KubeObject } from './objects.ts';
import { alreadyExists, badRequest, conflict, invalid, notFound, type StatusCause } from './status.ts';

export interface ListOptions {
  namespace: string | null;
  limit?: number;
  continueToken?: string;
  resourceVersion?: string;
  labelSelector?: (labels: Record<string, string>) => boolean;
  fieldSelector?: (object: KubeObject) => boolean;
}

export interface ObjectList {
  apiVersion: string;
  kind: string;
  metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number };
  items: KubeObject[];
}

export interface RestContext {
  store: Backend;
  now: () => number;
}

export class ResourceStorage {
  readonly type: ResourceType;
  readonly #ctx: RestContext;
  readonly #prefix: string;

  constructor(type: ResourceType, ctx: RestContext) {
    this.type = type;
    this.#ctx = ctx;
    this.#prefix = storagePrefix(type);
  }

  key(namespace: string | null, name: string): string {
    return this.type.namespaced ? `${this.#prefix}${namespace ?? ''}/${name}` : `${this.#prefix}${name}`;
  }

  async get(namespace: string | null, name: string): Promise<KubeObject> {
    const { kv } = await this.#ctx.store.get(this.key(namespace, name));
    if (kv === null) throw notFound(this.type.plural, this.type.group, name);
    return this.#decode(kv);
  }

  async list(options: ListOptions): Promise<ObjectList> {
    const prefix = this.type.namespaced && options.namespace ? `${this.#prefix}${options.namespace}/` : this.#prefix;
    let revision: number | undefined;
    let startAfter: string | undefined;
    if (options.continueToken) {
      const token = decodeContinue(options.continueToken);
      revision = token.revision;
      startAfter = token.after;
    } else if (options.resourceVersion && options.resourceVersion !== '0') {
      revision = parseResourceVersion(options.resourceVersion);
    }
    const limit = options.limit ?? 0;
    const filter = (object: KubeObject): boolean =>
      (options.labelSelector?.(object.metadata.labels ?? {}) ?? true) && (options.fieldSelector?.(object) ?? true);
    const items: KubeObject[] = [];
    let more = false;
    let last: string | undefined;
    let readAt = revision;
    // Filters apply after the read, so keep reading pages until the limit is filled.
    while (true) {
      const page = await this.#ctx.store.range({ prefix, startAfter, revision: readAt, limit: limit > 0 ? limit - items.length : 0 });
      readAt = page.revision;
      for (const kv of page.kvs) {
        const object = this.#decode(kv);
        if (filter(object)) items.push(object);
        last = kv.key;
      }
      more = page.more;
      if (!more || limit === 0 || items.length >= limit) break;
      startAfter = last;
    }
    const metadata: ObjectList['metadata'] = { resourceVersion: String(readAt ?? 0) };
    if (more && last !== undefined) metadata.continue = encodeContinue(readAt ?? 0, last);
    return { apiVersion: apiVersionOf(this.type), kind: `${this.type.kind}List`, metadata, items };
  }

  async create(namespace: string | null, body: unknown, dryRun = false): Promise<KubeObject> {
    const object = this.#checkBody(namespace, body);
    const meta = object.metadata;
    if (!meta.name) {
      if (meta.generateName) meta.name = generateName(meta.generateName);
      else throw invalid(this.type.kind, this.type.group, '', [{ reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name' }]);
    }
    this.#checkName(meta.name);
    if (this.type.namespaced) meta.namespace = namespace ?? undefined;
    else delete meta.namespace;
    meta.uid = randomUUID();
    meta.creationTimestamp = timestamp(this.#ctx.now());
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    if ('spec' in object) meta.generation = 1;
    else delete meta.generation;
    if (dryRun) return object;
    try {
      const revision = await this.#ctx.store.create(this.key(namespace, meta.name), encodeObject(object));
      meta.resourceVersion = String(revision);
      return object;
    } catch (error) {
      if (error instanceof KeyExistsError) throw alreadyExists(this.type.plural, this.type.group, meta.name);
      throw error;
    }
  }

  async update(namespace: string | null, name: string, body: unknown, options: { subresource?: 'status' } = {}): Promise<KubeObject> {
    const object = this.#checkBody(namespace, body);
    if (object.metadata.name !== undefined && object.metadata.name !== name) {
      throw badRequest(`the name of the object (${object.metadata.name}) does not match the name on the URL (${name})`);
    }
    const { kv } = await this.#ctx.store.get(this.key(namespace, name));
    if (kv === null) throw notFound(this.type.plural, this.type.group, name);
    const current = this.#decode(kv);
    const wanted = object.metadata.resourceVersion;
    if (wanted !== undefined && wanted !== '' && wanted !== current.metadata.resourceVersion) {
      throw conflict(this.type.plural, this.type.group, name, 'the object has been modified; please apply your changes to the latest version and try again');
    }
    const next = options.subresource === 'status' ? { ...current, status: object.status ?? null } : object;
    // Fields the server owns.
    next.metadata = {
      ...(options.subresource === 'status' ? current.metadata : object.metadata),
      name,
      uid: current.metadata.uid,
      creationTimestamp: current.metadata.creationTimestamp,
      generation: current.metadata.generation,
    };
    if (this.type.namespaced) next.metadata.namespace = namespace ?? undefined;
    if (current.metadata.deletionTimestamp) next.metadata.deletionTimestamp = current.metadata.deletionTimestamp;
    if (options.subresource !== 'status' && 'status' in current) next.status = current.status;
    if (options.subresource !== 'status' && 'spec' in next && JSON.stringify(next.spec) !== JSON.stringify(current.spec)) {
      next.metadata.generation = (current.metadata.generation ?? 0) + 1;
    }
    return this.#write(namespace, name, next, kv.modRevision);
  }

  /** Deletes the object, or marks it for deletion while finalizers remain. */
  async delete(namespace: string | null, name: string, preconditions: { uid?: string; resourceVersion?: string } = {}): Promise<KubeObject> {
    const key = this.key(namespace, name);
    const { kv } = await this.#ctx.store.get(key);
    if (kv === null) throw notFound(this.type.plural, this.type.group, name);
    const current = this.#decode(kv);
    if (preconditions.uid && preconditions.uid !== current.metadata.uid) {
      throw conflict(this.type.plural, this.type.group, name, `Precondition failed: UID in precondition: ${preconditions.uid}, UID in object meta: ${current.metadata.uid}`);
    }
    if (preconditions.resourceVersion && preconditions.resourceVersion !== current.metadata.resourceVersion) {
      throw conflict(this.type.plural, this.type.group, name, `Precondition failed: ResourceVersion in precondition: ${preconditions.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`);
    }
    if ((current.metadata.finalizers ?? []).length > 0) {
      if (current.metadata.deletionTimestamp) return current;
      current.metadata.deletionTimestamp = timestamp(this.#ctx.now());
      return this.#write(namespace, name, current, kv.modRevision);
    }
    const result = await this.#ctx.store.delete(key, kv.modRevision);
    if (!result.succeeded) {
      throw conflict(this.type.plural, this.type.group, name, 'the object has been modified; please apply your changes to the latest version and try again');
    }
    return current;
  }

  /** Decodes a stored value of this resource (for watch events). */
  decode(kv: KeyValue): KubeObject {
    return this.#decode(kv);
  }

  /** The key prefix a watch on this resource (and namespace) covers. */
  watchPrefix(namespace: string | null): string {
    return this.type.namespaced && namespace ? `${this.#prefix}${namespace}/` : this.#prefix;
  }

  /** Turns a datastore event into a Kubernetes watch event. */
  watchEvent(event: WatchEvent): { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: KubeObject } {
    if (event.type === 'delete') {
      const previous: KubeObject = event.prevKv ? this.#decode(event.prevKv) : { metadata: {} };
      previous.metadata.resourceVersion = String(event.kv.modRevision);
      return { type: 'DELETED', object: this.#withTypeMeta(previous) };
    }
    return { type: event.type === 'create' ? 'ADDED' : 'MODIFIED', object: this.#decode(event.kv) };
  }

  async #write(namespace: string | null, name: string, object: KubeObject, modRevision: number): Promise<KubeObject> {
    delete object.metadata.resourceVersion;
    const result = await this.#ctx.store.update(this.key(namespace, name), encodeObject(object), modRevision);
    if (!result.succeeded) {
      throw conflict(this.type.plural, this.type.group, name, 'the object has been modified; please apply your changes to the latest version and try again');
    }
    object.metadata.resourceVersion = String(result.revision);
    return object;
  }

  #decode(kv: KeyValue): KubeObject {
    return this.#withTypeMeta(decodeObject(kv.value, kv.modRevision));
  }

  #withTypeMeta(object: KubeObject): KubeObject {
    return { ...object, apiVersion: apiVersionOf(this.type), kind: this.type.kind, metadata: object.metadata };
  }

  #checkBody(namespace: string | null, body: unknown): KubeObject {
    if (!isPlainObject(body)) throw badRequest(`the body of the request must be a ${this.type.kind} object`);
    const apiVersion = apiVersionOf(this.type);
    if (body.apiVersion !== undefined && body.apiVersion !== apiVersion && !(this.type.group === '' && body.apiVersion === 'v1')) {
      throw badRequest(`the API version in the data (${String(body.apiVersion)}) does not match the expected API version (${apiVersion})`);
    }
    if (body.kind !== undefined && body.kind !== this.type.kind) {
      throw badRequest(`the kind in the data (${String(body.kind)}) does not match the expected kind (${this.type.kind})`);
    }
    const metadata = body.metadata ?? {};
    if (!isPlainObject(metadata)) throw badRequest('metadata must be an object');
    const object = { ...body, apiVersion, kind: this.type.kind, metadata } as KubeObject;
    const ns = object.metadata.namespace;
    if (this.type.namespaced && ns !== undefined && ns !== '' && ns !== namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    return object;
  }

  #checkName(name: string): void {
    const problems = this.type.kind === 'Namespace' || this.type.kind === 'Service' ? checkLabel(name) : checkSubdomain(name);
    if (problems.length > 0) {
      const causes: StatusCause[] = problems.map((message) => ({ reason: 'FieldValueInvalid', message: `Invalid value: "${name}": ${message}`, field: 'metadata.name' }));
      throw invalid(this.type.kind, this.type.group, name, causes);
    }
  }
}

export function parseResourceVersion(value: string): number {
  const revision = Number(value);
  if (!Number.isSafeInteger(revision) || revision < 0) throw badRequest(`invalid resource version: ${JSON.stringify(value)}`);
  return revision;
}

function encodeContinue(revision: number, after: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: revision, after })).toString('base64url');
}

function decodeContinue(token: string): { revision: number; after: string } {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { rv?: unknown; after?: unknown };
    if (typeof parsed.rv === 'number' && typeof parsed.after === 'string') return { revision: parsed.rv, after: parsed.after };
  } catch {
    // falls through to the error below
  }
  throw badRequest('continue key is not valid: it must be the continue value of a previous list response');
}

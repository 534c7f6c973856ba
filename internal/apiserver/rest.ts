/**
 * The generic REST storage of every built-in kind: get, list, create, update,
 * delete and watch over the datastore, with Kubernetes semantics for names,
 * namespaces, uids, resourceVersion (the key's mod revision), generation,
 * finalizers and deletion. Kind-specific rules come from the ObjectLifecycle.
 */
import { randomUUID } from 'node:crypto';
import { apiVersionOf, storagePrefix, type ResourceType } from '../api/resources.ts';
import { generateName, timestamp } from '../api/meta.ts';
import { jsonEqual } from '../api/validation/field.ts';
import { nameCheckFor } from '../api/validation/object-meta.ts';
import { FutureRevisionError } from '../datastore/errors.ts';
import type { Backend, Compare, KeyValue, Op, WatchEvent } from '../datastore/types.ts';
import { plainLifecycle, type ObjectLifecycle, type WriteContext, type WriteOperation } from './lifecycle.ts';
import { decodeObject, encodeObject, isPlainObject, type KubeObject } from './objects.ts';
import { alreadyExists, ApiError, badRequest, conflict, invalid, notFound, type StatusCause } from './status.ts';
import { deletionPlan, type DeleteOptions } from './delete-options.ts';
import { fromStorage, toStorage } from './conversion.ts';
import type { LeaseRenewals } from './lease-renewals.ts';

export interface ListOptions {
  namespace: string | null;
  limit?: number;
  continueToken?: string;
  resourceVersion?: string;
  /** Exact reads at resourceVersion; otherwise the list is at least as new as it. */
  resourceVersionMatch?: '' | 'Exact' | 'NotOlderThan';
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
  lifecycle?: ObjectLifecycle;
  /** Node Lease renewals kept in memory (see lease-renewals.ts); none: every renewal is written. */
  leaseRenewals?: LeaseRenewals;
}

export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
  /** How unknown fields are treated (default Warn). */
  fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
  /** Collects warnings for the response's Warning headers. */
  warnings?: string[];
  subresource?: string;
  operation?: WriteOperation;
}

/** Told of a committed write: the key, the object as stored (null when removed), the revision after it. */
export type CommitListener = (key: string, object: KubeObject | null, revision: number) => void;

/** Attempts of a read-modify-write whose caller did not pin a resourceVersion. */
const maxAttempts = 8;

export class ResourceStorage {
  readonly type: ResourceType;
  readonly #ctx: RestContext;
  readonly #prefix: string;
  readonly #lifecycle: ObjectLifecycle;
  /** Versions of one kind share a watch prefix, so decoded events are cached per storage. */
  readonly #converted = new WeakMap<WatchEvent, { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: KubeObject }>();
  readonly #committed: CommitListener[] = [];

  constructor(type: ResourceType, ctx: RestContext) {
    this.type = type;
    this.#ctx = ctx;
    this.#prefix = storagePrefix(type);
    this.#lifecycle = ctx.lifecycle ?? plainLifecycle;
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
    const prefix = this.watchPrefix(options.namespace);
    let revision: number | undefined;
    let startAfter: string | undefined;
    if (options.continueToken) {
      const token = decodeContinue(options.continueToken);
      revision = token.revision;
      startAfter = token.after;
    } else if (options.resourceVersion && options.resourceVersion !== '0') {
      const wanted = parseResourceVersion(options.resourceVersion);
      if (options.resourceVersionMatch === 'Exact') revision = wanted;
      else {
        const current = await this.#ctx.store.currentRevision();
        if (wanted > current) throw new FutureRevisionError(wanted, current);
      }
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

  async create(namespace: string | null, body: unknown, options: WriteOptions = {}): Promise<KubeObject> {
    const object = this.checkBody(namespace, body);
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
    delete meta.deletionGracePeriodSeconds;
    if ('spec' in object) meta.generation = 1;
    else delete meta.generation;
    const ctx = this.#writeContext('create', options);
    await this.#lifecycle.admit(object, null, ctx);
    const key = this.key(namespace, meta.name);
    for (let attempt = 1; ; attempt++) {
      const extras = await this.#lifecycle.allocate(object, null, ctx);
      if (ctx.dryRun) return object;
      const response = await this.#ctx.store.txn({
        compare: [{ key, target: 'create', result: '=', value: 0 }, ...extras.compare],
        success: [{ type: 'put', key, value: encodeObject(toStorage(this.type, object)) }, ...extras.ops],
        failure: [{ type: 'get', key }],
      });
      if (response.succeeded) {
        meta.resourceVersion = String(response.revision);
        this.#tellCommitted(key, object, response.revision);
        await this.#lifecycle.created(object, this.type);
        return object;
      }
      const existing = response.results[0];
      if (existing?.type === 'get' && existing.kv !== null) throw alreadyExists(this.type.plural, this.type.group, meta.name);
      if (!extras.retryable || attempt >= maxAttempts) throw this.#allocationConflict(meta.name);
    }
  }

  /** PUT: replaces the object (or its status), with optimistic concurrency on metadata.resourceVersion. */
  async update(namespace: string | null, name: string, body: unknown, options: WriteOptions = {}): Promise<KubeObject> {
    const object = this.checkBody(namespace, body);
    if (object.metadata.name !== undefined && object.metadata.name !== name) {
      throw badRequest(`the name of the object (${object.metadata.name}) does not match the name on the URL (${name})`);
    }
    const wanted = object.metadata.resourceVersion;
    const retry = wanted === undefined || wanted === '';
    const mutate = (current: KubeObject): KubeObject => {
      if (!retry && wanted !== current.metadata.resourceVersion) {
        throw conflict(this.type.plural, this.type.group, name, 'the object has been modified; please apply your changes to the latest version and try again');
      }
      // The write changes the object it is given: a round that may be followed by another gets a copy.
      return retry ? structuredClone(object) : object;
    };
    // Only reads the current object, so it needs no copy of it.
    return this.#readModifyWrite(namespace, name, { ...options, operation: options.operation ?? 'update' }, mutate, retry, false);
  }

  /**
   * Read-modify-write: `mutate` gets the current object and returns the wanted one
   * (whole object, or its status for the status subresource). Server-owned fields are
   * restored, spec changes move the generation, and a concurrent write means another
   * round when `retry` (the caller did not pin a resourceVersion).
   */
  async guaranteedUpdate(
    namespace: string | null,
    name: string,
    options: WriteOptions,
    mutate: (current: KubeObject) => KubeObject | Promise<KubeObject>,
    { retry = true }: { retry?: boolean } = {},
  ): Promise<KubeObject> {
    return this.#readModifyWrite(namespace, name, options, mutate, retry, true);
  }

  /** guaranteedUpdate; `mutate` gets a copy of the current object when it may change what it gets. */
  async #readModifyWrite(
    namespace: string | null,
    name: string,
    options: WriteOptions,
    mutate: (current: KubeObject) => KubeObject | Promise<KubeObject>,
    retry: boolean,
    mutatesCurrent: boolean,
  ): Promise<KubeObject> {
    const key = this.key(namespace, name);
    for (let attempt = 1; ; attempt++) {
      const { kv } = await this.#ctx.store.get(key);
      if (kv === null) throw notFound(this.type.plural, this.type.group, name);
      const current = this.#decode(kv);
      const wanted = this.checkBody(namespace, await mutate(mutatesCurrent ? structuredClone(current) : current));
      if (wanted.metadata.name !== name) {
        throw badRequest(`the name of the object (${String(wanted.metadata.name ?? '')}) does not match the name on the URL (${name})`);
      }
      const uid = wanted.metadata.uid;
      if (uid !== undefined && uid !== '' && uid !== current.metadata.uid) {
        throw conflict(this.type.plural, this.type.group, name, `Precondition failed: UID in precondition: ${String(uid)}, UID in object meta: ${current.metadata.uid ?? ''}`);
      }
      const pinned = wanted.metadata.resourceVersion;
      if (pinned !== undefined && pinned !== '' && pinned !== current.metadata.resourceVersion) {
        throw conflict(this.type.plural, this.type.group, name, 'the object has been modified; please apply your changes to the latest version and try again');
      }
      const next = this.#merge(current, wanted, options.subresource);
      const ctx = this.#writeContext(options.operation ?? 'update', options);
      await this.#lifecycle.admit(next, current, ctx);
      const extras = await this.#lifecycle.allocate(next, current, ctx);
      if (ctx.dryRun) return next;
      const finalDelete = next.metadata.deletionTimestamp !== undefined && !holdsDeletion(next);
      const renewals = this.#renewals;
      if (renewals !== undefined && !finalDelete && extras.ops.length === 0) {
        const stored = this.#withTypeMeta(decodeObject(kv.value, kv.modRevision));
        if (renewals.absorb(key, stored, next)) return renewals.overlay(key, stored);
      }
      const written = await this.#commit(key, next, kv.modRevision, extras.compare, [
        ...extras.ops,
        ...(finalDelete ? this.#lifecycle.release(next, this.type) : []),
      ], finalDelete);
      if (written !== null) return written;
      if (!retry || attempt >= maxAttempts) {
        // As the Kubernetes store does, a failed write reads again to say why: gone is 404, not a conflict.
        if ((await this.#ctx.store.get(key)).kv === null) throw notFound(this.type.plural, this.type.group, name);
        throw conflict(this.type.plural, this.type.group, name, 'the object has been modified; please apply your changes to the latest version and try again');
      }
    }
  }

  /** Deletes the object, or marks it for deletion while finalizers or a grace period remain. */
  async delete(namespace: string | null, name: string, options: DeleteOptions = {}): Promise<{ object: KubeObject; deleted: boolean }> {
    const key = this.key(namespace, name);
    for (let attempt = 1; ; attempt++) {
      const { kv } = await this.#ctx.store.get(key);
      if (kv === null) throw notFound(this.type.plural, this.type.group, name);
      const current = this.#decode(kv);
      const { uid, resourceVersion } = options.preconditions ?? {};
      if (uid && uid !== current.metadata.uid) {
        throw conflict(this.type.plural, this.type.group, name, `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${current.metadata.uid ?? ''}`);
      }
      if (resourceVersion && resourceVersion !== current.metadata.resourceVersion) {
        throw conflict(this.type.plural, this.type.group, name, `Precondition failed: ResourceVersion in precondition: ${resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion ?? ''}`);
      }
      const plan = deletionPlan(this.type, structuredClone(current), options, this.#ctx.now());
      if (options.dryRun) return { object: plan.object, deleted: plan.remove };
      let written: KubeObject | null;
      if (plan.remove) {
        this.#renewals?.forget(key);
        written = await this.#commit(key, current, kv.modRevision, [], this.#lifecycle.release(current, this.type), true);
      }
      else if (!plan.changed) return { object: current, deleted: false };
      else written = await this.#commit(key, plan.object, kv.modRevision, [], [], false);
      if (written !== null) return { object: written, deleted: plan.remove };
      if (attempt >= maxAttempts) throw conflict(this.type.plural, this.type.group, name, 'the object has been modified; please apply your changes to the latest version and try again');
    }
  }

  /** Decodes a stored value of this resource (for watch events). */
  decode(kv: KeyValue): KubeObject {
    return this.#decode(kv);
  }

  /** The key prefix a watch on this resource (and namespace) covers. */
  watchPrefix(namespace: string | null): string {
    return this.type.namespaced && namespace ? `${this.#prefix}${namespace}/` : this.#prefix;
  }

  /**
   * Turns a datastore event into a Kubernetes watch event. Every watcher of a prefix gets
   * the same event object, so it is decoded once; callers must not change the result.
   */
  watchEvent(event: WatchEvent): { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: KubeObject } {
    let converted = this.#converted.get(event);
    if (converted === undefined) {
      converted = this.#convert(event);
      this.#converted.set(event, converted);
    }
    return converted;
  }

  #convert(event: WatchEvent): { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: KubeObject } {
    if (event.type === 'delete') {
      const previous: KubeObject = event.prevKv ? this.#decode(event.prevKv) : { metadata: {} };
      previous.metadata.resourceVersion = String(event.kv.modRevision);
      return { type: 'DELETED', object: this.#withTypeMeta(previous) };
    }
    return { type: event.type === 'create' ? 'ADDED' : 'MODIFIED', object: this.#decode(event.kv) };
  }

  /** Checks a request body's type and namespace and returns it as an object of this kind. */
  checkBody(namespace: string | null, body: unknown): KubeObject {
    if (!isPlainObject(body)) throw badRequest(`the body of the request must be a ${this.type.kind} object`);
    const apiVersion = apiVersionOf(this.type);
    if (body.apiVersion !== undefined && body.apiVersion !== apiVersion) {
      throw badRequest(`the API version in the data (${String(body.apiVersion)}) does not match the expected API version (${apiVersion})`);
    }
    if (body.kind !== undefined && body.kind !== this.type.kind) {
      throw badRequest(`the kind in the data (${String(body.kind)}) does not match the expected kind (${this.type.kind})`);
    }
    const metadata = body.metadata ?? {};
    if (!isPlainObject(metadata)) throw badRequest('metadata must be an object');
    const object = { ...body, apiVersion, kind: this.type.kind, metadata } as KubeObject;
    const ns = object.metadata.namespace;
    if (ns !== undefined && typeof ns !== 'string') throw badRequest('metadata.namespace must be a string');
    if (this.type.namespaced && ns !== undefined && ns !== '' && ns !== namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    for (const field of ['name', 'generateName', 'resourceVersion', 'uid'] as const) {
      const value = object.metadata[field];
      if (value !== undefined && value !== null && typeof value !== 'string') throw badRequest(`metadata.${field} must be a string`);
    }
    return object;
  }

  #writeContext(operation: WriteOperation, options: WriteOptions): WriteContext {
    return {
      type: this.type,
      operation,
      subresource: options.subresource,
      fieldManager: options.fieldManager ?? '',
      fieldValidation: options.fieldValidation ?? 'Warn',
      warnings: options.warnings ?? [],
      dryRun: options.dryRun ?? false,
      store: this.#ctx.store,
      now: this.#ctx.now(),
    };
  }

  /** The object to store: `wanted` with the fields the server owns taken from `current`. */
  #merge(current: KubeObject, wanted: KubeObject, subresource: string | undefined): KubeObject {
    const status = subresource === 'status';
    const next: KubeObject = status ? { ...current, status: wanted.status ?? null } : wanted;
    if (status && (wanted.status === undefined || wanted.status === null)) delete next.status;
    const source = status ? current.metadata : wanted.metadata;
    next.metadata = {
      ...source,
      name: current.metadata.name,
      uid: current.metadata.uid,
      creationTimestamp: current.metadata.creationTimestamp,
      generation: current.metadata.generation,
    };
    if (status && wanted.metadata.managedFields !== undefined) next.metadata.managedFields = wanted.metadata.managedFields;
    if (next.metadata.generation === undefined) delete next.metadata.generation;
    if (this.type.namespaced) next.metadata.namespace = current.metadata.namespace;
    else delete next.metadata.namespace;
    delete next.metadata.deletionTimestamp;
    delete next.metadata.deletionGracePeriodSeconds;
    if (current.metadata.deletionTimestamp) {
      next.metadata.deletionTimestamp = current.metadata.deletionTimestamp;
      if (current.metadata.deletionGracePeriodSeconds !== undefined) next.metadata.deletionGracePeriodSeconds = current.metadata.deletionGracePeriodSeconds;
    }
    if (!status) {
      // Status is the server's, except that a binding writes spec.nodeName and the PodScheduled
      // condition together, as upstream's does.
      if (subresource !== 'binding') {
        if ('status' in current) next.status = current.status;
        else delete next.status;
      }
      if ('spec' in next && !jsonEqual(next.spec, current.spec)) {
        next.metadata.generation = (current.metadata.generation ?? 0) + 1;
      }
    }
    return next;
  }

  /** Writes (or deletes) under a compare on the mod revision; null when someone else wrote first. */
  async #commit(key: string, object: KubeObject, modRevision: number, compare: Compare[], ops: Op[], remove: boolean): Promise<KubeObject | null> {
    const response = await this.#ctx.store.txn({
      compare: [{ key, target: 'mod', result: '=', value: modRevision }, ...compare],
      success: [remove ? { type: 'delete', key } : { type: 'put', key, value: encodeObject(toStorage(this.type, object)) }, ...ops],
      failure: [{ type: 'get', key }],
    });
    if (!response.succeeded) {
      const existing = response.results[0];
      if (existing?.type === 'get' && existing.kv?.modRevision === modRevision && compare.length > 0) {
        throw this.#allocationConflict(object.metadata.name ?? '');
      }
      return null;
    }
    if (!remove) object.metadata.resourceVersion = String(response.revision);
    this.#tellCommitted(key, remove ? null : object, response.revision);
    return object;
  }

  /**
   * Calls `listener` after every write of this resource made through this storage, as
   * soon as it is committed and before the writer continues: the object as stored
   * (null once removed) and the store's revision after the write.
   */
  onCommitted(listener: CommitListener): void {
    this.#committed.push(listener);
  }

  #tellCommitted(key: string, object: KubeObject | null, revision: number): void {
    for (const listener of this.#committed) listener(key, object, revision);
  }

  #allocationConflict(name: string): ApiError {
    return new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${this.type.plural} "${name}": an allocation this object needs was taken concurrently; try again`, {
      name,
      group: this.type.group,
      kind: this.type.plural,
    });
  }

  #decode(kv: KeyValue): KubeObject {
    const object = this.#withTypeMeta(decodeObject(kv.value, kv.modRevision));
    return this.#renewals === undefined ? object : this.#renewals.overlay(kv.key, object);
  }

  /** Renewals apply to coordination.k8s.io Leases only. */
  get #renewals(): LeaseRenewals | undefined {
    return this.type.group === 'coordination.k8s.io' && this.type.kind === 'Lease' ? this.#ctx.leaseRenewals : undefined;
  }

  #withTypeMeta(stored: KubeObject): KubeObject {
    const object = fromStorage(this.type, stored);
    return { ...object, apiVersion: apiVersionOf(this.type), kind: this.type.kind, metadata: object.metadata };
  }

  #checkName(name: string): void {
    const problems = nameCheckFor(this.type.kind)(name);
    if (problems.length > 0) {
      const causes: StatusCause[] = problems.map((message) => ({ reason: 'FieldValueInvalid', message: `Invalid value: "${name}": ${message}`, field: 'metadata.name' }));
      throw invalid(this.type.kind, this.type.group, name, causes);
    }
  }
}

/** Whether finalizers (or a namespace's spec.finalizers) still hold a deleted object. */
export function holdsDeletion(object: KubeObject): boolean {
  if ((object.metadata.finalizers ?? []).length > 0) return true;
  const spec = object.spec;
  return object.kind === 'Namespace' && isPlainObject(spec) && Array.isArray(spec.finalizers) && spec.finalizers.length > 0;
}

export function parseResourceVersion(value: string): number {
  const revision = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(revision)) throw badRequest(`invalid resource version: ${JSON.stringify(value)}`);
  return revision;
}

function encodeContinue(revision: number, after: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: revision, after })).toString('base64url');
}

function decodeContinue(token: string): { revision: number; after: string } {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { rv?: unknown; after?: unknown };
    if (typeof parsed.rv === 'number' && Number.isSafeInteger(parsed.rv) && parsed.rv >= 0 && typeof parsed.after === 'string') {
      return { revision: parsed.rv, after: parsed.after };
    }
  } catch {
    // not base64 JSON: the error below says what a continue token must be
  }
  throw badRequest('continue key is not valid: it must be the continue value of a previous list response');
}

/**
 * Typed access to one resource type: the Kubernetes verbs over REST paths, with
 * objects as KubeObject. Namespace arguments are ignored for cluster-scoped types;
 * `null` as the namespace of list/watch means all namespaces.
 */
import { apiVersionOf, resourceTypes } from '../api/resources.ts';
import type { JsonObject, KubeObject } from '../apiserver/objects.ts';
import type { ApiClient, QueryValue } from './api-client.ts';
import type { KubeStatus } from './errors.ts';
import { watchEvents, type WatchEvent } from './watch-stream.ts';

/** Which resource to address. */
export interface ResourceSpec {
  group: string;
  version: string;
  plural: string;
  namespaced: boolean;
  /** Kind of the objects, used to fill apiVersion/kind on writes when missing. */
  kind?: string;
}

export interface KubeList<T extends KubeObject = KubeObject> {
  apiVersion?: string;
  kind?: string;
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  items: T[];
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface ListOptions extends CallOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
}

export interface WriteOptions extends CallOptions {
  fieldManager?: string;
  dryRun?: boolean;
}

export type PatchType = 'merge' | 'strategic' | 'json' | 'apply';

export interface PatchOptions extends WriteOptions {
  /** Server-side apply: take fields owned by other managers. */
  force?: boolean;
  subresource?: string;
}

export interface DeleteOptions extends CallOptions {
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

export interface WatchOptions extends CallOptions {
  resourceVersion?: string;
  labelSelector?: string;
  fieldSelector?: string;
  allowBookmarks?: boolean;
  timeoutSeconds?: number;
}

const patchContentTypes: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
  apply: 'application/apply-patch+yaml',
};

/** The spec of a built-in kind ("Deployment", or "apps/v1/Deployment" style `apiVersion` to disambiguate). */
export function resourceSpecOfKind(kind: string, apiVersion?: string): ResourceSpec {
  const type = resourceTypes.find((t) => t.kind === kind && (apiVersion === undefined || apiVersionOf(t) === apiVersion));
  if (type === undefined) {
    throw new TypeError(`Cannot address kind ${kind}${apiVersion ? ` in ${apiVersion}` : ''}: it is not a served resource type`);
  }
  return { group: type.group, version: type.version, plural: type.plural, namespaced: type.namespaced, kind: type.kind };
}

/** Verbs on one resource type through `api`. */
export class ResourceClient<T extends KubeObject = KubeObject> {
  readonly spec: ResourceSpec;
  readonly #api: ApiClient;
  readonly #root: string;

  constructor(api: ApiClient, spec: ResourceSpec) {
    this.#api = api;
    this.spec = spec;
    this.#root = spec.group === '' ? `/api/${spec.version}` : `/apis/${spec.group}/${spec.version}`;
  }

  /** The REST path of the collection (name omitted) or of one object. */
  path(namespace: string | null, name?: string, subresource?: string): string {
    let path = this.#root;
    if (this.spec.namespaced && namespace) path += `/namespaces/${encodeURIComponent(namespace)}`;
    path += `/${this.spec.plural}`;
    if (name !== undefined) {
      if (name === '') throw new TypeError(`Cannot address a ${this.spec.plural} object with an empty name`);
      path += `/${encodeURIComponent(name)}`;
    }
    if (subresource !== undefined) path += `/${subresource}`;
    return path;
  }

  get(namespace: string | null, name: string, options: CallOptions = {}): Promise<T> {
    return this.#api.request<T>('GET', this.path(namespace, name), { signal: options.signal });
  }

  list(namespace: string | null, options: ListOptions = {}): Promise<KubeList<T>> {
    const query: Record<string, QueryValue> = {
      labelSelector: options.labelSelector,
      fieldSelector: options.fieldSelector,
      limit: options.limit,
      continue: options.continue,
      resourceVersion: options.resourceVersion,
    };
    return this.#api.request<KubeList<T>>('GET', this.path(namespace), { query, signal: options.signal });
  }

  create(namespace: string | null, object: T, options: WriteOptions = {}): Promise<T> {
    return this.#api.request<T>('POST', this.path(namespace), {
      body: this.#typed(object),
      query: writeQuery(options),
      signal: options.signal,
    });
  }

  /** PUT of the whole object; a stale metadata.resourceVersion fails with 409 Conflict. */
  update(namespace: string | null, object: T, options: WriteOptions = {}): Promise<T> {
    return this.#put(namespace, object, undefined, options);
  }

  /** PUT to the status subresource: only status changes are kept. */
  updateStatus(namespace: string | null, object: T, options: WriteOptions = {}): Promise<T> {
    return this.#put(namespace, object, 'status', options);
  }

  patch(namespace: string | null, name: string, patch: unknown, type: PatchType, options: PatchOptions = {}): Promise<T> {
    const query = writeQuery(options);
    if (options.force !== undefined) query.force = options.force;
    return this.#api.request<T>('PATCH', this.path(namespace, name, options.subresource), {
      body: patch,
      contentType: patchContentTypes[type],
      query,
      signal: options.signal,
    });
  }

  /** Returns the deleted object, or a Status when the server answers with one (e.g. pending finalizers on some servers). */
  delete(namespace: string | null, name: string, options: DeleteOptions = {}): Promise<T | KubeStatus> {
    return this.#api.request<T | KubeStatus>('DELETE', this.path(namespace, name), {
      body: deleteBody(options),
      query: { dryRun: options.dryRun ? 'All' : undefined },
      signal: options.signal,
    });
  }

  deleteCollection(namespace: string | null, options: DeleteOptions & Omit<ListOptions, 'limit' | 'continue'> = {}): Promise<KubeList<T> | KubeStatus> {
    return this.#api.request('DELETE', this.path(namespace), {
      body: deleteBody(options),
      query: { labelSelector: options.labelSelector, fieldSelector: options.fieldSelector, dryRun: options.dryRun ? 'All' : undefined },
      signal: options.signal,
    });
  }

  /**
   * Opens a watch and yields its events until the server ends it (timeout), the
   * signal aborts (then it just ends), or the connection fails (then it throws).
   */
  async *watch(namespace: string | null, options: WatchOptions = {}): AsyncGenerator<WatchEvent<T>> {
    const query: Record<string, QueryValue> = {
      watch: 'true',
      resourceVersion: options.resourceVersion,
      labelSelector: options.labelSelector,
      fieldSelector: options.fieldSelector,
      allowWatchBookmarks: options.allowBookmarks ? 'true' : undefined,
      timeoutSeconds: options.timeoutSeconds,
    };
    const signal = options.signal;
    let response;
    try {
      response = await this.#api.stream('GET', this.path(namespace), { query, signal });
    } catch (error) {
      if (signal?.aborted) return;
      throw error;
    }
    try {
      yield* watchEvents<T>(response);
    } catch (error) {
      if (signal?.aborted) return;
      throw error;
    } finally {
      // A consumer that stops early must not leave the stream (and its socket) open.
      response.destroy();
    }
  }

  #put(namespace: string | null, object: T, subresource: string | undefined, options: WriteOptions): Promise<T> {
    const name = object.metadata.name;
    if (name === undefined || name === '') throw new TypeError(`Cannot update a ${this.spec.plural} object without metadata.name`);
    return this.#api.request<T>('PUT', this.path(namespace, name, subresource), {
      body: this.#typed(object),
      query: writeQuery(options),
      signal: options.signal,
    });
  }

  #typed(object: T): T {
    if (this.spec.kind === undefined || (object.apiVersion !== undefined && object.kind !== undefined)) return object;
    return { apiVersion: apiVersionOf(this.spec), kind: this.spec.kind, ...object };
  }
}

function writeQuery(options: WriteOptions): Record<string, QueryValue> {
  return { fieldManager: options.fieldManager, dryRun: options.dryRun ? 'All' : undefined };
}

function deleteBody(options: DeleteOptions): JsonObject {
  const body: JsonObject = { kind: 'DeleteOptions', apiVersion: 'v1' };
  if (options.propagationPolicy !== undefined) body.propagationPolicy = options.propagationPolicy;
  if (options.gracePeriodSeconds !== undefined) body.gracePeriodSeconds = options.gracePeriodSeconds;
  if (options.preconditions !== undefined) body.preconditions = { ...options.preconditions };
  if (options.dryRun) body.dryRun = ['All'];
  return body;
}

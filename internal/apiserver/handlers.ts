/**
 * The REST verbs over one resource path: get, list, watch, create, update, patch,
 * delete and deletecollection, plus the status, scale and binding subresources.
 */
import type { Context } from 'hono';

import type { Backend } from '../datastore/types.ts';
import { parseDeleteOptions } from './delete-options.ts';
import { isPlainObject, type KubeObject } from './objects.ts';
import { patchObject, patchValue } from './patch-request.ts';
import { firstDuplicateKey, parseJson, parseYamlDocument, protobufContentType, readBody, utf8, type RequestBody } from './request-body.ts';
import { parseListQuery } from './list-query.ts';
import type { ResourcePath } from './request-path.ts';
import type { StorageRegistry } from './registry.ts';
import type { ResourceStorage, WriteOptions } from './rest.ts';
import { applyScale, scaleOf } from './scale.ts';
import { fieldSelectorMatcher, labelSelectorMatcher } from './selectors.ts';
import { ApiError, badRequest, conflict, methodNotAllowed, notFound } from './status.ts';
import { decodeProtobufObject } from './protobuf/decode.ts';
import { respond, type Responder } from './respond.ts';
import { serveWatch } from './watch.ts';
import { evictionAccepted, evictPod, parseEviction } from './eviction.ts';

export interface HandlerContext {
  store: Backend;
  registry: StorageRegistry;
  maxBodyBytes: number;
  now: () => number;
}

/** The namespaces the cluster itself needs, as upstream's lifecycle admission protects them. */
const undeletableNamespaces = new Set(['default', 'kube-system', 'kube-public']);

const writableSubresources: Record<string, readonly string[]> = {
  status: ['GET', 'PUT', 'PATCH'],
  scale: ['GET', 'PUT', 'PATCH'],
  binding: ['POST'],
  eviction: ['POST'],
  finalize: ['PUT'],
};

/** Serves one request to a resource path. */
export async function handleResource(c: Context, path: ResourcePath, hc: HandlerContext): Promise<Response> {
  checkAccept(c.req.header('accept'));
  const storage = hc.registry.of(path.type);
  const method = c.req.method;
  const query = (name: string): string | undefined => c.req.query(name);
  const warnings: string[] = [];
  const out: Responder = respond(c, path.type, hc.now, warnings);
  if (path.subresource !== null) {
    const declared = path.type.subresources.some((s) => s.name === path.subresource);
    const methods = writableSubresources[path.subresource];
    if (!declared || methods === undefined || path.name === null) throw notFound(path.type.plural, path.type.group, `${path.name ?? ''}/${path.subresource}`);
    if (!methods.includes(method)) throw methodNotAllowed(`${method} is not supported on ${path.type.plural}/${path.subresource}`);
  }
  const writeOptions = (): WriteOptions => ({
    dryRun: dryRunOf(query('dryRun')),
    fieldManager: fieldManagerOf(query('fieldManager'), c.req.header('user-agent')),
    fieldValidation: fieldValidationOf(query('fieldValidation')),
    warnings,
    subresource: path.subresource ?? undefined,
  });

  if (path.name === null) {
    const selectors = {
      namespace: path.namespace,
      labelSelector: labelSelectorMatcher(query('labelSelector') ?? ''),
      fieldSelector: fieldSelectorMatcher(query('fieldSelector') ?? '', path.type),
    };
    const listQuery = method === 'GET' || method === 'DELETE' ? parseListQuery(query) : null;
    switch (method) {
      case 'GET': {
        if (listQuery?.watch) {
          return serveWatch(storage, hc.store, {
            ...selectors,
            resourceVersion: listQuery.resourceVersion,
            allowBookmarks: listQuery.allowBookmarks,
            timeoutSeconds: listQuery.timeoutSeconds,
            encode: out.watchObject,
          });
        }
        const list = await storage.list({
          ...selectors,
          limit: listQuery?.limit ?? 0,
          continueToken: listQuery?.continueToken,
          resourceVersion: listQuery?.resourceVersion,
          resourceVersionMatch: listQuery?.resourceVersionMatch,
        });
        return out.list(list);
      }
      case 'POST': {
        const body = await decodeObjectBody(c, hc.maxBodyBytes, query('fieldValidation') === 'Strict');
        storage.checkBody(path.namespace, body);
        if (path.namespace !== null) await requireNamespace(hc, path.namespace);
        return out.object(await storage.create(path.namespace, body, { ...writeOptions(), operation: 'create' }), 201);
      }
      case 'DELETE': {
        const options = parseDeleteOptions(await readDeleteBody(c, hc.maxBodyBytes), query);
        const list = await storage.list({
          ...selectors,
          limit: listQuery?.limit ?? 0,
          continueToken: listQuery?.continueToken,
          resourceVersion: listQuery?.resourceVersion,
          resourceVersionMatch: listQuery?.resourceVersionMatch,
        });
        const deleted: KubeObject[] = [];
        for (const item of list.items) {
          try {
            deleted.push((await storage.delete(path.namespace ?? item.metadata.namespace ?? null, item.metadata.name ?? '', options)).object);
          } catch (error) {
            // Gone already (deleted concurrently) is what the caller asked for.
            if (!(error instanceof ApiError && error.code === 404)) throw error;
          }
        }
        return out.list({ ...list, items: deleted });
      }
      default:
        throw methodNotAllowed(`${method} is not supported on a collection of ${path.type.plural}`);
    }
  }

  const name = path.name;
  switch (path.subresource) {
    case 'scale':
      return handleScale(c, storage, path.namespace, name, method, hc, writeOptions(), out);
    case 'binding': {
      const body = await decodeObjectBody(c, hc.maxBodyBytes);
      return out.status(await bindPod(storage, path.namespace, name, body, writeOptions(), hc.now), 201);
    }
    case 'eviction': {
      const options = parseEviction(await readBody(c, hc.maxBodyBytes), path.namespace, name, writeOptions().dryRun === true);
      await evictPod(hc.registry, path.namespace ?? '', name, options, hc.now);
      return out.plain(evictionAccepted, 201);
    }
    default:
      break;
  }
  switch (method) {
    case 'GET':
      return out.object(await storage.get(path.namespace, name));
    case 'PUT': {
      const body = await decodeObjectBody(c, hc.maxBodyBytes, query('fieldValidation') === 'Strict');
      return out.object(await storage.update(path.namespace, name, body, writeOptions()));
    }
    case 'PATCH': {
      const raw = await readBody(c, hc.maxBodyBytes);
      if (raw === null) throw badRequest('the request has no body; send the patch');
      const result = await patchObject(storage, path.namespace, name, raw, {
        ...writeOptions(),
        force: query('force') === 'true',
        fieldManagerDefaulted: query('fieldManager') === undefined,
      });
      return out.object(result.object, result.created ? 201 : 200);
    }
    case 'DELETE': {
      if (path.type.kind === 'Namespace' && path.type.group === '' && undeletableNamespaces.has(name)) {
        throw new ApiError(403, 'Forbidden', `namespaces "${name}" is forbidden: this namespace may not be deleted`, { name, kind: 'namespaces' });
      }
      const options = parseDeleteOptions(await readDeleteBody(c, hc.maxBodyBytes), query);
      const result = await storage.delete(path.namespace, name, options);
      if (result.deleted && path.type.kind !== 'Pod' && path.type.kind !== 'Namespace') {
        return out.success({ name, group: path.type.group, kind: path.type.plural, uid: result.object.metadata.uid ?? '' });
      }
      return out.object(result.object, result.deleted ? 200 : 202);
    }
    default:
      throw methodNotAllowed(`${method} is not supported on ${path.type.plural}`);
  }
}

async function handleScale(c: Context, storage: ResourceStorage, namespace: string | null, name: string, method: string, hc: HandlerContext, options: WriteOptions, out: Responder): Promise<Response> {
  if (method === 'GET') return out.plain(scaleOf(await storage.get(namespace, name)));
  const raw = await readBody(c, hc.maxBodyBytes);
  if (raw === null) throw badRequest('the request has no body; send a Scale');
  const parentOptions: WriteOptions = { ...options, subresource: undefined, operation: method === 'PUT' ? 'update' : 'patch' };
  if (method === 'PUT') {
    const scale = decodeObject(raw);
    const updated = await storage.guaranteedUpdate(namespace, name, parentOptions, (current) => applyScale(current, scale, storage.type.plural, storage.type.group));
    return out.plain(scaleOf(updated));
  }
  const updated = await storage.guaranteedUpdate(namespace, name, parentOptions, async (current) => {
    const patched = patchValue(scaleOf(current), raw, 'io.k8s.api.autoscaling.v1.Scale');
    return applyScale(current, patched, storage.type.plural, storage.type.group);
  });
  return out.plain(scaleOf(updated));
}

/** pods/NAME/binding: sets spec.nodeName once. */
async function bindPod(storage: ResourceStorage, namespace: string | null, name: string, body: unknown, options: WriteOptions, clock: () => number): Promise<{ name: string; kind: string }> {
  const target = isPlainObject(body) && isPlainObject(body.target) ? body.target : null;
  const node = target?.name;
  if (typeof node !== 'string' || node === '') throw badRequest('a Binding needs target.name, the node to bind to');
  await storage.guaranteedUpdate(namespace, name, { ...options, subresource: 'binding', operation: 'update' }, (pod) => {
    const spec = isPlainObject(pod.spec) ? pod.spec : {};
    if (pod.metadata.deletionTimestamp) throw conflict('pods', '', name, 'pod is being deleted, cannot be assigned to a host');
    if (typeof spec.nodeName === 'string' && spec.nodeName !== '') {
      throw conflict('pods', '', name, `pod ${name} is already assigned to node "${spec.nodeName}"`);
    }
    pod.spec = { ...spec, nodeName: node };
    // As upstream's binding storage: the pod is now scheduled, whatever the scheduler said before.
    const status = isPlainObject(pod.status) ? pod.status : {};
    const conditions = (Array.isArray(status.conditions) ? status.conditions : []).filter((c) => !(isPlainObject(c) && c.type === 'PodScheduled'));
    const now = new Date(clock()).toISOString().replace(/\.\d+Z$/, 'Z');
    pod.status = { ...status, conditions: [...conditions, { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now }] };
    return pod;
  });
  return { name, kind: 'pods' };
}

/**
 * Namespace lifecycle: content goes only into namespaces that exist and are not
 * terminating. An active namespace is known from memory; any other answer is read.
 */
async function requireNamespace(hc: HandlerContext, namespace: string): Promise<void> {
  if (hc.registry.namespaces.isActive(namespace)) return;
  const namespaces = hc.registry.get('', 'v1', 'namespaces');
  let object: KubeObject;
  try {
    object = await namespaces.get(null, namespace);
  } catch (error) {
    if (error instanceof ApiError && error.code === 404) throw notFound('namespaces', '', namespace);
    throw error;
  }
  if (object.metadata.deletionTimestamp) {
    throw new ApiError(403, 'Forbidden', `unable to create new content in namespace ${namespace} because it is being terminated`, {
      name: namespace,
      kind: 'namespaces',
      causes: [{ reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' }],
    });
  }
}

async function decodeObjectBody(c: Context, maxBytes: number, strict = false): Promise<unknown> {
  const raw = await readBody(c, maxBytes);
  if (raw === null) throw badRequest('the request has no body; send the object');
  return decodeObject(raw, strict);
}

function decodeObject(raw: RequestBody, strict = false): unknown {
  if (raw.contentType === protobufContentType) return decodeProtobufObject(raw.bytes);
  if (raw.contentType === 'application/json') {
    const text = utf8(raw.bytes);
    const value = parseJson(text);
    if (strict) {
      const duplicate = firstDuplicateKey(text);
      if (duplicate !== undefined) throw badRequest(`strict decoding error: duplicate field "${duplicate}"`);
    }
    return value;
  }
  if (raw.contentType === 'application/yaml') return parseYamlDocument(utf8(raw.bytes));
  throw unsupportedMediaType(raw.contentType);
}

function unsupportedMediaType(contentType: string): ApiError {
  return new ApiError(415, 'UnsupportedMediaType', `the body of type "${contentType}" is not supported: send application/json, application/yaml or ${protobufContentType}`);
}

/** A DELETE may carry DeleteOptions as JSON (or nothing). */
async function readDeleteBody(c: Context, maxBytes: number): Promise<unknown> {
  const raw = await readBody(c, maxBytes);
  if (raw === null) return null;
  if (raw.contentType !== 'application/json' && raw.contentType !== 'application/yaml') throw unsupportedMediaType(raw.contentType);
  return raw.contentType === 'application/json' ? parseJson(utf8(raw.bytes)) : parseYamlDocument(utf8(raw.bytes));
}

function dryRunOf(value: string | undefined): boolean {
  if (value === undefined || value === '') return false;
  if (value !== 'All') throw badRequest(`dryRun: Unsupported value: "${value}": supported values: "All"`);
  return true;
}

function fieldValidationOf(value: string | undefined): 'Strict' | 'Warn' | 'Ignore' {
  if (value === undefined || value === '') return 'Warn';
  if (value === 'Strict' || value === 'Warn' || value === 'Ignore') return value;
  throw badRequest(`fieldValidation: Unsupported value: "${value}": supported values: "Ignore", "Strict", "Warn"`);
}

/** The manager of a request's fields: ?fieldManager, else the user agent's program name, as upstream. */
function fieldManagerOf(value: string | undefined, userAgent: string | undefined): string {
  if (value !== undefined) {
    if (value === '' || value.length > 128 || /[^\x20-\x7e]/.test(value)) throw badRequest('fieldManager must be 1 to 128 printable characters');
    return value;
  }
  const program = (userAgent ?? 'unknown').split('/')[0] ?? 'unknown';
  return program.slice(0, 128) || 'unknown';
}


/** Responses are JSON (plain or Table); an Accept that allows neither is 406, as upstream. */
function checkAccept(accept: string | undefined): void {
  if (accept === undefined || accept.trim() === '') return;
  const ranges = accept.split(',').map((r) => (r.split(';')[0] ?? '').trim().toLowerCase());
  if (ranges.some((r) => r === '*/*' || r === 'application/*' || r === 'application/json' || r === '')) return;
  throw new ApiError(406, 'NotAcceptable', `only the following media types are accepted: application/json, application/json;as=Table;v=v1;g=meta.k8s.io`);
}

/**
 * Authorization until RBAC is enforced: members of system:masters may do everything;
 * nodes (system:nodes, user system:node:<name>) may do what a kubelet needs, as
 * upstream's Node authorizer allows it (simplified: they may read every Secret and
 * ConfigMap, not only those of their pods); everyone else is refused.
 */
import type { Identity } from './app.ts';
import { parseResourcePath, type ResourcePath } from './request-path.ts';

export interface RequestAttributes {
  method: string;
  /** Decoded path segments. */
  segments: string[];
  watch: boolean;
}

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

/** The API verb of a request to a resource path. */
export function verbOf(method: string, path: ResourcePath, watch: boolean): Verb {
  switch (method) {
    case 'GET':
    case 'HEAD':
      return path.name === null ? (watch ? 'watch' : 'list') : 'get';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    default:
      return path.name === null ? 'deletecollection' : 'delete';
  }
}

/** The resource path a request names, or null for non-resource URLs (discovery, OpenAPI, …). */
export function resourcePathOf(segments: string[]): ResourcePath | null {
  const [first, second, third, fourth, ...rest] = segments;
  if (first === 'api' && second === 'v1' && third !== undefined) return parseResourcePath('', 'v1', segments.slice(2));
  if (first === 'apis' && second !== undefined && third !== undefined && fourth !== undefined) return parseResourcePath(second, third, [fourth, ...rest]);
  return null;
}

const readVerbs: readonly Verb[] = ['get', 'list', 'watch'];
const nodeReadable = new Set(['services', 'endpoints', 'endpointslices', 'namespaces', 'configmaps', 'secrets', 'persistentvolumeclaims', 'persistentvolumes', 'serviceaccounts', 'runtimeclasses', 'csidrivers', 'nodes', 'pods']);

/** null when allowed; otherwise why not. */
export function authorize(identity: Identity, request: RequestAttributes): string | null {
  if (identity.groups.includes('system:masters')) return null;
  const node = identity.groups.includes('system:nodes') && identity.user.startsWith('system:node:') ? identity.user.slice('system:node:'.length) : null;
  if (node === null) return 'only members of system:masters are authorized until RBAC is enforced';
  const path = resourcePathOf(request.segments);
  if (path === null) {
    // skiff's own endpoints (/skiff/…: datastore status, snapshots, membership) are for admins.
    if (request.segments[0] === 'skiff') return 'only members of system:masters may use the /skiff/ endpoints';
    return request.method === 'GET' ? null : 'nodes may only read non-resource URLs';
  }
  const verb = verbOf(request.method, path, request.watch);
  const resource = path.subresource === null ? path.type.plural : `${path.type.plural}/${path.subresource}`;
  if (path.subresource === null && readVerbs.includes(verb) && nodeReadable.has(path.type.plural)) return null;
  switch (resource) {
    case 'nodes':
      if (verb === 'create' || ((verb === 'update' || verb === 'patch' || verb === 'delete') && path.name === node)) return null;
      break;
    case 'nodes/status':
      if ((verb === 'get' || verb === 'update' || verb === 'patch') && path.name === node) return null;
      break;
    case 'pods':
      if (verb === 'delete') return null;
      break;
    case 'pods/status':
      if (verb === 'get' || verb === 'update' || verb === 'patch') return null;
      break;
    case 'leases':
      if (path.namespace === 'kube-node-lease' && (path.name === node || (verb === 'create' && path.name === null)) && verb !== 'deletecollection') return null;
      break;
    case 'events':
      if (verb === 'create' || verb === 'update' || verb === 'patch') return null;
      break;
  }
  return `node ${node} may not ${verb} ${resource}${path.name === null ? '' : ` "${path.name}"`}`;
}

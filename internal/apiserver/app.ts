/**
 * The API server's HTTP application: health, version, discovery and the REST
 * endpoints of every built-in kind, behind authentication and authorization.
 */
import { Hono, type Context } from 'hono';
import type { Backend } from '../datastore/types.ts';
import {
  aggregatedContentType,
  aggregatedDiscovery,
  apiGroupDocument,
  apiGroupList,
  apiResourceList,
  apiVersions,
  wantsAggregated,
} from './discovery.ts';
import { parseResourcePath, requestSegments } from './request-path.ts';
import { StorageRegistry } from './registry.ts';
import { ApiError, forbidden, forbiddenPath, methodNotAllowed, notFound, statusObject, toStatus, unauthorized } from './status.ts';
import { handleResource, type HandlerContext } from './handlers.ts';
import { authorize, resourcePathOf, verbOf } from './authorize.ts';
import { openApiV2Document } from './openapi/v2.ts';
import { openApiV3Document, openApiV3Index } from './openapi/v3.ts';

export interface Identity {
  user: string;
  groups: string[];
}

export interface ApiServerOptions {
  store: Backend;
  /** Resolves the caller from the request (client certificate or bearer token); null = anonymous. */
  authenticate: (c: Context) => Identity | null | Promise<Identity | null>;
  /** Address clients reach the server at, for APIVersions (a function when known only once listening). */
  serverAddress: string | (() => string);
  /** Version reported at /version; minor 32 makes kubectl's dispatcher pick kubectl 1.32. */
  gitVersion: string;
  now?: () => number;
  /** Limit of a request body in bytes (default 3 MiB, as Kubernetes). */
  maxBodyBytes?: number;
  /** Storage shared with in-process callers; default a new one over `store`. */
  registry?: StorageRegistry;
  /** Routes served without authentication (machine join); their paths start with /v1-skiff/ or are /cacerts. */
  publicRoutes?: Hono;
  /** Serves GET pods/{name}/log (from the pod's node); without it the subresource answers 503. */
  podLogs?: (c: Context, namespace: string, name: string) => Promise<Response>;
  /** Serves nodes/{name}/proxy/{path} from that node's agent; without it the subresource answers 503. */
  nodeProxy?: (c: Context, node: string, path: string) => Promise<Response>;
}

const healthPaths = new Set(['/healthz', '/livez', '/readyz', '/version']);
const isPublic = (path: string): boolean => healthPaths.has(path) || path === '/cacerts' || path.startsWith('/v1-skiff/');

export function createApiServer(options: ApiServerOptions): Hono {
  const now = options.now ?? Date.now;
  const maxBody = options.maxBodyBytes ?? 3 * 1024 * 1024;
  const registry = options.registry ?? new StorageRegistry({ store: options.store, now });

  const app = new Hono();

  app.onError((error, c) => {
    const status = toStatus(error);
    return c.json(status, status.code as 400);
  });
  app.notFound((c) => c.json(statusObject(404, 'NotFound', 'the server could not find the requested resource'), 404));

  app.use('*', async (c, next) => {
    const path = new URL(c.req.url).pathname;
    if (isPublic(path)) return next();
    const identity = await options.authenticate(c);
    if (identity === null) throw unauthorized();
    // Routing sees a normalised URL; refuse paths whose raw form would have been changed by it.
    const segments = rawSegments(c);
    const watch = ['true', '1'].includes(c.req.query('watch') ?? '');
    const refusal = authorize(identity, { method: c.req.method, segments, watch });
    if (refusal !== null) {
      const resource = resourcePathOf(segments);
      if (resource === null) throw forbiddenPath(identity.user, c.req.method.toLowerCase(), path, refusal);
      const plural = resource.subresource === null ? resource.type.plural : `${resource.type.plural}/${resource.subresource}`;
      throw forbidden(identity.user, verbOf(c.req.method, resource, watch), plural, resource.type.group, resource.namespace, refusal);
    }
    return next();
  });

  if (options.publicRoutes !== undefined) app.route('/', options.publicRoutes);
  for (const path of ['/healthz', '/livez', '/readyz']) app.get(path, (c) => c.text('ok'));
  app.get('/version', (c) =>
    c.json({
      major: '1',
      minor: '32',
      gitVersion: options.gitVersion,
      gitCommit: '',
      gitTreeState: 'clean',
      buildDate: '',
      goVersion: process.version,
      compiler: 'node',
      platform: `linux/${process.arch === 'x64' ? 'amd64' : process.arch}`,
    }),
  );

  app.get('/api', (c) => {
    if (wantsAggregated(c.req.header('accept'))) {
      return c.body(JSON.stringify(aggregatedDiscovery(true)), 200, { 'content-type': aggregatedContentType });
    }
    const address = typeof options.serverAddress === 'string' ? options.serverAddress : options.serverAddress();
    return c.json(apiVersions(address));
  });
  app.get('/apis', (c) => {
    if (wantsAggregated(c.req.header('accept'))) {
      return c.body(JSON.stringify(aggregatedDiscovery(false)), 200, { 'content-type': aggregatedContentType });
    }
    return c.json(apiGroupList());
  });
  app.get('/openapi/v3', (c) => {
    const index = openApiV3Index();
    return c.body(index.json, 200, { 'content-type': 'application/json', etag: `"${index.etag}"` });
  });
  app.get('/openapi/v3/*', (c) => {
    const doc = openApiV3Document(c.req.path.slice('/openapi/v3/'.length));
    if (doc === null) throw notFound('openapi', '', c.req.path);
    const hashed = c.req.query('hash') === doc.hash;
    return c.body(doc.body, 200, {
      'content-type': 'application/json',
      etag: `"${doc.hash}"`,
      // A hashed URL names one version of the document forever.
      'cache-control': hashed ? 'public, immutable' : 'no-cache, private',
    });
  });
  app.get('/openapi/v2', (c) => {
    const accept = c.req.header('accept') ?? '';
    if (accept !== '' && !/application\/json|\*\/\*/.test(accept)) {
      return c.json(statusObject(406, 'NotAcceptable', 'only application/json is served for /openapi/v2'), 406);
    }
    return c.body(openApiV2Document(), 200, { 'content-type': 'application/json' });
  });
  app.get('/api/v1', (c) => c.json(apiResourceList('', 'v1')));
  app.get('/apis/:group', (c) => {
    const doc = apiGroupDocument(c.req.param('group'));
    if (doc === null) throw notFound('groups', '', c.req.param('group'));
    return c.json(doc);
  });
  app.get('/apis/:group/:version', (c) => {
    const doc = apiResourceList(c.req.param('group'), c.req.param('version'));
    if (doc === null) throw notFound('groupversions', '', `${c.req.param('group')}/${c.req.param('version')}`);
    return c.json(doc);
  });

  const handlerContext: HandlerContext = { store: options.store, registry, maxBodyBytes: maxBody, now };
  const handle = async (c: Context, group: string, version: string, rest: string[]): Promise<Response> => {
    const path = parseResourcePath(group, version, rest);
    if (path === null) return c.json(statusObject(404, 'NotFound', 'the server could not find the requested resource'), 404);
    return handleResource(c, path, handlerContext);
  };

  app.all('/api/v1/*', (c) => {
    const rest = rawSegments(c).slice(2);
    // namespaces/{ns}/pods/{name}/log streams from the pod's node rather than storage.
    if (rest.length === 5 && rest[0] === 'namespaces' && rest[2] === 'pods' && rest[4] === 'log') {
      const [, namespace = '', , name = ''] = rest;
      if (c.req.method !== 'GET') throw methodNotAllowed(`${c.req.method} is not supported on pods/log`);
      if (options.podLogs === undefined) throw new ApiError(503, 'ServiceUnavailable', `Cannot read the logs of pod ${namespace}/${name} as no node agent serves them`);
      return options.podLogs(c, namespace, name);
    }
    // nodes/{name}/proxy/{path...} reaches the node agent's own API (stats/summary).
    if (rest.length >= 3 && rest[0] === 'nodes' && rest[2] === 'proxy') {
      const node = rest[1] ?? '';
      if (options.nodeProxy === undefined) throw new ApiError(503, 'ServiceUnavailable', `Cannot proxy to node ${node} as no node agent is reachable`);
      return options.nodeProxy(c, node, rest.slice(3).map(encodeURIComponent).join('/'));
    }
    return handle(c, '', 'v1', rest);
  });
  app.all('/apis/:group/:version/*', (c) => {
    const [, group = '', version = '', ...rest] = rawSegments(c);
    return handle(c, group, version, rest);
  });

  return app;
}

/** The request path's segments as sent (node's raw request target), decoded and checked. */
function rawSegments(c: Context): string[] {
  const incoming = (c.env as { incoming?: { url?: string } } | undefined)?.incoming;
  return requestSegments(incoming?.url ?? new URL(c.req.url).pathname);
}

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
import { parseResourcePath, type ResourcePath } from './request-path.ts';
import { StorageRegistry } from './registry.ts';
import type { ResourceStorage } from './rest.ts';
import { ApiError, badRequest, forbidden, methodNotAllowed, notFound, statusObject, toStatus, unauthorized } from './status.ts';
import { serveWatch } from './watch.ts';
import { labelSelectorMatcher, fieldSelectorMatcher } from './selectors.ts';

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
}

const healthPaths = new Set(['/healthz', '/livez', '/readyz', '/version']);

export function createApiServer(options: ApiServerOptions): Hono {
  const now = options.now ?? Date.now;
  const maxBody = options.maxBodyBytes ?? 3 * 1024 * 1024;
  const registry = options.registry ?? new StorageRegistry({ store: options.store, now });
  const storageOf = (path: ResourcePath): ResourceStorage => registry.of(path.type);

  const app = new Hono();

  app.onError((error, c) => {
    const status = toStatus(error);
    return c.json(status, status.code as 400);
  });
  app.notFound((c) => c.json(statusObject(404, 'NotFound', 'the server could not find the requested resource'), 404));

  app.use('*', async (c, next) => {
    const path = new URL(c.req.url).pathname;
    if (healthPaths.has(path)) return next();
    const identity = await options.authenticate(c);
    if (identity === null) throw unauthorized();
    if (!identity.groups.includes('system:masters')) {
      throw forbidden(identity.user, c.req.method.toLowerCase(), path, '', null);
    }
    return next();
  });

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

  const handle = async (c: Context, group: string, version: string, rest: string): Promise<Response> => {
    const path = parseResourcePath(group, version, rest.split('/').filter((s) => s !== ''));
    if (path === null) return c.json(statusObject(404, 'NotFound', 'the server could not find the requested resource'), 404);
    const storage = storageOf(path);
    const method = c.req.method;
    const query = (name: string): string | undefined => c.req.query(name);
    if (path.subresource !== null && path.subresource !== 'status') {
      throw methodNotAllowed(`the subresource ${path.subresource} of ${path.type.plural} is not available yet`);
    }
    if (path.name === null) {
      if (method === 'GET') {
        const watch = query('watch');
        const listOptions = {
          namespace: path.namespace,
          labelSelector: labelSelectorMatcher(query('labelSelector') ?? ''),
          fieldSelector: fieldSelectorMatcher(query('fieldSelector') ?? ''),
        };
        if (watch === 'true' || watch === '1') {
          return serveWatch(c, storage, options.store, {
            ...listOptions,
            resourceVersion: query('resourceVersion'),
            allowBookmarks: query('allowWatchBookmarks') === 'true',
            timeoutSeconds: Number(query('timeoutSeconds') ?? '0') || 0,
          });
        }
        const limit = query('limit');
        return c.json(
          await storage.list({
            ...listOptions,
            limit: limit === undefined ? 0 : Number(limit),
            continueToken: query('continue'),
            resourceVersion: query('resourceVersion'),
          }),
        );
      }
      if (method === 'POST') {
        const body = await readJson(c, maxBody);
        return c.json(await storage.create(path.namespace, body, query('dryRun') === 'All'), 201);
      }
      throw methodNotAllowed(`${method} is not supported on a collection of ${path.type.plural}`);
    }
    switch (method) {
      case 'GET':
        return c.json(await storage.get(path.namespace, path.name));
      case 'PUT': {
        const body = await readJson(c, maxBody);
        const subresource = path.subresource === 'status' ? 'status' : undefined;
        return c.json(await storage.update(path.namespace, path.name, body, subresource ? { subresource } : {}));
      }
      case 'DELETE': {
        const body = c.req.header('content-length') === '0' ? null : await readJson(c, maxBody, true);
        const preconditions = (body as { preconditions?: { uid?: string; resourceVersion?: string } } | null)?.preconditions ?? {};
        return c.json(await storage.delete(path.namespace, path.name, preconditions));
      }
      default:
        throw methodNotAllowed(`${method} is not supported on ${path.type.plural} yet`);
    }
  };

  app.all('/api/v1/*', (c) => handle(c, '', 'v1', c.req.path.slice('/api/v1/'.length)));
  app.all('/apis/:group/:version/*', (c) => {
    const { group, version } = c.req.param();
    return handle(c, group, version, c.req.path.slice(`/apis/${group}/${version}/`.length));
  });

  return app;
}

async function readJson(c: Context, maxBytes: number, optional = false): Promise<unknown> {
  const declared = Number(c.req.header('content-length') ?? '0');
  if (declared > maxBytes) throw new ApiError(413, 'RequestEntityTooLarge', `the request body is ${declared} bytes, over the limit of ${maxBytes}`);
  const buffer = await c.req.arrayBuffer();
  if (buffer.byteLength > maxBytes) throw new ApiError(413, 'RequestEntityTooLarge', `the request body is over the limit of ${maxBytes} bytes`);
  if (buffer.byteLength === 0) {
    if (optional) return null;
    throw badRequest('the request has no body; send the object as JSON');
  }
  const text = new TextDecoder().decode(buffer);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw badRequest(`the body is not valid JSON: ${(error as Error).message}`);
  }
}

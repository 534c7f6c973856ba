/**
 * Test support: the real API server over real HTTPS with client-certificate
 * authentication and a real SQLite datastore in a temporary directory.
 */
import { serve, type HttpBindings } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import * as https from 'node:https';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { TLSSocket } from 'node:tls';
import { tempDir } from '../../test/support/tmp.ts';
import { createApiServer } from '../apiserver/app.ts';
import { MvccStore } from '../datastore/mvcc/store.ts';
import { ensureServerCertificates } from '../pki/server-certificates.ts';
import { peerIdentity, tlsCredentials } from '../pki/tls.ts';
import type { ClientConfig } from './config.ts';

/**
 * The watch handler asks to flush the response headers from a microtask; behind
 * @hono/node-server that sends them before the adapter writes its own head, which
 * throws ERR_HTTP_HEADERS_SENT and resets the connection. Until the handler stops
 * doing that, hide flushHeaders from it: the adapter flushes streamed heads itself.
 */
function withoutEarlyFlush(env: HttpBindings): HttpBindings {
  const outgoing = new Proxy(env.outgoing, {
    get: (target, property) => (property === 'flushHeaders' ? () => {} : Reflect.get(target, property, target)),
  });
  return { ...env, outgoing };
}

export interface TestApiServer {
  /** Admin connection settings (client certificate of system:admin). */
  readonly config: ClientConfig;
  readonly store: MvccStore;
  /** TCP connections the server has open right now. */
  connections(): Promise<number>;
  /** Drops every open connection, as a server restart would. */
  dropConnections(): void;
}

/** Starts a server that the test's teardown stops; the store is closed then too. */
export async function startTestApiServer(t: TestContext, options: { qps?: number } = {}): Promise<TestApiServer> {
  const dir = tempDir(t, 'skiff-client-');
  const certificates = await ensureServerCertificates({ dir: join(dir, 'tls'), hostname: 'localhost' });
  const store = MvccStore.open({ file: join(dir, 'state.db'), compactIntervalMs: 0 });
  const app = createApiServer({
    store,
    serverAddress: '127.0.0.1:0',
    gitVersion: 'v1.32.0+skiff',
    authenticate: (c) => {
      const socket = (c.env as HttpBindings).incoming.socket as TLSSocket;
      const identity = peerIdentity(socket);
      return identity === undefined ? null : { user: identity.user, groups: [...identity.groups] };
    },
  });
  const credentials = tlsCredentials(certificates.ca.certPem, certificates.serving);
  const server = await new Promise<https.Server>((resolve) => {
    const created = serve(
      {
        fetch: (request, env) => app.fetch(request, withoutEarlyFlush(env as HttpBindings)),
        createServer: https.createServer,
        serverOptions: { ...credentials, requestCert: true, rejectUnauthorized: false },
        port: 0,
        hostname: '127.0.0.1',
      },
      () => resolve(created as https.Server),
    );
  });
  t.after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await store.close();
  });
  const { port } = server.address() as AddressInfo;
  return {
    config: {
      server: `https://127.0.0.1:${port}`,
      ca: certificates.ca.certPem,
      cert: certificates.admin.certPem,
      key: certificates.admin.keyPem,
      userAgent: 'skiff-client-test',
      qps: options.qps ?? 0,
    },
    store,
    connections: () => new Promise((resolve, reject) => server.getConnections((error, count) => (error ? reject(error) : resolve(count)))),
    dropConnections: () => server.closeAllConnections(),
  };
}

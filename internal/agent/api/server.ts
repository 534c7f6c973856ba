/**
 * The node agent's API on the kubelet port (HTTPS, default 10250): container logs, exec,
 * attach, port-forward and `/stats/summary`, reached only by the API server, which proxies `kubectl logs`,
 * `exec` and `port-forward` here. Paths are those of the pod subresources on the API
 * server, so a proxied request keeps its path and query. Clients must present a
 * certificate from the cluster CA naming the API server's kubelet-client identity.
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { Duplex, type Readable } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { ApiError, badRequest, notFound, toStatus, unauthorized } from '../../apiserver/status.ts';
import { KUBELET_CLIENT_USER, peerIdentity, tlsCredentials, type CertificatePair } from '../../pki/index.ts';
import type { ExecOptions as StreamExecOptions, ExecSession as StreamExecSession } from '../../stream/exec.ts';
import { parsePodLogOptions } from '../../stream/pod-log-options.ts';
import { createUpgradeHandler, type PodTarget } from '../../stream/upgrade.ts';
import type { Logger } from '../../util/log.ts';
import { podNameLabel, podNamespaceLabel, podUidLabel } from '../runtime/labels.ts';
import type { ContainerRuntime, ExecSession as RuntimeSession } from '../runtime/types.ts';
import { logContainer, runningContainer, type ContainerQuery } from './containers.ts';
import { statsSummary } from './stats.ts';

/** Header the API server sets to the pod's uid, so a recreated pod of the same name is not confused with the old one. */
export const POD_UID_HEADER = 'x-skiff-pod-uid';

export interface AgentApiOptions {
  runtime: ContainerRuntime;
  /** Labels marking this node's containers (the runtime may be shared with other nodes). */
  scope: Record<string, string>;
  caPem: string;
  serving: CertificatePair;
  /** 0 picks a free port. */
  port: number;
  /** Default all interfaces. */
  host?: string;
  nodeName: string;
  /** The filesystem whose use `/stats/summary` reports. */
  dataDir: string;
  log: Logger;
}

export interface AgentApi {
  /** The port in use. */
  port: number;
  close(): Promise<void>;
}

const LOG_PATH = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/log$/;

/** Starts serving; resolves once listening. */
export async function startAgentApi(options: AgentApiOptions): Promise<AgentApi> {
  const { runtime, scope, log } = options;
  const server = createServer({ ...tlsCredentials(options.caPem, options.serving), requestCert: true, rejectUnauthorized: false });
  const checkCaller = (req: IncomingMessage): void => {
    const identity = peerIdentity(req.socket as TLSSocket);
    if (identity === undefined) throw unauthorized();
    if (identity.user !== KUBELET_CLIENT_USER) {
      throw new ApiError(403, 'Forbidden', `User "${identity.user}" may not use the node agent API: only the API server may (through pods/log, pods/exec and pods/portforward)`);
    }
  };
  const podUid = (req: IncomingMessage): string | undefined => {
    const value = req.headers[POD_UID_HEADER];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const queryOf = (req: IncomingMessage, pod: PodTarget, container: string): ContainerQuery => {
    if (container === '') throw badRequest(`a container name must be specified for pod ${pod.name}`);
    return { namespace: pod.namespace, pod: pod.name, podUid: podUid(req), container };
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'https://localhost');
      if (url.pathname === '/healthz' && req.method === 'GET') return void res.end('ok');
      checkCaller(req);
      if (url.pathname === '/stats/summary' && req.method === 'GET') {
        const summary = await statsSummary(runtime, scope, options.nodeName, options.dataDir);
        return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(summary));
      }
      const match = LOG_PATH.exec(url.pathname);
      if (match === null || req.method !== 'GET') throw notFound('', '', url.pathname);
      const pod = { namespace: decodeURIComponent(match[1] ?? ''), name: decodeURIComponent(match[2] ?? '') };
      const logOptions = parsePodLogOptions(url.searchParams);
      const container = await logContainer(runtime, scope, queryOf(req, pod, logOptions.container), logOptions.previous);
      const abort = new AbortController();
      res.once('close', () => abort.abort());
      const stream = await runtime.logs(container.id, {
        follow: logOptions.follow && !logOptions.previous,
        tail: logOptions.tailLines,
        since: logOptions.since,
        timestamps: logOptions.timestamps,
        signal: abort.signal,
      });
      res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'no-cache, private' });
      res.flushHeaders();
      await copyLimited(stream, res, logOptions.limitBytes);
      res.end();
    })().catch((error: unknown) => {
      const status = toStatus(error);
      if (status.code >= 500) log.warn('agent API request failed', { path: req.url, error });
      if (res.headersSent) return void res.destroy();
      res.writeHead(status.code, { 'content-type': 'application/json' }).end(JSON.stringify(status));
    });
  });

  server.on('upgrade', createUpgradeHandler({
    admit: (req) => checkCaller(req),
    async exec(pod, execOptions, req) {
      const container = await runningContainer(runtime, scope, queryOf(req, pod, execOptions.container));
      return execSession(runtime, container.id, execOptions);
    },
    async attach(pod, attachOptions, req) {
      const container = await runningContainer(runtime, scope, queryOf(req, pod, attachOptions.container));
      if (runtime.attach === undefined) throw new ApiError(501, 'NotImplemented', 'this container runtime cannot attach to containers');
      const abort = new AbortController();
      const session = await runtime.attach(container.id, { stdin: attachOptions.stdin, signal: abort.signal });
      return adaptSession(session, attachOptions.tty, abort);
    },
    async portForward(pod, port, req) {
      const uid = podUid(req);
      return dialPod(runtime, { ...scope, [podNamespaceLabel]: pod.namespace, [podNameLabel]: pod.name, ...(uid === undefined ? {} : { [podUidLabel]: uid }) }, port);
    },
  }));
  server.on('tlsClientError', () => undefined);

  const port = await new Promise<number>((resolve, reject) => {
    const onError = (error: Error) => reject(new Error(`Cannot serve the agent API on port ${options.port}: ${error.message}`));
    server.once('error', onError);
    server.listen(options.port, options.host ?? '0.0.0.0', () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : options.port);
    });
  });
  return {
    port,
    close: () => closeServer(server),
  };
}

/** A runtime exec as the streaming layer wants it; closing the session aborts the process's streams. */
async function execSession(runtime: ContainerRuntime, containerId: string, options: StreamExecOptions): Promise<StreamExecSession> {
  const abort = new AbortController();
  const session = await runtime.exec(containerId, { cmd: options.command, tty: options.tty, stdin: options.stdin, signal: abort.signal });
  return adaptSession(session, options.tty, abort);
}

function adaptSession(session: RuntimeSession, tty: boolean, abort: AbortController): StreamExecSession {
  return {
    stdin: session.stdin,
    stdout: session.stdout,
    stderr: tty ? undefined : session.stderr,
    // A resize racing the process's exit is harmless.
    resize: (cols, rows) => void session.resize(cols, rows).catch(() => undefined),
    done: session.exitCode().then((exitCode) => ({ exitCode })),
    close: () => abort.abort(),
  };
}

/**
 * Connects to `port` in the pod: on the pod's address (loopback for a host-network pod),
 * or, when nothing listens there, through `nc` to 127.0.0.1 run inside the sandbox, which
 * shares the pod's network namespace, so a process listening only on the pod's loopback is
 * reached too (as the kubelet does by entering the namespace).
 */
async function dialPod(runtime: ContainerRuntime, labels: Record<string, string>, port: number): Promise<Duplex> {
  const sandboxes = await runtime.listSandboxes({ labels });
  const ready = sandboxes.filter((s) => s.state === 'ready').sort((a, b) => b.attempt - a.attempt)[0];
  if (ready === undefined) throw new Error(`the pod has no running sandbox on this node`);
  const host = ready.ip ?? '127.0.0.1';
  try {
    return await connectTcp(host, port);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ECONNREFUSED' || ready.ip === undefined) throw error;
    try {
      return await loopbackInSandbox(runtime, ready.id, port);
    } catch {
      // The sandbox image has no nc: the refusal on the pod address is the answer.
      throw error;
    }
  }
}

function connectTcp(host: string, port: number): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    socket.setTimeout(10_000, () => socket.destroy(new Error(`connecting to ${host}:${port} timed out`)));
    socket.once('connect', () => {
      socket.setTimeout(0);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** A byte stream to 127.0.0.1:`port` inside the sandbox's network namespace, through busybox nc. */
async function loopbackInSandbox(runtime: ContainerRuntime, sandboxId: string, port: number): Promise<Duplex> {
  const session = await runtime.exec(sandboxId, { cmd: ['/bin/busybox', 'nc', '127.0.0.1', String(port)], stdin: true });
  const input = session.stdin;
  if (input === undefined) throw new Error('the exec has no stdin');
  let failure = '';
  session.stderr.on('data', (chunk: Buffer) => (failure += chunk.toString('utf8')));
  // nc says why (e.g. connection refused) and exits at once when nothing listens.
  const early = await Promise.race([
    session.exitCode().then((code) => code),
    new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 200)),
  ]);
  if (early !== undefined && early !== 0) throw new Error(failure.trim() || `nc exited with ${early}`);
  const stream = new Duplex({
    read() {
      session.stdout.resume();
    },
    write(chunk: Buffer, _encoding, callback) {
      input.write(chunk, (error) => callback(error ?? null));
    },
    final(callback) {
      input.end();
      callback();
    },
    destroy(error, callback) {
      input.destroy();
      session.stdout.destroy();
      callback(error);
    },
  });
  session.stdout.on('data', (chunk: Buffer) => {
    if (!stream.push(chunk)) session.stdout.pause();
  });
  session.stdout.once('end', () => stream.push(null));
  return stream;
}

/** Pipes `source` into `target`, stopping after `limit` bytes; resolves when done. */
function copyLimited(source: Readable, target: ServerResponse, limit: number | undefined): Promise<void> {
  return new Promise((resolve) => {
    let left = limit ?? Number.POSITIVE_INFINITY;
    const finish = () => {
      source.destroy();
      resolve();
    };
    source.on('data', (chunk: Buffer) => {
      const part = chunk.length > left ? chunk.subarray(0, left) : chunk;
      left -= part.length;
      if (!target.write(part)) {
        source.pause();
        target.once('drain', () => source.resume());
      }
      if (left <= 0) finish();
    });
    source.once('end', finish);
    source.once('error', finish);
    target.once('close', finish);
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/**
 * The API server's side of `kubectl logs`, `exec`, `attach` and `port-forward`: find the
 * pod's node and forward the request to that node's agent API over mutual TLS (the
 * server's kubelet-client certificate; the agent's serving certificate from the cluster
 * CA). Logs are streamed through; upgrades are tunnelled byte for byte after the request
 * line and headers, so the agent speaks the WebSocket/SPDY protocols with the client.
 */
import type { IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import { Readable } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import type { Context } from 'hono';
import type { KubeObject } from '../apiserver/objects.ts';
import { isPlainObject } from '../apiserver/objects.ts';
import type { StorageRegistry } from '../apiserver/registry.ts';
import { ApiError, badRequest } from '../apiserver/status.ts';
import type { CertificatePair } from '../pki/index.ts';
import { POD_UID_HEADER } from '../agent/api/server.ts';
import { parsePodLogOptions } from '../stream/pod-log-options.ts';
import { rejectUpgrade } from '../stream/reject.ts';
import type { PodSubresource, PodTarget } from '../stream/upgrade.ts';

export interface NodeProxyOptions {
  registry: StorageRegistry;
  caPem: string;
  /** The API server's kubelet-client certificate. */
  client: CertificatePair;
  /** Give up connecting to an agent after this long (default 10 s). */
  connectTimeoutMs?: number;
}

interface Target {
  host: string;
  port: number;
  podUid: string;
  /** The container the request is for (defaulted when the pod has only one); empty for port-forward. */
  container: string;
}

export class NodeProxy {
  readonly #options: NodeProxyOptions;

  constructor(options: NodeProxyOptions) {
    this.#options = options;
  }

  /** GET pods/{name}/log: the log text as the node's agent streams it. */
  async logs(c: Context, namespace: string, name: string): Promise<Response> {
    const url = new URL(c.req.url);
    const options = parsePodLogOptions(url.searchParams);
    const target = await this.#target({ namespace, name }, options.container, 'log');
    url.searchParams.set('container', target.container);
    const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}/log?${url.searchParams}`;
    const abort = new AbortController();
    c.req.raw.signal.addEventListener('abort', () => abort.abort(), { once: true });
    const upstream = await this.#get(target, path, abort.signal);
    const headers = { 'content-type': String(upstream.headers['content-type'] ?? 'text/plain'), 'cache-control': 'no-cache, private' };
    const body = Readable.toWeb(upstream) as ReadableStream<Uint8Array>;
    return new Response(body, { status: upstream.statusCode ?? 502, headers });
  }

  /** GET nodes/{name}/proxy/{path}: the node agent's answer for `path` (e.g. stats/summary). */
  async node(c: Context, nodeName: string, path: string): Promise<Response> {
    if (c.req.method !== 'GET') throw new ApiError(405, 'MethodNotAllowed', `${c.req.method} is not supported through nodes/proxy; the node agent answers GET`);
    const node = await this.#options.registry.get('', 'v1', 'nodes').get(null, nodeName);
    const target: Target = { ...nodeEndpoint(node), podUid: '', container: '' };
    const query = new URL(c.req.url).search;
    const abort = new AbortController();
    c.req.raw.signal.addEventListener('abort', () => abort.abort(), { once: true });
    const upstream = await this.#get(target, `/${path}${query}`, abort.signal);
    const headers = { 'content-type': String(upstream.headers['content-type'] ?? 'application/octet-stream'), 'cache-control': 'no-cache, private' };
    return new Response(Readable.toWeb(upstream) as ReadableStream<Uint8Array>, { status: upstream.statusCode ?? 502, headers });
  }

  /**
   * Tunnels an exec/attach/portforward upgrade to the pod's node; refusals (pod not found,
   * not running, node unreachable) are answered with a Status instead.
   */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, pod: PodTarget, subresource: PodSubresource): void {
    void (async () => {
      const url = new URL(req.url ?? '/', 'https://localhost');
      const container = url.searchParams.get('container') ?? '';
      const target = await this.#target(pod, container, subresource);
      if (subresource !== 'portforward') url.searchParams.set('container', target.container);
      const upstream = await this.#dial(target);
      const lines = [`${req.method ?? 'GET'} ${url.pathname}${url.search} HTTP/1.1`, `Host: ${target.host}:${target.port}`, `${POD_UID_HEADER}: ${target.podUid}`];
      for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
        const key = req.rawHeaders[i] ?? '';
        // The caller's credentials stay here; the agent trusts this server's certificate instead.
        if (/^(host|authorization|proxy-authorization|x-skiff-pod-uid)$/i.test(key)) continue;
        lines.push(`${key}: ${req.rawHeaders[i + 1] ?? ''}`);
      }
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length > 0) upstream.write(head);
      const closeBoth = () => {
        socket.destroy();
        upstream.destroy();
      };
      upstream.on('error', closeBoth);
      socket.on('error', closeBoth);
      upstream.on('close', () => socket.destroy());
      socket.on('close', () => upstream.destroy());
      socket.pipe(upstream);
      upstream.pipe(socket);
    })().catch((error: unknown) => rejectUpgrade(socket, error));
  }

  /** Where `pod` runs, checked the way the API server checks a pod's streaming request. */
  async #target(podRef: PodTarget, container: string, subresource: PodSubresource | 'log'): Promise<Target> {
    const pod = await this.#options.registry.get('', 'v1', 'pods').get(podRef.namespace, podRef.name);
    const spec = isPlainObject(pod.spec) ? pod.spec : {};
    const names = (field: string): string[] =>
      (Array.isArray(spec[field]) ? spec[field] : []).map((c: unknown) => (isPlainObject(c) && typeof c.name === 'string' ? c.name : ''));
    const containers = names('containers');
    const initContainers = names('initContainers');
    const ephemeral = names('ephemeralContainers');
    let chosen = container;
    if (subresource !== 'portforward') {
      if (chosen === '') {
        if (containers.length !== 1 || initContainers.length > 0 && subresource === 'log') {
          const init = initContainers.length > 0 ? ` or one of the init containers: [${initContainers.join(' ')}]` : '';
          throw badRequest(`a container name must be specified for pod ${podRef.name}, choose one of: [${containers.join(' ')}]${init}`);
        }
        chosen = containers[0] ?? '';
      } else if (![...containers, ...initContainers, ...ephemeral].includes(chosen)) {
        throw badRequest(`container ${chosen} is not valid for pod ${podRef.name}`);
      }
    }
    const phase = isPlainObject(pod.status) && typeof pod.status.phase === 'string' ? pod.status.phase : '';
    if (subresource !== 'log' && (phase === 'Succeeded' || phase === 'Failed')) {
      throw badRequest(`cannot ${subresource === 'portforward' ? 'port-forward to' : 'exec into'} a container in a completed pod; current phase is ${phase}`);
    }
    const nodeName = typeof spec.nodeName === 'string' ? spec.nodeName : '';
    if (nodeName === '') throw badRequest(`pod ${podRef.name} does not have a host assigned`);
    const node = await this.#options.registry.get('', 'v1', 'nodes').get(null, nodeName);
    return { ...nodeEndpoint(node), podUid: pod.metadata.uid ?? '', container: chosen };
  }

  #tls(target: Target) {
    return {
      host: target.host,
      port: target.port,
      ca: this.#options.caPem,
      cert: this.#options.client.certPem,
      key: this.#options.client.keyPem,
      // Names are checked against the node's serving certificate; IPs need no SNI.
      servername: isIP(target.host) === 0 ? target.host : undefined,
    };
  }

  #get(target: Target, path: string, signal: AbortSignal): Promise<IncomingMessage> {
    const timeout = this.#options.connectTimeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
      const headers = target.podUid === '' ? {} : { [POD_UID_HEADER]: target.podUid };
      const req = httpsRequest({ ...this.#tls(target), method: 'GET', path, headers, signal }, (res) => {
        req.setTimeout(0);
        resolve(res);
      });
      req.setTimeout(timeout, () => req.destroy(new Error(`no answer within ${timeout} ms`)));
      req.once('error', (error) => reject(unreachable(target, error)));
      req.end();
    });
  }

  #dial(target: Target): Promise<Duplex> {
    const timeout = this.#options.connectTimeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
      const socket = tlsConnect(this.#tls(target));
      socket.setTimeout(timeout, () => socket.destroy(new Error(`no answer within ${timeout} ms`)));
      socket.once('secureConnect', () => {
        socket.setTimeout(0);
        socket.off('error', onError);
        resolve(socket);
      });
      const onError = (error: Error) => reject(unreachable(target, error));
      socket.once('error', onError);
    });
  }
}

/** The address and agent port a node reports (InternalIP first, as the API server prefers). */
export function nodeEndpoint(node: KubeObject): { host: string; port: number } {
  const status = isPlainObject(node.status) ? node.status : {};
  const addresses = (Array.isArray(status.addresses) ? status.addresses : []).filter(isPlainObject);
  const byType = (type: string) => addresses.find((a) => a.type === type && typeof a.address === 'string')?.address as string | undefined;
  const host = byType('InternalIP') ?? byType('ExternalIP') ?? byType('Hostname');
  const endpoints = isPlainObject(status.daemonEndpoints) ? status.daemonEndpoints : {};
  const kubelet = isPlainObject(endpoints.kubeletEndpoint) ? endpoints.kubeletEndpoint : {};
  const port = typeof kubelet.Port === 'number' ? kubelet.Port : 0;
  if (host === undefined || port <= 0) {
    throw new ApiError(503, 'ServiceUnavailable', `Cannot reach node ${node.metadata.name ?? ''}: it reports no address or agent port yet`);
  }
  return { host, port };
}

function unreachable(target: Target, error: Error): ApiError {
  return new ApiError(503, 'ServiceUnavailable', `Cannot reach the node agent at ${target.host}:${target.port}: ${error.message}`);
}

/**
 * The transport every component uses to talk to the API server: one keep-alive
 * agent holding the CA and client certificate, a client-side rate limit, JSON in
 * and out, and Kubernetes Status errors as ApiStatusError.
 */
import type { IncomingMessage } from 'node:http';
import * as http from 'node:http';
import * as https from 'node:https';
import { realClock, type Clock } from './clock.ts';
import type { ClientConfig } from './config.ts';
import { statusFromBody } from './errors.ts';
import { ResourceClient, resourceSpecOfKind, type ResourceSpec } from './resource.ts';
import type { KubeObject } from '../apiserver/objects.ts';
import { TokenBucket } from './token-bucket.ts';

export type QueryValue = string | number | boolean | undefined | null;

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  /** An object is sent as JSON; a string as is. */
  body?: unknown;
  /** Default application/json when there is a body. */
  contentType?: string;
  /** Default application/json. */
  accept?: string;
  signal?: AbortSignal;
}

export interface ApiClientOptions {
  clock?: Clock;
}

/** HTTP(S) access to one API server; `close()` releases its sockets. */
export class ApiClient {
  readonly config: ClientConfig;
  readonly #base: URL;
  readonly #agent: http.Agent;
  readonly #limiter: TokenBucket;
  readonly #headers: Record<string, string>;

  constructor(config: ClientConfig, options: ApiClientOptions = {}) {
    this.config = config;
    this.#base = new URL(config.server);
    if (this.#base.protocol !== 'https:' && this.#base.protocol !== 'http:') {
      throw new TypeError(`Cannot talk to server ${config.server}: the URL must start with https:// or http://`);
    }
    const agentOptions: https.AgentOptions = { keepAlive: true };
    if (config.ca !== undefined) agentOptions.ca = config.ca;
    if (config.cert !== undefined) agentOptions.cert = config.cert;
    if (config.key !== undefined) agentOptions.key = config.key;
    if (config.insecureSkipTlsVerify) agentOptions.rejectUnauthorized = false;
    if (config.tlsServerName !== undefined) agentOptions.servername = config.tlsServerName;
    this.#agent = this.#base.protocol === 'https:' ? new https.Agent(agentOptions) : new http.Agent({ keepAlive: true });
    this.#limiter = new TokenBucket(config.qps ?? 50, config.burst ?? 100, options.clock ?? realClock);
    this.#headers = {};
    if (config.userAgent !== undefined) this.#headers['user-agent'] = config.userAgent;
    if (config.token !== undefined) this.#headers.authorization = `Bearer ${config.token}`;
  }

  /**
   * Sends one request and returns the parsed JSON body (undefined when empty).
   * Non-2xx answers throw ApiStatusError; network errors and aborts propagate as is.
   */
  async request<T = unknown>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.stream(method, path, options);
    const text = await readText(response);
    if (text.trim() === '') return undefined as T;
    return JSON.parse(text) as T;
  }

  /**
   * Sends one request and returns the 2xx response unread, for watches and other
   * long streams; the caller must consume or destroy it. Errors as `request`.
   */
  async stream(method: string, path: string, options: RequestOptions = {}): Promise<IncomingMessage> {
    options.signal?.throwIfAborted();
    if (!(await this.#limiter.take(options.signal))) options.signal?.throwIfAborted();
    const url = new URL(path, this.#base);
    for (const [name, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined && value !== null) url.searchParams.set(name, String(value));
    }
    const headers: Record<string, string> = { ...this.#headers, accept: options.accept ?? 'application/json' };
    let payload: string | undefined;
    if (options.body !== undefined) {
      payload = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      headers['content-type'] = options.contentType ?? 'application/json';
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    const send = url.protocol === 'https:' ? https.request : http.request;
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const request = send(url, { method, headers, agent: this.#agent, signal: options.signal }, resolve);
      request.on('error', reject);
      request.end(payload);
    });
    const code = response.statusCode ?? 0;
    if (code < 200 || code >= 300) {
      throw statusFromBody(code, response.statusMessage ?? '', await readText(response));
    }
    return response;
  }

  /** Typed verbs on one resource type, from its spec or a built-in kind name ("Pod", "Deployment"). */
  resource<T extends KubeObject = KubeObject>(spec: ResourceSpec | string, apiVersion?: string): ResourceClient<T> {
    return new ResourceClient<T>(this, typeof spec === 'string' ? resourceSpecOfKind(spec, apiVersion) : spec);
  }

  /** Sockets the agent holds: `busy` carry a request or stream, `idle` wait for reuse. */
  sockets(): { busy: number; idle: number } {
    const count = (pool: NodeJS.ReadOnlyDict<unknown[]>): number =>
      Object.values(pool).reduce<number>((sum, list) => sum + (list?.length ?? 0), 0);
    return { busy: count(this.#agent.sockets), idle: count(this.#agent.freeSockets) };
  }

  /** Closes idle and busy sockets; later requests open new ones. */
  close(): void {
    this.#agent.destroy();
  }
}

async function readText(response: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

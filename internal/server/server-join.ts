/**
 * Joining servers to an HA control plane. A server token is a join token whose Secret
 * also carries `usage-skiff-server: true` (agent tokens cannot add servers). The joining
 * server checks the cluster CA against the token's hash (GET /cacerts), then trades the
 * token for the cluster CA (every server issues certificates) and a place in the
 * datastore: the server it asked adds it as a Raft learner, which the leader promotes to
 * voter once its log caught up.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Hono } from 'hono';
import { isPlainObject } from '../apiserver/objects.ts';
import type { StorageRegistry } from '../apiserver/registry.ts';
import { ApiError, badRequest, statusObject, toStatus } from '../apiserver/status.ts';
import type { ReplicatedNode } from '../datastore/replicated/node.ts';
import { formatJoinToken, generateJoinToken, parseJoinToken } from '../join/token.ts';
import { fromSecret, tokenNamespace, tokenProblem, tokenSecretName, tokenSecretType } from '../join/token-store.ts';
import { caHash, parseCertificateAuthority, writeCertificateAuthority, type CertificateAuthority } from '../pki/index.ts';

export const SERVER_USAGE_KEY = 'usage-skiff-server';

export interface ServerJoinRequest {
  /** `<id>.<secret>` of a server token. */
  token: string;
  /** The joining server's datastore member id. */
  id: string;
  /** Where the other members reach its peer port. */
  peerUrl: string;
}

export interface ServerJoinResponse {
  caCertPem: string;
  caKeyPem: string;
  /** Datastore members as of the join: id → peer URL. */
  members: Record<string, string>;
}

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
const unb64 = (value: unknown): string => (typeof value === 'string' ? Buffer.from(value, 'base64').toString('utf8') : '');

/** The route `/v1-skiff/server-join` (public: the token is the credential). */
export function serverJoinRoutes(options: { registry: StorageRegistry; ca: CertificateAuthority; node: () => ReplicatedNode; now?: () => number }): Hono {
  const now = options.now ?? Date.now;
  const app = new Hono();
  app.onError((error, c) => {
    const status = toStatus(error);
    return c.json(status, status.code as 400);
  });
  app.post('/v1-skiff/server-join', async (c) => {
    const request = checkRequest(await c.req.json().catch(() => undefined));
    const [id = '', secret = ''] = request.token.split('.');
    const secrets = options.registry.get('', 'v1', 'secrets');
    const stored = await secrets.get(tokenNamespace, tokenSecretName(id)).catch((error: unknown) => {
      if (error instanceof ApiError && error.code === 404) return undefined;
      throw error;
    });
    const problem = tokenProblem(stored === undefined ? undefined : fromSecret(stored), { id, secret }, now());
    if (problem !== undefined) return c.json(statusObject(401, 'Unauthorized', problem), 401);
    const data = stored !== undefined && isPlainObject(stored.data) ? stored.data : {};
    if (unb64(data[SERVER_USAGE_KEY]) !== 'true') {
      return c.json(statusObject(403, 'Forbidden', `the join token ${id} is an agent token and cannot add a server: use the server token (<data-dir>/server/server-token on a server)`), 403);
    }
    const node = options.node();
    const members = node.members;
    if (request.id in members) {
      throw new ApiError(409, 'AlreadyExists', `datastore member ${request.id} is already in the cluster; remove it first (skiff server leave on it)`);
    }
    await node.changeMembership({ type: 'add-learner', id: request.id, context: request.peerUrl });
    const response: ServerJoinResponse = { caCertPem: options.ca.certPem, caKeyPem: options.ca.key.pem, members: node.members };
    return c.json(response);
  });
  return app;
}

function checkRequest(body: unknown): ServerJoinRequest {
  if (!isPlainObject(body)) throw badRequest('the server join request must be a JSON object {"token", "id", "peerUrl"}');
  const { token, id, peerUrl } = body;
  if (typeof token !== 'string' || !/^[a-z0-9]{6}\.[a-z0-9]{16}$/.test(token)) throw badRequest('token must be the <id>.<secret> part of a server token');
  if (typeof id !== 'string' || !/^[a-z0-9]([a-z0-9.-]{0,70}[a-z0-9])?$/.test(id)) throw badRequest(`id ${JSON.stringify(id)} is not a valid member id`);
  if (typeof peerUrl !== 'string' || !/^https:\/\/[^/\s]+:\d{1,5}$/.test(peerUrl)) throw badRequest(`peerUrl ${JSON.stringify(peerUrl)} must be https://<host>:<port>`);
  return { token, id, peerUrl };
}

/**
 * The server token of this cluster, kept in `<server>/server-token`: made (and stored as a
 * Secret) by the first server, written by a joined server with the token it joined with.
 */
export async function ensureServerToken(options: { registry: StorageRegistry; serverDir: string; caPem: string; address: string }): Promise<string> {
  const file = join(options.serverDir, 'server-token');
  const existing = await readFile(file, 'utf8').then((text) => text.trim(), () => '');
  if (existing !== '') return existing;
  const token = { ...generateJoinToken(caHash(options.caPem)), server: options.address };
  await options.registry.get('', 'v1', 'secrets').create(
    tokenNamespace,
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: tokenSecretName(token.id) },
      type: tokenSecretType,
      data: {
        'token-id': b64(token.id),
        'token-secret': b64(token.secret),
        description: b64('skiff server token: joins servers to the control plane'),
        [SERVER_USAGE_KEY]: b64('true'),
      },
    },
    { fieldManager: 'skiff-server' },
  );
  const text = formatJoinToken(token);
  await writeFile(file, `${text}\n`, { mode: 0o600 });
  return text;
}

/** Writes the token a server joined with as its own copy of the server token. */
export async function saveServerToken(serverDir: string, token: string): Promise<void> {
  await writeFile(join(serverDir, 'server-token'), `${token.trim()}\n`, { mode: 0o600 });
}

/** The joining side: checks the CA against the token, then asks to be added. */
export async function requestServerJoin(token: string, request: Omit<ServerJoinRequest, 'token'>, fallbackServer?: string): Promise<ServerJoinResponse> {
  const parsed = parseJoinToken(token);
  const server = parsed.server ?? fallbackServer;
  if (server === undefined) throw new Error('Cannot join as the server token names no server; pass --server https://<host>:6443');
  const base = server.startsWith('https://') ? server : `https://${server}`;
  const caPem = await fetchInsecure(`${base}/cacerts`, 'GET');
  if (caHash(caPem) !== parsed.caHash) {
    throw new Error(`Cannot join ${base} as its CA does not match the token (CA hash ${caHash(caPem)}); check the token belongs to this cluster`);
  }
  const body = await fetchInsecure(`${base}/v1-skiff/server-join`, 'POST', JSON.stringify({ ...request, token: `${parsed.id}.${parsed.secret}` }), caPem);
  const response = JSON.parse(body) as ServerJoinResponse;
  if (typeof response.caKeyPem !== 'string' || typeof response.caCertPem !== 'string') throw new Error(`Cannot join ${base}: its answer holds no CA`);
  if (caHash(response.caCertPem) !== parsed.caHash) throw new Error(`Cannot join ${base}: it answered with another CA`);
  return response;
}

async function fetchInsecure(url: string, method: string, body?: string, caPem?: string): Promise<string> {
  const { request } = await import('node:https');
  return new Promise<string>((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        // The CA is not known before /cacerts, whose answer is then checked against the token's hash.
        ...(caPem === undefined ? { rejectUnauthorized: false } : { ca: caPem, checkServerIdentity: () => undefined }),
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if ((res.statusCode ?? 500) >= 300) {
            let message = text;
            try {
              message = (JSON.parse(text) as { message?: string }).message ?? text;
            } catch {
              // Not a Status: the raw text is the best description there is.
            }
            reject(new Error(`Cannot join: ${url} answered ${res.statusCode}: ${message}`));
          } else resolve(text);
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within 30 s`)));
    req.on('error', (error) => reject(new Error(`Cannot join: ${url}: ${error.message}`)));
    req.end(body);
  });
}

/** Writes the CA a join answered with into `tlsDir`, where the server's certificates are issued from. */
export async function installJoinedCa(tlsDir: string, response: ServerJoinResponse): Promise<void> {
  const ca = await parseCertificateAuthority(response.caCertPem, response.caKeyPem, { certFile: 'join answer', keyFile: 'join answer' });
  await writeCertificateAuthority(tlsDir, ca);
}

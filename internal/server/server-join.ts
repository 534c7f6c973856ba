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
import { checkJoinToken, tokenNamespace, tokenSecret } from '../join/token-store.ts';
import { fetchTrustedCa, JoinError, postJoin } from '../join/join-client.ts';
import { caHash, parseCertificateAuthority, writeCertificateAuthority, type CertificateAuthority } from '../pki/index.ts';

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
    const { stored, problem } = await checkJoinToken(options.registry.get('', 'v1', 'secrets'), request.token, now());
    if (problem !== undefined) return c.json(statusObject(401, 'Unauthorized', problem), 401);
    if (stored?.server !== true) {
      return c.json(statusObject(403, 'Forbidden', `the join token ${stored?.id ?? ''} is an agent token and cannot add a server: use the server token (<data-dir>/server/server-token on a server)`), 403);
    }
    const node = options.node();
    const known = node.members[request.id];
    // The same server asking again (it stopped before its first start finished) gets the same answer.
    if (known === undefined) await node.changeMembership({ type: 'add-learner', id: request.id, context: request.peerUrl });
    else if (known !== request.peerUrl) {
      throw new ApiError(409, 'AlreadyExists', `datastore member ${request.id} is already in the cluster at ${known}; remove it first (skiff server leave on it)`);
    }
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
  const secret = tokenSecret(token, { ttlMs: 0, description: 'skiff server token: joins servers to the control plane', now: Date.now(), server: true });
  await options.registry.get('', 'v1', 'secrets').create(tokenNamespace, secret, { fieldManager: 'skiff-server' });
  const text = formatJoinToken(token);
  await writeFile(file, `${text}\n`, { mode: 0o600 });
  return text;
}

/** Writes the token a server joined with as its own copy of the server token. */
export async function saveServerToken(serverDir: string, token: string): Promise<void> {
  await writeFile(join(serverDir, 'server-token'), `${token.trim()}\n`, { mode: 0o600 });
}

/** The joining side: checks the CA against the token, then asks to be added. */
export async function requestServerJoin(token: string, request: Omit<ServerJoinRequest, 'token'>): Promise<ServerJoinResponse> {
  const parsed = parseJoinToken(token);
  if (parsed.server === undefined) throw new JoinError('Cannot join as the server token names no server: use the whole token from <data-dir>/server/server-token');
  const server = `https://${parsed.server}`;
  const caPem = await fetchTrustedCa(server, parsed.caHash, 30_000);
  const response = await postJoin<ServerJoinResponse>(server, '/v1-skiff/server-join', { ...request, token: `${parsed.id}.${parsed.secret}` }, caPem, 30_000);
  if (typeof response.caKeyPem !== 'string' || typeof response.caCertPem !== 'string' || caHash(response.caCertPem) !== parsed.caHash) {
    throw new JoinError(`Cannot join ${server}: its answer does not hold the cluster's CA`);
  }
  return response;
}

/** Writes the CA a join answered with into `tlsDir`, where the server's certificates are issued from. */
export async function installJoinedCa(tlsDir: string, response: ServerJoinResponse): Promise<void> {
  const ca = await parseCertificateAuthority(response.caCertPem, response.caKeyPem, { certFile: 'join answer', keyFile: 'join answer' });
  await writeCertificateAuthority(tlsDir, ca);
}

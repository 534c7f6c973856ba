/**
 * The unauthenticated part of the API port that lets a machine join: `/cacerts` (the CA,
 * which the joining agent checks against the hash in its token) and `/v1-skiff/join`, which
 * trades a valid join token for the node's credentials (client certificate
 * `system:node:<name>` and a serving certificate for its agent API) and its pod subnet.
 * A node password keeps another machine from taking over an existing node's name.
 */
import { randomBytes, scryptSync } from 'node:crypto';
import { Hono } from 'hono';
import { checkSubdomain } from '../api/meta.ts';
import { isPlainObject } from '../apiserver/objects.ts';
import type { StorageRegistry } from '../apiserver/registry.ts';
import { ApiError, badRequest, statusObject, toStatus } from '../apiserver/status.ts';
import { checkJoinToken, tokenNamespace } from '../join/token-store.ts';
import type { CertificateAuthority } from '../pki/index.ts';
import { issueNodeCredentials, MAX_NODE_ADDRESSES, nodeAddressProblem } from './node-credentials.ts';
import type { PodCidrAllocator } from './pod-cidrs.ts';
import { sameSecret } from './tokens.ts';

export interface JoinRequest {
  /** `<id>.<secret>` of a join token. */
  token: string;
  nodeName: string;
  /** Random secret the agent keeps in its data directory. */
  nodePassword: string;
  /** Host names and IPs the agent API is reached at, for its serving certificate. */
  addresses: string[];
}

export interface JoinResponse {
  caPem: string;
  certPem: string;
  keyPem: string;
  servingCertPem: string;
  servingKeyPem: string;
  /** The node's pod subnet, e.g. 10.42.1.0/24. */
  podCidr: string;
}

const passwordSecret = (node: string): string => `${node}.node-password.skiff`;
const unb64 = (value: unknown): string => (typeof value === 'string' ? Buffer.from(value, 'base64').toString('utf8') : '');

export function createJoinService(options: { registry: StorageRegistry; ca: CertificateAuthority; podCidrs: PodCidrAllocator; now?: () => number }): Hono {
  const now = options.now ?? Date.now;
  const secrets = options.registry.get('', 'v1', 'secrets');
  const app = new Hono();
  app.onError((error, c) => {
    const status = toStatus(error);
    return c.json(status, status.code as 400);
  });
  app.get('/cacerts', (c) => c.text(options.ca.certPem));
  app.post('/v1-skiff/join', async (c) => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      throw badRequest('the join request must be JSON: {"token", "nodeName", "nodePassword", "addresses"}');
    }
    const request = checkRequest(body);
    const { problem } = await checkJoinToken(secrets, request.token, now());
    if (problem !== undefined) return c.json(statusObject(401, 'Unauthorized', problem), 401);
    await checkNodePassword(options.registry, request);
    const podCidr = await options.podCidrs.allocate(request.nodeName);
    const issued = await issueNodeCredentials(options.ca, request.nodeName, request.addresses);
    const response: JoinResponse = {
      caPem: issued.caPem,
      certPem: issued.client.certPem,
      keyPem: issued.client.keyPem,
      servingCertPem: issued.serving.certPem,
      servingKeyPem: issued.serving.keyPem,
      podCidr,
    };
    return c.json(response);
  });
  return app;
}

function checkRequest(body: unknown): JoinRequest {
  if (!isPlainObject(body)) throw badRequest('the join request must be a JSON object');
  const { token, nodeName, nodePassword, addresses = [] } = body;
  if (typeof token !== 'string' || !/^[a-z0-9]{6}\.[a-z0-9]{16}$/.test(token)) throw badRequest('token must be the <id>.<secret> part of a join token');
  if (typeof nodeName !== 'string' || checkSubdomain(nodeName).length > 0) throw badRequest(`nodeName ${JSON.stringify(nodeName)} is not a valid node name (lowercase DNS subdomain)`);
  if (typeof nodePassword !== 'string' || nodePassword.length < 16 || nodePassword.length > 256) throw badRequest('nodePassword must be 16 to 256 characters');
  if (!Array.isArray(addresses) || addresses.length > MAX_NODE_ADDRESSES || !addresses.every((a) => typeof a === 'string')) {
    throw badRequest(`addresses must be a list of at most ${MAX_NODE_ADDRESSES} host names and IPs`);
  }
  for (const address of addresses) {
    const problem = nodeAddressProblem(address);
    if (problem !== undefined) throw badRequest(`addresses: ${problem}`);
  }
  return { token, nodeName, nodePassword, addresses };
}

/**
 * The first machine to join under a name sets its password. While that Node exists, only
 * the same password may join under the name again; once the Node is deleted the name is free.
 */
async function checkNodePassword(registry: StorageRegistry, request: JoinRequest): Promise<void> {
  const secrets = registry.get('', 'v1', 'secrets');
  const name = passwordSecret(request.nodeName);
  let stored: { salt: string; hash: string } | null = null;
  try {
    const secret = await secrets.get(tokenNamespace, name);
    const data = isPlainObject(secret.data) ? secret.data : {};
    stored = { salt: unb64(data.salt), hash: unb64(data.hash) };
  } catch (error) {
    if (!(error instanceof ApiError && error.code === 404)) throw error;
  }
  const nodeExists = await registry
    .get('', 'v1', 'nodes')
    .get(null, request.nodeName)
    .then(() => true, (error: unknown) => {
      if (error instanceof ApiError && error.code === 404) return false;
      throw error;
    });
  if (stored !== null && nodeExists) {
    if (!sameSecret(scryptSync(request.nodePassword, stored.salt, 32).toString('hex'), stored.hash)) {
      throw new ApiError(403, 'Forbidden', `node name "${request.nodeName}" belongs to another machine; to replace that machine, delete the node first: kubectl delete node ${request.nodeName}`);
    }
    return;
  }
  const salt = randomBytes(16).toString('hex');
  const data = { salt: Buffer.from(salt).toString('base64'), hash: Buffer.from(scryptSync(request.nodePassword, salt, 32).toString('hex')).toString('base64') };
  if (stored !== null) await secrets.delete(tokenNamespace, name);
  await secrets.create(tokenNamespace, { metadata: { name }, type: 'skiff.io/node-password', data }, { fieldManager: 'skiff-join' });
}

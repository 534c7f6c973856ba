/**
 * Join tokens kept as Kubernetes bootstrap-token Secrets in kube-system (as kubeadm keeps
 * them): `bootstrap-token-<id>` of type bootstrap.kubernetes.io/token.
 */
import { ApiStatusError, type ApiClient } from '../client/index.ts';
import { ApiError } from '../apiserver/status.ts';
import type { KubeObject } from '../apiserver/objects.ts';
import { isPlainObject } from '../apiserver/objects.ts';
import { timestamp } from '../api/meta.ts';
import { sameSecret } from '../server/tokens.ts';
import type { JoinToken } from './token.ts';

export const tokenNamespace = 'kube-system';
export const tokenSecretType = 'bootstrap.kubernetes.io/token';
const fieldManager = 'skiff-token';

export interface StoredToken {
  id: string;
  secret: string;
  description: string;
  /** Epoch ms; undefined = never expires. */
  expires: number | undefined;
  created: string;
  /** May add servers (serverUsageKey), not only agents. */
  server: boolean;
}

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
const unb64 = (value: unknown): string => (typeof value === 'string' ? Buffer.from(value, 'base64').toString('utf8') : '');

/** Marks a server token: one that may add servers to the control plane, not only agents. */
export const serverUsageKey = 'usage-skiff-server';

export interface TokenSecretOptions {
  /** Validity from `now` in ms (0: no expiry). */
  ttlMs: number;
  description: string;
  now: number;
  /** A server token (serverUsageKey). */
  server?: boolean;
}

/** The bootstrap-token Secret that stores `token`. */
export function tokenSecret(token: JoinToken, options: TokenSecretOptions): KubeObject {
  const data: Record<string, string> = {
    'token-id': b64(token.id),
    'token-secret': b64(token.secret),
    'usage-bootstrap-authentication': b64('true'),
    'auth-extra-groups': b64('system:bootstrappers:skiff:agent'),
  };
  if (options.ttlMs > 0) data.expiration = b64(timestamp(options.now + options.ttlMs));
  if (options.description !== '') data.description = b64(options.description);
  if (options.server === true) data[serverUsageKey] = b64('true');
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name: tokenSecretName(token.id) }, type: tokenSecretType, data };
}

/** Stores `token`, valid for `ttlMs` (0: no expiry). */
export async function storeToken(api: ApiClient, token: JoinToken, options: TokenSecretOptions): Promise<void> {
  await api.resource('Secret', 'v1').create(tokenNamespace, tokenSecret(token, options), { fieldManager });
}

/**
 * The stored token that `<id>.<secret>` names, read through `secrets` (a missing Secret is
 * no token), and why it does not admit the request at `now` (undefined when it does).
 */
export async function checkJoinToken(
  secrets: { get(namespace: string, name: string): Promise<KubeObject> },
  token: string,
  now: number,
): Promise<{ stored: StoredToken | undefined; problem: string | undefined }> {
  const [id = '', secret = ''] = token.split('.');
  let stored: StoredToken | undefined;
  try {
    stored = fromSecret(await secrets.get(tokenNamespace, tokenSecretName(id)));
  } catch (error) {
    if (!(error instanceof ApiError && error.code === 404)) throw error;
  }
  return { stored, problem: tokenProblem(stored, { id, secret }, now) };
}

/** Every stored token, oldest first. */
export async function listTokens(api: ApiClient): Promise<StoredToken[]> {
  const list = await api.resource('Secret', 'v1').list(tokenNamespace, { fieldSelector: `type=${tokenSecretType}` });
  return list.items.map(fromSecret).filter((t): t is StoredToken => t !== undefined).sort((a, b) => a.created.localeCompare(b.created));
}

/** Deletes the token `id`; false when there was none. */
export async function deleteToken(api: ApiClient, id: string): Promise<boolean> {
  try {
    await api.resource('Secret', 'v1').delete(tokenNamespace, tokenSecretName(id));
    return true;
  } catch (error) {
    if (error instanceof ApiStatusError && error.code === 404) return false;
    throw error;
  }
}

/** The Secret name a token is stored under. */
export function tokenSecretName(id: string): string {
  return `bootstrap-token-${id}`;
}

/** Why `stored` (the Secret of the token's id, if any) does not admit `token` at `now`; undefined when it does. */
export function tokenProblem(stored: StoredToken | undefined, token: Pick<JoinToken, 'id' | 'secret'>, now: number): string | undefined {
  if (stored === undefined || stored.id !== token.id) {
    return `the join token ${token.id} is not known to this cluster (deleted, or created for another cluster): create one with 'skiff token create'`;
  }
  if (!sameSecret(stored.secret, token.secret)) {
    return `the secret of join token ${token.id} is wrong: copy the whole token as 'skiff token create' printed it`;
  }
  if (stored.expires !== undefined && stored.expires <= now) {
    return `the join token ${token.id} expired at ${new Date(stored.expires).toISOString()}: create a new one with 'skiff token create'`;
  }
  return undefined;
}

/** The token a bootstrap-token Secret holds; undefined for any other Secret. */
export function fromSecret(secret: KubeObject): StoredToken | undefined {
  if (secret.type !== tokenSecretType) return undefined;
  const data = isPlainObject(secret.data) ? secret.data : {};
  const id = unb64(data['token-id']);
  if (id === '') return undefined;
  const expiration = unb64(data.expiration);
  return {
    id,
    secret: unb64(data['token-secret']),
    description: unb64(data.description),
    expires: expiration === '' ? undefined : Date.parse(expiration),
    created: secret.metadata.creationTimestamp ?? '',
    server: unb64(data[serverUsageKey]) === 'true',
  };
}

/**
 * Join tokens, k3s style: `K10<sha256 of the cluster CA>::<id>.<secret>[@<host>:<port>]`. The
 * CA hash lets a joining agent trust the server before it has the CA; id and secret are a
 * Kubernetes bootstrap token (stored as a Secret `bootstrap-token-<id>` in kube-system); the
 * optional address lets `skiff agent join <token>` find the server without --server.
 */
import { randomInt } from 'node:crypto';

export interface JoinToken {
  /** Hex sha256 of the cluster CA certificate (DER). */
  caHash: string;
  /** 6 characters [a-z0-9]: public, names the token. */
  id: string;
  /** 16 characters [a-z0-9]: the secret part. */
  secret: string;
  /** `host:port` of a server, when the token carries one. */
  server?: string;
}

export class JoinTokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JoinTokenError';
  }
}

const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
const idPattern = /^[a-z0-9]{6}$/;
const secretPattern = /^[a-z0-9]{16}$/;

function randomText(length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) text += alphabet[randomInt(alphabet.length)];
  return text;
}

/** A new token for the cluster whose CA hashes to `caHash`. */
export function generateJoinToken(caHash: string): JoinToken {
  return { caHash, id: randomText(6), secret: randomText(16) };
}

export function formatJoinToken(token: JoinToken): string {
  return `K10${token.caHash}::${token.id}.${token.secret}${token.server === undefined ? '' : `@${token.server}`}`;
}

/** Parses a token; the error says which part is wrong and what it should look like. */
export function parseJoinToken(text: string): JoinToken {
  const trimmed = text.trim();
  const match = /^K10([0-9a-f]{64})::([^.]+)\.([^@]+)(?:@(.+))?$/.exec(trimmed);
  if (match === null) {
    throw new JoinTokenError(
      'Cannot use the join token as it is not in the form K10<64 hex digits of the CA hash>::<id>.<secret>; copy it again from \'skiff token create\'',
    );
  }
  const [, caHash = '', id = '', secret = '', server] = match;
  if (!idPattern.test(id)) throw new JoinTokenError(`Cannot use the join token as its id "${id}" is not 6 lowercase letters or digits`);
  if (!secretPattern.test(secret)) throw new JoinTokenError('Cannot use the join token as its secret is not 16 lowercase letters or digits');
  if (server !== undefined && !/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/.test(server)) {
    throw new JoinTokenError(`Cannot use the join token as its server "${server}" is not host:port`);
  }
  return server === undefined ? { caHash, id, secret } : { caHash, id, secret, server };
}

/**
 * Joining a cluster: check the server's CA against the hash in the join token, then trade
 * the token (and this machine's node password) for the node's certificates and pod subnet,
 * and keep them under `<data-dir>/agent/` (credentials.ts). A later start reuses them.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { parseJoinToken } from '../join/token.ts';
import { fetchTrustedCa, JoinError, postJoin } from '../join/join-client.ts';
import type { JoinResponse } from '../server/join-service.ts';
import { hostIpv4Addresses } from '../util/ip.ts';
import { loadCredentials, saveCredentials, type AgentCredentials } from './credentials.ts';

export { JoinError } from '../join/join-client.ts';

export interface JoinOptions {
  /** Join token (`skiff token create`). */
  token: string;
  /** `https://host:port`; default the address the token carries. */
  server?: string;
  nodeName: string;
  dataDir: string;
  /** Give up on an unresponsive server after this long (default 10 s). */
  timeoutMs?: number;
  /** Host names and IPs the agent API is reached at; default this machine's host name and IPv4 addresses. */
  addresses?: string[];
}

export interface JoinResult extends AgentCredentials {
  /** False when the credentials of an earlier join were reused. */
  joined: boolean;
  /** Why an earlier join could not be reused, or 'reused'. */
  why: string;
}

/** Reuses the credentials of an earlier join when they still fit, else joins with the token. */
export async function joinCluster(options: JoinOptions): Promise<JoinResult> {
  const token = parseJoinToken(options.token);
  const server = options.server ?? (token.server === undefined ? undefined : `https://${token.server}`);
  if (server === undefined) throw new JoinError('Cannot join as the token carries no server address: pass --server https://<server>:6443');
  const earlier = await loadCredentials(options.dataDir, { nodeName: options.nodeName, server, caHash: token.caHash });
  if (earlier.credentials !== undefined) return { ...earlier.credentials, joined: false, why: earlier.why };
  const timeoutMs = options.timeoutMs ?? 10_000;

  // Before trusting anything from the server, its CA must be the one the token names.
  const caPem = await fetchTrustedCa(server, token.caHash, timeoutMs);

  const agentDir = join(options.dataDir, 'agent');
  await mkdir(agentDir, { recursive: true, mode: 0o700 });
  const passwordFile = join(agentDir, 'node-password');
  if (!existsSync(passwordFile)) await writeFile(passwordFile, randomBytes(24).toString('hex'), { mode: 0o600 });
  const nodePassword = (await readFile(passwordFile, 'utf8')).trim();

  const addresses = options.addresses ?? defaultAddresses();
  const issued = await postJoin<JoinResponse>(server, '/v1-skiff/join', { token: `${token.id}.${token.secret}`, nodeName: options.nodeName, nodePassword, addresses }, caPem, timeoutMs);
  const saved = await saveCredentials(options.dataDir, {
    server,
    nodeName: options.nodeName,
    caPem: issued.caPem,
    client: { certPem: issued.certPem, keyPem: issued.keyPem },
    serving: { certPem: issued.servingCertPem, keyPem: issued.servingKeyPem },
    podCidr: issued.podCidr,
  });
  return { ...saved, joined: true, why: earlier.why };
}

/** This machine's host name (when it is a valid DNS name) and IPv4 addresses. */
export function defaultAddresses(): string[] {
  const host = hostname().toLowerCase();
  const named = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(host) ? [host] : [];
  return [...new Set([...named, ...hostIpv4Addresses()])];
}

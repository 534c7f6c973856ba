/**
 * What a node agent gets from the cluster CA: a client certificate (`system:node:<name>`
 * in `system:nodes`) to talk to the API, and a serving certificate for its own API on the
 * kubelet port, which the API server checks when it proxies logs, exec and port-forward.
 */
import { checkSubdomain } from '../api/meta.ts';
import { parseIpv4 } from '../util/ip.ts';
import { issueClientCertificate, issueServingCertificate, type CertificateAuthority, type CertificatePair } from '../pki/index.ts';

export interface NodeCredentials {
  caPem: string;
  client: CertificatePair;
  serving: CertificatePair;
}

/** At most this many addresses go into a node's serving certificate. */
export const MAX_NODE_ADDRESSES = 32;

/** Why `address` cannot name a node in its serving certificate, or undefined when it can. */
export function nodeAddressProblem(address: string): string | undefined {
  if (parseIpv4(address) !== null) return undefined;
  if (address.includes(':')) return /^[0-9a-f:.]+$/i.test(address) ? undefined : `${JSON.stringify(address)} is not an IP address`;
  return checkSubdomain(address).length === 0 ? undefined : `${JSON.stringify(address)} is neither an IP address nor a DNS name`;
}

/** Issues both certificates of `nodeName`; the serving one names the node, loopback and `addresses`. */
export async function issueNodeCredentials(ca: CertificateAuthority, nodeName: string, addresses: readonly string[]): Promise<NodeCredentials> {
  const [client, serving] = await Promise.all([
    issueClientCertificate(ca, { commonName: `system:node:${nodeName}`, organizations: ['system:nodes'] }),
    issueServingCertificate(ca, { commonName: `system:node:${nodeName}`, names: new Set([nodeName, 'localhost', '127.0.0.1', ...addresses]) }),
  ]);
  return { caPem: ca.certPem, client, serving };
}

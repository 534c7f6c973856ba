/**
 * Names of skiff's iptables chains. Every chain starts with the node's prefix
 * (`SKIFF-` plus a short tag), so agents sharing one network namespace never touch
 * each other's chains, and `SKIFF-` alone finds every chain any skiff agent made.
 * Per-service chains carry a hash of what they serve, as kube-proxy's do, and stay
 * within iptables' 28-character limit.
 */
import { createHash } from 'node:crypto';

/** What every skiff chain name starts with. */
export const skiffChainMark = 'SKIFF-';

/** The longest chain name iptables accepts. */
const maxChainName = 28;
const hashLength = 12;
/** Leaves room for "-SEP-" and the hash after the prefix. */
const maxPrefix = maxChainName - 5 - hashLength;

/** The chain prefix of a node: `SKIFF-` and four hex digits of its name and pod subnet. */
export function nodeChainPrefix(nodeName: string, podCidr: string): string {
  return `${skiffChainMark}${createHash('sha256').update(`${nodeName}\n${podCidr}`).digest('hex').slice(0, 4)}`;
}

/** Throws unless `prefix` is `SKIFF-` plus up to 5 letters or digits. */
export function checkChainPrefix(prefix: string): void {
  if (!prefix.startsWith(skiffChainMark) || prefix.length > maxPrefix || !/^SKIFF-[A-Za-z0-9]{1,5}$/.test(prefix)) {
    throw new Error(`Cannot use ${JSON.stringify(prefix)} as an iptables chain prefix: it must be "SKIFF-" followed by 1 to 5 letters or digits`);
  }
}

/** The fixed chains of one prefix. */
export interface TopChains {
  /** nat: cluster IPs, external and load-balancer IPs, then the node address dispatch. */
  services: string;
  /** nat: node ports and ServiceLB ports on node addresses. */
  nodePorts: string;
  /** nat: masquerades marked packets. */
  postrouting: string;
  /** nat: marks a packet for masquerading. */
  markMasq: string;
  /** filter: rejects or drops cluster IP traffic of Services without (local) endpoints. */
  filterServices: string;
  /** filter: the same for node ports, external and load-balancer addresses. */
  filterExternal: string;
  /** filter: forwarding of service traffic past a default DROP policy. */
  filterForward: string;
  /** filter: blocks connections to 127.0.0.0/8 arriving from elsewhere (route_localnet is on). */
  filterFirewall: string;
  /** filter: dispatch from the built-in INPUT chain. */
  filterInput: string;
  /** filter: dispatch from the built-in OUTPUT chain. */
  filterOutput: string;
}

/** The fixed chain names of `prefix`. */
export function topChains(prefix: string): TopChains {
  return {
    services: `${prefix}-SERVICES`,
    nodePorts: `${prefix}-NODEPORTS`,
    postrouting: `${prefix}-POSTROUTING`,
    markMasq: `${prefix}-MARK-MASQ`,
    filterServices: `${prefix}-SERVICES`,
    filterExternal: `${prefix}-EXTERNAL`,
    filterForward: `${prefix}-FORWARD`,
    filterFirewall: `${prefix}-FIREWALL`,
    filterInput: `${prefix}-INPUT`,
    filterOutput: `${prefix}-OUTPUT`,
  };
}

/** Kinds of per-service chains: all endpoints, local endpoints, external entry, one endpoint. */
export type ServiceChainKind = 'SVC' | 'SVL' | 'EXT' | 'SEP';

/** Hashing is the bulk of naming; a sync names the same chains again and again. */
const hashCache = new Map<string, string>();
const hashCacheLimit = 200_000;

/** The chain of one kind for `identity` (service port, plus the endpoint for SEP). */
export function serviceChain(prefix: string, kind: ServiceChainKind, identity: string): string {
  let hash = hashCache.get(identity);
  if (hash === undefined) {
    hash = base32(createHash('sha256').update(identity).digest()).slice(0, hashLength);
    if (hashCache.size >= hashCacheLimit) hashCache.clear();
    hashCache.set(identity, hash);
  }
  return `${prefix}-${kind}-${hash}`;
}

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 without padding. */
function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out;
}

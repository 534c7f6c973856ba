/**
 * Hands each node a /24 of the cluster CIDR for its pods, like the node IPAM controller:
 * a node keeps the subnet its Node object names, and a new node gets the lowest /24 that
 * no Node and no recent hand-out holds. Hand-outs are remembered until the node registers,
 * so two machines joining at once never get the same subnet.
 */
import { ApiError } from '../apiserver/status.ts';
import type { StorageRegistry } from '../apiserver/registry.ts';
import { isPlainObject } from '../apiserver/objects.ts';
import { nthAddress, parseIpv4Cidr, type Ipv4Cidr } from '../util/ip.ts';

const NODE_PREFIX = 24;

export class PodCidrAllocator {
  readonly #registry: StorageRegistry;
  readonly #cluster: Ipv4Cidr;
  readonly #reserved: ReadonlySet<string>;
  readonly #handedOut = new Map<string, string>();
  #chain: Promise<unknown> = Promise.resolve();

  /** `reserved`: subnets taken outside the API, e.g. the server's own node before it registers. */
  constructor(registry: StorageRegistry, clusterCidr: string, reserved: readonly string[] = []) {
    const cluster = parseIpv4Cidr(clusterCidr);
    if (cluster === null || cluster.prefix > NODE_PREFIX) {
      throw new Error(`Cannot hand out node pod subnets from ${clusterCidr}: want an IPv4 CIDR of /${NODE_PREFIX} or larger`);
    }
    this.#registry = registry;
    this.#cluster = cluster;
    this.#reserved = new Set(reserved);
  }

  /** The pod subnet of `nodeName`: the one its Node has, else a free one. */
  allocate(nodeName: string): Promise<string> {
    // One allocation at a time: each must see the previous one's hand-out.
    const next = this.#chain.then(() => this.#allocate(nodeName));
    this.#chain = next.catch(() => undefined);
    return next;
  }

  async #allocate(nodeName: string): Promise<string> {
    const list = await this.#registry.get('', 'v1', 'nodes').list({ namespace: null });
    const used = new Set(this.#reserved);
    let own: string | undefined;
    for (const node of list.items) {
      const spec = isPlainObject(node.spec) ? node.spec : {};
      const cidr = typeof spec.podCIDR === 'string' ? spec.podCIDR : undefined;
      if (cidr === undefined) continue;
      used.add(cidr);
      if (node.metadata.name === nodeName) own = cidr;
      // Registered: the Node itself holds the subnet from now on.
      if (this.#handedOut.get(node.metadata.name ?? '') === cidr) this.#handedOut.delete(node.metadata.name ?? '');
    }
    if (own !== undefined) return own;
    const earlier = this.#handedOut.get(nodeName);
    if (earlier !== undefined) return earlier;
    for (const cidr of this.#handedOut.values()) used.add(cidr);
    const count = 2 ** (NODE_PREFIX - this.#cluster.prefix);
    for (let index = 0; index < count; index++) {
      const cidr = `${nthAddress(this.#cluster, index * 256)}/${NODE_PREFIX}`;
      if (used.has(cidr)) continue;
      this.#handedOut.set(nodeName, cidr);
      return cidr;
    }
    throw new ApiError(503, 'ServiceUnavailable', `Cannot give node ${nodeName} a pod subnet: all ${count} /${NODE_PREFIX} subnets of the cluster CIDR are taken; delete unused nodes or use a larger --cluster-cidr`);
  }
}

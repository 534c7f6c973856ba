/**
 * Hands each node a /24 of the cluster CIDR for its pods, like the node IPAM controller:
 * a node keeps the subnet its Node object names, and a new node gets the lowest /24 that
 * no Node and no recent hand-out holds. Hand-outs are remembered until the node registers,
 * so two machines joining at once never get the same subnet — also through two servers of
 * an HA control plane: they are kept in the ConfigMap kube-system/skiff-pod-cidrs, written
 * with compare-and-swap.
 */
import { ApiError } from '../apiserver/status.ts';
import type { StorageRegistry } from '../apiserver/registry.ts';
import { isPlainObject } from '../apiserver/objects.ts';
import { nthAddress, parseIpv4Cidr, type Ipv4Cidr } from '../util/ip.ts';

const NODE_PREFIX = 24;
const handOutsNamespace = 'kube-system';
const handOutsName = 'skiff-pod-cidrs';
const maxAttempts = 10;

export class PodCidrAllocator {
  readonly #registry: StorageRegistry;
  readonly #cluster: Ipv4Cidr;
  readonly #reserved: ReadonlySet<string>;
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
    for (let attempt = 1; ; attempt++) {
      const handOuts = await this.#handOuts();
      const list = await this.#registry.get('', 'v1', 'nodes').list({ namespace: null });
      const handedOut = new Map(Object.entries(handOuts.data));
      const used = new Set(this.#reserved);
      let own: string | undefined;
      for (const node of list.items) {
        const spec = isPlainObject(node.spec) ? node.spec : {};
        const cidr = typeof spec.podCIDR === 'string' ? spec.podCIDR : undefined;
        if (cidr === undefined) continue;
        used.add(cidr);
        if (node.metadata.name === nodeName) own = cidr;
        // Registered: the Node itself holds the subnet from now on.
        if (handedOut.get(node.metadata.name ?? '') === cidr) handedOut.delete(node.metadata.name ?? '');
      }
      if (own !== undefined) return own;
      const earlier = handedOut.get(nodeName);
      if (earlier !== undefined) return earlier;
      for (const cidr of handedOut.values()) used.add(cidr);
      const free = this.#lowestFree(used);
      if (free === undefined) break;
      handedOut.set(nodeName, free);
      try {
        await this.#registry.get('', 'v1', 'configmaps').update(handOutsNamespace, handOutsName, {
          metadata: { name: handOutsName, namespace: handOutsNamespace, resourceVersion: handOuts.resourceVersion },
          data: Object.fromEntries(handedOut),
        });
        return free;
      } catch (error) {
        // Another server handed one out meanwhile: look again.
        if (!(error instanceof ApiError && error.code === 409) || attempt >= maxAttempts) throw error;
      }
    }
    const count = 2 ** (NODE_PREFIX - this.#cluster.prefix);
    throw new ApiError(503, 'ServiceUnavailable', `Cannot give node ${nodeName} a pod subnet: all ${count} /${NODE_PREFIX} subnets of the cluster CIDR are taken; delete unused nodes or use a larger --cluster-cidr`);
  }

  #lowestFree(used: ReadonlySet<string>): string | undefined {
    const count = 2 ** (NODE_PREFIX - this.#cluster.prefix);
    for (let index = 0; index < count; index++) {
      const cidr = `${nthAddress(this.#cluster, index * 256)}/${NODE_PREFIX}`;
      if (!used.has(cidr)) return cidr;
    }
    return undefined;
  }

  /** The hand-outs not yet held by a Node, and the version they were read at. */
  async #handOuts(): Promise<{ data: Record<string, string>; resourceVersion: string }> {
    const configMaps = this.#registry.get('', 'v1', 'configmaps');
    let object;
    try {
      object = await configMaps.get(handOutsNamespace, handOutsName);
    } catch (error) {
      if (!(error instanceof ApiError && error.code === 404)) throw error;
      try {
        object = await configMaps.create(handOutsNamespace, { metadata: { name: handOutsName } }, { fieldManager: 'skiff-pod-cidrs' });
      } catch (raced) {
        if (!(raced instanceof ApiError && raced.code === 409)) throw raced;
        object = await configMaps.get(handOutsNamespace, handOutsName);
      }
    }
    const data: Record<string, string> = {};
    if (isPlainObject(object.data)) for (const [node, cidr] of Object.entries(object.data)) if (typeof cidr === 'string') data[node] = cidr;
    return { data, resourceVersion: object.metadata.resourceVersion ?? '' };
  }
}

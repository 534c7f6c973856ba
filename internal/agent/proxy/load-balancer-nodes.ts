/**
 * Which nodes serve the ports of type LoadBalancer Services (ServiceLB style): every
 * node, unless some node carries the enablelb label; then only nodes where it is "true".
 * Pure; shared by the proxy (does this node serve?) and the controller that publishes
 * node addresses as load-balancer ingress.
 */
import { isPlainObject, type KubeObject } from '../../apiserver/objects.ts';

/** The node label that limits ServiceLB to chosen nodes, as in k3s. */
export const enableLoadBalancerLabel = 'svccontroller.k3s.cattle.io/enablelb';

/** The nodes (of `nodes`) that serve load-balancer ports. */
export function loadBalancerNodes<T extends KubeObject>(nodes: readonly T[]): T[] {
  const restricted = nodes.some((node) => node.metadata.labels?.[enableLoadBalancerLabel] !== undefined);
  if (!restricted) return [...nodes];
  return nodes.filter((node) => node.metadata.labels?.[enableLoadBalancerLabel] === 'true');
}

/** Whether the node named `nodeName` serves load-balancer ports, given every node of the cluster. */
export function nodeServesLoadBalancers(nodeName: string, nodes: readonly KubeObject[]): boolean {
  return loadBalancerNodes(nodes).some((node) => node.metadata.name === nodeName);
}

/** The address a node is reached at from outside: its ExternalIP if it has one, else its InternalIP. */
export function nodeIngressAddress(node: KubeObject): string | null {
  const status = node.status;
  const addresses = isPlainObject(status) && Array.isArray(status.addresses) ? status.addresses.filter(isPlainObject) : [];
  const of = (type: string): string | null => {
    const found = addresses.find((a) => a.type === type && typeof a.address === 'string');
    return found !== undefined && typeof found.address === 'string' ? found.address : null;
  };
  return of('ExternalIP') ?? of('InternalIP');
}

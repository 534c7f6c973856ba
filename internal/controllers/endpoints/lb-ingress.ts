/**
 * ServiceLB's decision: a LoadBalancer Service (without a loadBalancerClass) is reached
 * at the addresses of the ready nodes that serve load balancers; every other Service
 * has no load-balancer ingress. Pure.
 */
import { isPlainObject, type JsonObject, type KubeObject } from '../../apiserver/objects.ts';
import { jsonEqual } from '../../api/validation/field.ts';
import { loadBalancerNodes, nodeIngressAddress } from '../../agent/proxy/index.ts';
import { parseIpv4 } from '../../util/ip.ts';

/** The status.loadBalancer.ingress `service` should have, or null when it is another controller's to set. */
export function desiredIngress(service: KubeObject, nodes: readonly KubeObject[]): JsonObject[] | null {
  const spec = isPlainObject(service.spec) ? service.spec : {};
  if (spec.type === 'LoadBalancer') {
    if (typeof spec.loadBalancerClass === 'string' && spec.loadBalancerClass !== '') return null;
    const addresses = loadBalancerNodes(nodes.filter(isReady)).map(nodeIngressAddress).filter((ip): ip is string => ip !== null);
    const unique = [...new Set(addresses)].sort((a, b) => (parseIpv4(a) ?? 0) - (parseIpv4(b) ?? 0));
    return unique.map((ip) => ({ ip, ipMode: 'VIP' }));
  }
  // A Service that stopped being a LoadBalancer loses the ingress ServiceLB gave it.
  return [];
}

/** The current status.loadBalancer.ingress of `service` ([] when unset). */
function currentIngress(service: KubeObject): JsonObject[] {
  const status = isPlainObject(service.status) ? service.status : {};
  const loadBalancer = isPlainObject(status.loadBalancer) ? status.loadBalancer : {};
  return Array.isArray(loadBalancer.ingress) ? loadBalancer.ingress.filter(isPlainObject) : [];
}

/** Whether the ingress must be written. */
export function ingressNeedsUpdate(service: KubeObject, desired: JsonObject[]): boolean {
  return !jsonEqual(currentIngress(service), desired);
}

function isReady(node: KubeObject): boolean {
  const status = isPlainObject(node.status) ? node.status : {};
  const conditions = Array.isArray(status.conditions) ? status.conditions : [];
  return conditions.some((c) => isPlainObject(c) && c.type === 'Ready' && c.status === 'True');
}

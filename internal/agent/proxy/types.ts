/**
 * The proxy's view of the cluster: one entry per Service port, with the endpoints the
 * EndpointSlices list for it. Both rule builders (iptables, IPVS) read only this model.
 */

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

/** One address:port behind a Service port, with the EndpointSlice conditions kube-proxy reads. */
export interface ProxyEndpoint {
  ip: string;
  port: number;
  /** Node the endpoint runs on, or null when the slice does not say. */
  nodeName: string | null;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
}

/** Everything the proxy needs to know about one port of one Service. */
export interface ServicePort {
  namespace: string;
  name: string;
  /** spec.ports[].name ('' for a single unnamed port). */
  portName: string;
  protocol: Protocol;
  clusterIp: string;
  port: number;
  /** 0 when the Service has no node port for this port. */
  nodePort: number;
  /** spec.externalIPs. */
  externalIps: string[];
  /** status.loadBalancer.ingress[].ip. */
  loadBalancerIps: string[];
  /** type LoadBalancer: the port is also served on the addresses of nodes that serve load balancers. */
  loadBalancer: boolean;
  externalPolicyLocal: boolean;
  internalPolicyLocal: boolean;
  /** ClientIP affinity timeout in seconds; 0 without affinity. */
  affinitySeconds: number;
  /** Sorted by address then port, without duplicates. */
  endpoints: ProxyEndpoint[];
}

/** What the rule builders need to know about the node they program. */
export interface NodeContext {
  nodeName: string;
  /** Addresses node ports (and ServiceLB ports) are served on, 127.0.0.1 included where wanted. */
  addresses: string[];
  /** Pods of this node; traffic from elsewhere to a cluster IP is masqueraded. Null masquerades nothing by source. */
  localPodCidr: string | null;
  /** Whether this node serves the ports of type LoadBalancer Services on its addresses (ServiceLB). */
  servesLoadBalancers: boolean;
}

/** `namespace/name:port`, or `namespace/name` for an unnamed port, as kube-proxy prints it. */
export function servicePortLabel(port: Pick<ServicePort, 'namespace' | 'name' | 'portName'>): string {
  const base = `${port.namespace}/${port.name}`;
  return port.portName === '' ? base : `${base}:${port.portName}`;
}

/** Reachable from outside the cluster on this node: a node port, external or load-balancer addresses, or ServiceLB ports. */
export function externallyAccessible(port: ServicePort, node: NodeContext): boolean {
  return port.nodePort !== 0 || port.externalIps.length > 0 || port.loadBalancerIps.length > 0 || (port.loadBalancer && node.servesLoadBalancers);
}

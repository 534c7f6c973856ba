/**
 * The cluster DNS address (10.43.0.10 by default) has no Service object: every agent
 * serves DNS itself on its pod gateway, and the proxy sends the address there on each
 * node, for UDP and TCP, so no lookup leaves the node.
 */
import type { ServicePort } from './types.ts';

/** The two service ports that route `clusterDns`:53 to `nodeDns`:53 on `nodeName`. */
export function nodeLocalDnsPorts(clusterDns: string, nodeDns: string, nodeName: string): ServicePort[] {
  const base = {
    namespace: 'kube-system',
    name: 'kube-dns',
    clusterIp: clusterDns,
    port: 53,
    nodePort: 0,
    externalIps: [],
    loadBalancerIps: [],
    loadBalancer: false,
    externalPolicyLocal: false,
    internalPolicyLocal: true,
    affinitySeconds: 0,
    endpoints: [{ ip: nodeDns, port: 53, nodeName, ready: true, serving: true, terminating: false }],
  };
  return [
    { ...base, portName: 'dns', protocol: 'UDP' },
    { ...base, portName: 'dns-tcp', protocol: 'TCP' },
  ];
}

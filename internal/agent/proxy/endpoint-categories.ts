/**
 * Which endpoints a Service port sends traffic to under each traffic policy, as
 * kube-proxy decides it: ready endpoints, falling back to serving-but-terminating
 * ones when none is ready; "Local" policies use only this node's endpoints.
 */
import { externallyAccessible, type NodeContext, type ProxyEndpoint, type ServicePort } from './types.ts';

export interface EndpointCategories {
  /** Endpoints for "Cluster" policy traffic (empty when no policy of the port is Cluster). */
  cluster: ProxyEndpoint[];
  /** This node's endpoints for "Local" policy traffic (empty when no policy of the port is Local). */
  local: ProxyEndpoint[];
  /** Endpoints some policy may send to: each needs its own endpoint chain. */
  reachable: ProxyEndpoint[];
  /** Whether any usable endpoint exists anywhere in the cluster. */
  hasAny: boolean;
}

/** Whether the port ever sends traffic by "Cluster" policy (short-circuited external traffic included). */
export function usesClusterEndpoints(port: ServicePort, node: NodeContext): boolean {
  return !port.internalPolicyLocal || externallyAccessible(port, node);
}

/** Whether the port ever sends traffic by "Local" policy. */
export function usesLocalEndpoints(port: ServicePort, node: NodeContext): boolean {
  return port.internalPolicyLocal || (port.externalPolicyLocal && externallyAccessible(port, node));
}

/** Splits a port's endpoints by policy for `node`. */
export function categorizeEndpoints(port: ServicePort, node: NodeContext): EndpointCategories {
  const endpoints = port.endpoints;
  const isLocal = (e: ProxyEndpoint): boolean => e.nodeName === node.nodeName;
  const servingTerminating = (e: ProxyEndpoint): boolean => e.serving && e.terminating;
  let cluster: ProxyEndpoint[] = [];
  let hasAny = false;
  const useCluster = usesClusterEndpoints(port, node);
  if (useCluster) {
    cluster = endpoints.filter((e) => e.ready);
    if (cluster.length === 0) cluster = endpoints.filter(servingTerminating);
    hasAny = cluster.length > 0;
  }
  if (!usesLocalEndpoints(port, node)) return { cluster, local: [], reachable: cluster, hasAny };

  let local: ProxyEndpoint[] = [];
  if (endpoints.some((e) => e.ready || servingTerminating(e))) hasAny = true;
  if (endpoints.some((e) => isLocal(e) && e.ready)) local = endpoints.filter((e) => isLocal(e) && e.ready);
  else local = endpoints.filter((e) => isLocal(e) && servingTerminating(e));
  if (!useCluster) return { cluster, local, reachable: local, hasAny };

  // Cluster endpoints may be remote; local ones may be terminating: the chains need both.
  const reachable = [...cluster];
  const seen = new Set(cluster.map((e) => `${e.ip}:${e.port}`));
  for (const e of local) if (!seen.has(`${e.ip}:${e.port}`)) reachable.push(e);
  return { cluster, local, reachable, hasAny };
}

/**
 * The iptables rule builder: Service ports and this node → skiff's chains in the nat
 * and filter tables, following kube-proxy's iptables mode chain for chain:
 *
 *   nat  SERVICES  cluster IP → SVC (or SVL for internalTrafficPolicy Local);
 *                  external / load-balancer IP → EXT; node addresses → NODEPORTS
 *        NODEPORTS node port (and ServiceLB port) → EXT
 *        EXT       masquerade, then SVC (Cluster) or SVL (Local, keeping client IPs)
 *        SVC/SVL   affinity (`recent`), then random choice (`statistic`) → SEP
 *        SEP       hairpin masquerade, DNAT to the endpoint
 *   filter         REJECT for Services without endpoints, DROP without local ones
 *
 * Pure: the same input always gives the same rules, in the same order. The rules of a
 * port are remembered per ServicePort object (callers hand back the same object while a
 * Service is unchanged), so a sync after one change rebuilds one Service's rules.
 */
import { topChains, serviceChain, type TopChains } from './chain-names.ts';
import { categorizeEndpoints, usesClusterEndpoints, usesLocalEndpoints } from './endpoint-categories.ts';
import { baseFilterChains, baseNatChains } from './iptables-base.ts';
import type { ChainMap, RuleSet } from './rule-set.ts';
import { externallyAccessible, servicePortLabel, type NodeContext, type ProxyEndpoint, type ServicePort } from './types.ts';

/** The rules one Service port contributes: lines of the shared chains, and its own chains. */
interface Fragment {
  /** prefix and the node facts the rules depend on; a remembered fragment is reused only for the same. */
  context: string;
  services: string[];
  nodePorts: string[];
  filterServices: string[];
  filterExternal: string[];
  chains: Array<[string, string[]]>;
}

const remembered = new WeakMap<ServicePort, Fragment>();

/** Builds every skiff chain for `ports` on `node`; chains are named with `prefix`. */
export function buildIptablesRules(ports: readonly ServicePort[], node: NodeContext, prefix: string): RuleSet {
  const chains = topChains(prefix);
  const nat = baseNatChains(chains);
  const filter = baseFilterChains(chains);
  const context = `${prefix}|${node.nodeName}|${node.localPodCidr ?? ''}|${node.servesLoadBalancers}`;
  const sorted = [...ports].sort(comparePorts);
  const services = ensure(nat, chains.services);
  const nodePorts = ensure(nat, chains.nodePorts);
  const filterServices = ensure(filter, chains.filterServices);
  const filterExternal = ensure(filter, chains.filterExternal);
  for (const port of sorted) {
    let fragment = remembered.get(port);
    if (fragment === undefined || fragment.context !== context) {
      fragment = servicePortFragment(port, node, prefix, chains, context);
      remembered.set(port, fragment);
    }
    for (const line of fragment.services) services.push(line);
    for (const line of fragment.nodePorts) nodePorts.push(line);
    for (const line of fragment.filterServices) filterServices.push(line);
    for (const line of fragment.filterExternal) filterExternal.push(line);
    for (const [chain, rules] of fragment.chains) nat.set(chain, rules);
  }
  for (const address of node.addresses) {
    services.push(`-d ${address}/32 -m comment --comment "node ports" -j ${chains.nodePorts}`);
  }
  return { prefix, filter, nat };
}

/** The rules of one Service port: its lines in the top chains plus its own chains. */
function servicePortFragment(port: ServicePort, node: NodeContext, prefix: string, chains: TopChains, context: string): Fragment {
  const fragment: Fragment = { context, services: [], nodePorts: [], filterServices: [], filterExternal: [], chains: [] };
  const own = (chain: string, rules: string[]): void => void fragment.chains.push([chain, rules]);
  const label = servicePortLabel(port);
  const identity = `${label}/${port.protocol}`;
  const proto = port.protocol.toLowerCase();
  const match = `-p ${proto} -m ${proto}`;
  const { cluster, local, reachable, hasAny } = categorizeEndpoints(port, node);
  const svc = serviceChain(prefix, 'SVC', identity);
  const svl = serviceChain(prefix, 'SVL', identity);
  const ext = serviceChain(prefix, 'EXT', identity);
  const usesClusterChain = cluster.length > 0 && usesClusterEndpoints(port, node);
  const usesLocalChain = local.length > 0 && usesLocalEndpoints(port, node);
  const internalChain = port.internalPolicyLocal ? svl : svc;
  const hasInternal = port.internalPolicyLocal ? local.length > 0 : hasAny;
  const externalChain = port.externalPolicyLocal ? svl : svc;
  const hasExternal = port.externalPolicyLocal ? local.length > 0 : hasAny;
  const accessible = externallyAccessible(port, node);
  const usesExt = hasAny && accessible;
  const filterTarget = hasAny ? 'DROP' : 'REJECT';
  const filterComment = hasAny ? `"${label} has no local endpoints"` : `"${label} has no endpoints"`;

  const { services, nodePorts, filterServices, filterExternal } = fragment;
  const clusterMatch = `-d ${port.clusterIp}/32 ${match} --dport ${port.port}`;

  if (hasInternal) services.push(`${clusterMatch} -m comment --comment "${label} cluster IP" -j ${internalChain}`);
  else filterServices.push(`${clusterMatch} -m comment --comment ${filterComment} -j ${filterTarget}`);

  const externalAddresses: Array<[string, string]> = [
    ...port.externalIps.map((ip): [string, string] => [ip, 'external IP']),
    ...port.loadBalancerIps.map((ip): [string, string] => [ip, 'loadbalancer IP']),
  ];
  for (const [ip, what] of externalAddresses) {
    const addressMatch = `-d ${ip}/32 ${match} --dport ${port.port}`;
    if (usesExt) services.push(`${addressMatch} -m comment --comment "${label} ${what}" -j ${ext}`);
    if (!hasExternal) filterExternal.push(`${addressMatch} -m comment --comment ${filterComment} -j ${filterTarget}`);
  }
  const localPorts: Array<[number, string]> = [];
  if (port.nodePort !== 0) localPorts.push([port.nodePort, 'node port']);
  if (port.loadBalancer && node.servesLoadBalancers) localPorts.push([port.port, 'loadbalancer port']);
  for (const [number, what] of localPorts) {
    if (usesExt) nodePorts.push(`${match} --dport ${number} -m comment --comment "${label} ${what}" -j ${ext}`);
    if (!hasExternal) filterExternal.push(`-m addrtype --dst-type LOCAL ${match} --dport ${number} -m comment --comment ${filterComment} -j ${filterTarget}`);
  }

  const masqueradeOffNode =
    node.localPodCidr === null ? null : `${clusterMatch} ! -s ${node.localPodCidr} -m comment --comment "${label} cluster IP" -j ${chains.markMasq}`;
  if (usesClusterChain) {
    const rules: string[] = [];
    if (internalChain === svc && hasInternal && masqueradeOffNode !== null) rules.push(masqueradeOffNode);
    own(svc, [...rules, ...balance(cluster, port, label, identity, prefix)]);
  }
  if (usesLocalChain) {
    const rules: string[] = [];
    if (internalChain === svl && hasInternal && masqueradeOffNode !== null) rules.push(masqueradeOffNode);
    own(svl, [...rules, ...balance(local, port, label, identity, prefix)]);
  }
  if (usesExt) own(ext, externalRules(port, node, label, svc, externalChain, hasExternal, chains));
  for (const endpoint of reachable) {
    const sep = serviceChain(prefix, 'SEP', `${identity}/${endpoint.ip}:${endpoint.port}`);
    const affinity = port.affinitySeconds > 0 ? ` -m recent --name ${sep} --set` : '';
    own(sep, [
      `-s ${endpoint.ip}/32 -m comment --comment "${label}" -j ${chains.markMasq}`,
      `${match} -m comment --comment "${label}"${affinity} -j DNAT --to-destination ${endpoint.ip}:${endpoint.port}`,
    ]);
  }
  return fragment;
}

/** The EXT chain: who gets masqueraded, and which endpoints external traffic reaches. */
function externalRules(port: ServicePort, node: NodeContext, label: string, svc: string, target: string, hasExternal: boolean, chains: TopChains): string[] {
  const rules: string[] = [];
  if (!port.externalPolicyLocal) {
    rules.push(`-m comment --comment "masquerade traffic for ${label} external destinations" -j ${chains.markMasq}`);
  } else {
    // Pods and the node itself reach the Service as from outside and back, ignoring the policy.
    if (node.localPodCidr !== null) rules.push(`-s ${node.localPodCidr} -m comment --comment "pod traffic for ${label} external destinations" -j ${svc}`);
    rules.push(`-m addrtype --src-type LOCAL -m comment --comment "masquerade LOCAL traffic for ${label} external destinations" -j ${chains.markMasq}`);
    rules.push(`-m addrtype --src-type LOCAL -m comment --comment "route LOCAL traffic for ${label} external destinations" -j ${svc}`);
  }
  if (hasExternal) rules.push(`-j ${target}`);
  return rules;
}

/** Affinity checks first, then one rule per endpoint taking its share of what is left. */
function balance(endpoints: readonly ProxyEndpoint[], port: ServicePort, label: string, identity: string, prefix: string): string[] {
  const rules: string[] = [];
  const seps = endpoints.map((e) => serviceChain(prefix, 'SEP', `${identity}/${e.ip}:${e.port}`));
  if (port.affinitySeconds > 0) {
    endpoints.forEach((e, i) => {
      rules.push(`-m comment --comment "${label} -> ${e.ip}:${e.port}" -m recent --name ${seps[i]} --rcheck --seconds ${port.affinitySeconds} --reap -j ${seps[i]}`);
    });
  }
  const n = endpoints.length;
  endpoints.forEach((e, i) => {
    const pick = i < n - 1 ? ` -m statistic --mode random --probability ${probability(n - i)}` : '';
    rules.push(`-m comment --comment "${label} -> ${e.ip}:${e.port}"${pick} -j ${seps[i]}`);
  });
  return rules;
}

/** 1/n with ten decimals, as kube-proxy prints it: the i-th of n rules takes 1/(n-i) of what reaches it. */
export function probability(n: number): string {
  return (1 / n).toFixed(10);
}

function ensure(map: ChainMap, chain: string): string[] {
  let rules = map.get(chain);
  if (rules === undefined) {
    rules = [];
    map.set(chain, rules);
  }
  return rules;
}

function comparePorts(a: ServicePort, b: ServicePort): number {
  return compare(a.namespace, b.namespace) || compare(a.name, b.name) || compare(a.portName, b.portName) || compare(a.protocol, b.protocol);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export { startProxy, cleanupAllProxyRules, type ProxyMode, type ProxyOptions, type RunningProxy } from './proxy.ts';
export { checkIpvsSupport, ProxyModeError } from './ipvs-applier.ts';
export { hostRunner, type CommandRunner } from './command-runner.ts';
export { enableLoadBalancerLabel, loadBalancerNodes, nodeIngressAddress, nodeServesLoadBalancers } from './load-balancer-nodes.ts';
export { nodeLocalDnsPorts } from './node-local-dns.ts';

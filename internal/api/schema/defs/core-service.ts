/** core/v1 Service and Endpoints. */
import { bool, field, int32, intOrString, listOf, mapOf, str, struct } from '../model.ts';
import type { TypeDef } from '../model.ts';
import { coreKind, coreName, coreRef, metaRef, required } from './core-shared.ts';

export const service = coreKind('Service', 'A named set of pods reached through a stable address and ports.', {
  spec: field(2, coreRef('ServiceSpec'), 'Desired behaviour of the service.'),
  status: field(3, coreRef('ServiceStatus'), 'Observed state of the service.'),
});

export const serviceSpec = struct(coreName('ServiceSpec'), 'Desired behaviour of a service.', {
  ports: field(
    1,
    listOf(coreRef('ServicePort'), {
      listType: 'map',
      mapKeys: ['port', 'protocol'],
      mergeKey: 'port',
      strategy: 'merge',
    }),
    'Ports the service exposes.',
  ),
  selector: field(2, mapOf(str, { mapType: 'atomic' }), 'Labels of the pods that receive the traffic.'),
  clusterIP: field(3, str, 'Virtual IP of the service, None for a headless service.'),
  clusterIPs: field(18, listOf(str, { listType: 'atomic' }), 'Virtual IPs of the service, one per family.'),
  type: field(4, str, 'ClusterIP, NodePort, LoadBalancer or ExternalName; defaults to ClusterIP.'),
  externalIPs: field(5, listOf(str, { listType: 'atomic' }), 'Extra IPs on which nodes accept traffic for the service.'),
  sessionAffinity: field(7, str, 'ClientIP or None; defaults to None.'),
  loadBalancerIP: field(8, str, 'Deprecated requested load balancer IP.'),
  loadBalancerSourceRanges: field(9, listOf(str, { listType: 'atomic' }), 'Client CIDRs allowed through the load balancer.'),
  externalName: field(10, str, 'DNS name the service aliases, for type ExternalName.'),
  externalTrafficPolicy: field(11, str, 'Cluster or Local handling of external traffic.'),
  healthCheckNodePort: field(12, int32, 'Node port serving health checks for Local external traffic.'),
  publishNotReadyAddresses: field(13, bool, 'Publish endpoints whether or not they are ready.'),
  sessionAffinityConfig: field(14, coreRef('SessionAffinityConfig'), 'Session affinity settings.'),
  ipFamilies: field(19, listOf(str, { listType: 'atomic' }), 'IP families of the service: IPv4, IPv6.'),
  ipFamilyPolicy: field(17, str, 'SingleStack, PreferDualStack or RequireDualStack.'),
  allocateLoadBalancerNodePorts: field(20, bool, 'Whether LoadBalancer services get node ports; defaults to true.'),
  loadBalancerClass: field(21, str, 'Load balancer implementation the service belongs to.'),
  internalTrafficPolicy: field(22, str, 'Cluster or Local handling of traffic to the cluster IP.'),
  trafficDistribution: field(23, str, 'Preference for how traffic reaches endpoints, e.g. PreferClose.'),
});

export const servicePort = struct(coreName('ServicePort'), 'A port of a service.', {
  name: field(1, str, 'Name of the port, unique within the service.'),
  protocol: field(2, str, 'TCP, UDP or SCTP; defaults to TCP.', { default: 'TCP' }),
  appProtocol: field(6, str, 'Application protocol of the port.'),
  port: field(3, int32, 'Port the service exposes.', required),
  targetPort: field(4, intOrString, 'Port number or name on the pods; defaults to port.'),
  nodePort: field(5, int32, 'Port on every node, for NodePort and LoadBalancer services.'),
});

export const sessionAffinityConfig = struct(coreName('SessionAffinityConfig'), 'Session affinity settings.', {
  clientIP: field(1, coreRef('ClientIPConfig'), 'Client IP based affinity settings.'),
});

export const clientIPConfig = struct(coreName('ClientIPConfig'), 'Client IP based session affinity.', {
  timeoutSeconds: field(1, int32, 'How long a client sticks to an endpoint; defaults to 10800.'),
});

export const serviceStatus = struct(coreName('ServiceStatus'), 'Observed state of a service.', {
  loadBalancer: field(1, coreRef('LoadBalancerStatus'), 'State of the load balancer, if any.'),
  conditions: field(
    2,
    listOf(metaRef('Condition'), { listType: 'map', mapKeys: ['type'], mergeKey: 'type', strategy: 'merge' }),
    'Current conditions of the service.',
  ),
});

export const loadBalancerStatus = struct(coreName('LoadBalancerStatus'), 'State of a load balancer.', {
  ingress: field(1, listOf(coreRef('LoadBalancerIngress'), { listType: 'atomic' }), 'Ingress points of the load balancer.'),
});

export const loadBalancerIngress = struct(coreName('LoadBalancerIngress'), 'An ingress point of a load balancer.', {
  ip: field(1, str, 'IP of the ingress point.'),
  hostname: field(2, str, 'DNS name of the ingress point.'),
  ipMode: field(3, str, 'VIP or Proxy: how traffic to the IP is delivered.'),
  ports: field(4, listOf(coreRef('PortStatus'), { listType: 'atomic' }), 'State of each service port.'),
});

export const portStatus = struct(coreName('PortStatus'), 'State of one service port on a load balancer.', {
  port: field(1, int32, 'Port number.', required),
  protocol: field(2, str, 'TCP, UDP or SCTP.', required),
  error: field(3, str, 'Problem with the port, if any.'),
});

export const endpoints = coreKind('Endpoints', 'The addresses that implement a service.', {
  subsets: field(2, listOf(coreRef('EndpointSubset'), { listType: 'atomic' }), 'Groups of addresses sharing ports.'),
});

export const endpointSubset = struct(coreName('EndpointSubset'), 'Addresses that share a set of ports.', {
  addresses: field(1, listOf(coreRef('EndpointAddress'), { listType: 'atomic' }), 'Ready addresses.'),
  notReadyAddresses: field(2, listOf(coreRef('EndpointAddress'), { listType: 'atomic' }), 'Addresses not ready yet.'),
  ports: field(3, listOf(coreRef('EndpointPort'), { listType: 'atomic' }), 'Ports served by the addresses.'),
});

export const endpointAddress = struct(
  coreName('EndpointAddress'),
  'One endpoint address.',
  {
    ip: field(1, str, 'IP of the endpoint.', required),
    hostname: field(3, str, 'Hostname of the endpoint.'),
    nodeName: field(4, str, 'Node hosting the endpoint.'),
    targetRef: field(2, coreRef('ObjectReference'), 'Object providing the endpoint.'),
  },
  { mapType: 'atomic' },
);

export const endpointPort = struct(
  coreName('EndpointPort'),
  'One endpoint port.',
  {
    name: field(1, str, 'Name matching a service port.'),
    port: field(2, int32, 'Port number.', required),
    protocol: field(3, str, 'TCP, UDP or SCTP; defaults to TCP.'),
    appProtocol: field(4, str, 'Application protocol of the port.'),
  },
  { mapType: 'atomic' },
);

export const coreServiceDefinitions: TypeDef[] = [
  service,
  serviceSpec,
  servicePort,
  sessionAffinityConfig,
  clientIPConfig,
  serviceStatus,
  loadBalancerStatus,
  loadBalancerIngress,
  portStatus,
  endpoints,
  endpointSubset,
  endpointAddress,
  endpointPort,
];

/**
 * networking.k8s.io/v1 (Ingress, IngressClass, NetworkPolicy) and
 * discovery.k8s.io/v1 (EndpointSlice).
 */
import { bool, field, int32, intOrString, listOf, mapOf, ref, str, strEnum, struct, typeMeta } from '../model.ts';
import type { TypeDef } from '../model.ts';

const NET = 'io.k8s.api.networking.v1';
const DISCOVERY = 'io.k8s.api.discovery.v1';
const meta = (name: string) => ref(`io.k8s.apimachinery.pkg.apis.meta.v1.${name}`);
const core = (name: string) => ref(`io.k8s.api.core.v1.${name}`);
const net = (name: string) => ref(`${NET}.${name}`);
const discovery = (name: string) => ref(`${DISCOVERY}.${name}`);
const protocol = strEnum('SCTP', 'TCP', 'UDP');

const ingress: TypeDef[] = [
  struct(
    `${NET}.Ingress`,
    'Rules routing outside HTTP(S) traffic to Services.',
    {
      ...typeMeta(),
      metadata: field(1, meta('ObjectMeta'), 'Standard object metadata.'),
      spec: field(2, net('IngressSpec'), 'Desired routing of the Ingress.'),
      status: field(3, net('IngressStatus'), 'Most recently observed state of the Ingress.'),
    },
    { gvk: { group: 'networking.k8s.io', version: 'v1', kind: 'Ingress' } },
  ),
  struct(`${NET}.IngressSpec`, 'Desired routing of an Ingress.', {
    ingressClassName: field(4, str, 'IngressClass that implements this Ingress.'),
    defaultBackend: field(1, net('IngressBackend'), 'Backend for requests no rule matches.'),
    tls: field(2, listOf(net('IngressTLS'), { listType: 'atomic' }), 'TLS termination settings.'),
    rules: field(3, listOf(net('IngressRule'), { listType: 'atomic' }), 'Host rules, tried against each request.'),
  }),
  struct(`${NET}.IngressBackend`, 'Where matching traffic is sent.', {
    service: field(4, net('IngressServiceBackend'), 'Service receiving the traffic; excludes resource.'),
    resource: field(3, core('TypedLocalObjectReference'), 'Other object receiving the traffic; excludes service.'),
  }),
  struct(`${NET}.IngressServiceBackend`, 'A Service used as an Ingress backend.', {
    name: field(1, str, 'Service name, in the Ingress namespace.', { required: true }),
    port: field(2, net('ServiceBackendPort'), 'Service port, by name or number.'),
  }),
  struct(
    `${NET}.ServiceBackendPort`,
    'A Service port, by name or by number.',
    {
      name: field(1, str, 'Port name; excludes number.'),
      number: field(2, int32, 'Port number; excludes name.'),
    },
    { mapType: 'atomic' },
  ),
  struct(`${NET}.IngressTLS`, 'TLS settings of some Ingress hosts.', {
    hosts: field(1, listOf(str, { listType: 'atomic' }), 'Hosts covered by the certificate.'),
    secretName: field(2, str, 'Secret holding the certificate and key.'),
  }),
  // In Go the rule value is embedded inline: JSON carries `http` beside `host`,
  // while protobuf nests it as an IngressRuleValue message (holding http as its
  // field 1) in field 2. The model has no notion of an inline embedding, so
  // `http` carries no protobuf number here.
  struct(`${NET}.IngressRule`, 'Routing for one host.', {
    host: field(1, str, 'Host name matched exactly or by a leading "*." wildcard; all hosts when empty.'),
    http: field(undefined, net('HTTPIngressRuleValue'), 'HTTP path rules for the host.'),
  }),
  struct(`${NET}.HTTPIngressRuleValue`, 'HTTP path rules of one host.', {
    paths: field(1, listOf(net('HTTPIngressPath'), { listType: 'atomic' }), 'Paths mapped to backends.', {
      required: true,
    }),
  }),
  struct(`${NET}.HTTPIngressPath`, 'A request path and the backend serving it.', {
    path: field(1, str, 'Path matched against the request; must start with "/".'),
    pathType: field(3, strEnum('Exact', 'ImplementationSpecific', 'Prefix'), 'How the path is compared.', {
      required: true,
    }),
    backend: field(2, net('IngressBackend'), 'Backend receiving matching requests.', { required: true }),
  }),
  struct(`${NET}.IngressStatus`, 'Observed state of an Ingress.', {
    loadBalancer: field(1, net('IngressLoadBalancerStatus'), 'Load balancer serving the Ingress.'),
  }),
  struct(`${NET}.IngressLoadBalancerStatus`, 'Addresses of an Ingress load balancer.', {
    ingress: field(1, listOf(net('IngressLoadBalancerIngress'), { listType: 'atomic' }), 'Ingress points.'),
  }),
  struct(`${NET}.IngressLoadBalancerIngress`, 'One ingress point of a load balancer.', {
    ip: field(1, str, 'IP address of the ingress point.'),
    hostname: field(2, str, 'DNS name of the ingress point.'),
    ports: field(4, listOf(net('IngressPortStatus'), { listType: 'atomic' }), 'Ports exposed by the ingress point.'),
  }),
  struct(`${NET}.IngressPortStatus`, 'State of one load balancer port.', {
    port: field(1, int32, 'Port number.', { required: true }),
    protocol: field(2, protocol, 'TCP, UDP or SCTP.', { required: true }),
    error: field(3, str, 'Problem with the port, in CamelCase or domain-prefixed form.'),
  }),
];

const ingressClass: TypeDef[] = [
  struct(
    `${NET}.IngressClass`,
    'A kind of Ingress and the controller implementing it.',
    {
      ...typeMeta(),
      metadata: field(1, meta('ObjectMeta'), 'Standard object metadata.'),
      spec: field(2, net('IngressClassSpec'), 'Controller and parameters of the class.'),
    },
    { gvk: { group: 'networking.k8s.io', version: 'v1', kind: 'IngressClass' } },
  ),
  struct(`${NET}.IngressClassSpec`, 'Controller and parameters of an IngressClass.', {
    controller: field(1, str, 'Domain-prefixed name of the implementing controller; immutable.'),
    parameters: field(2, net('IngressClassParametersReference'), 'Object with extra controller settings.'),
  }),
  struct(`${NET}.IngressClassParametersReference`, 'Reference to a cluster or namespaced parameters object.', {
    apiGroup: field(1, str, 'API group of the object; the core group when unset.'),
    kind: field(2, str, 'Kind of the object.', { required: true }),
    name: field(3, str, 'Name of the object.', { required: true }),
    scope: field(4, str, 'Cluster (the default) or Namespace.'),
    namespace: field(5, str, 'Namespace of the object when scope is Namespace.'),
  }),
];

const networkPolicy: TypeDef[] = [
  struct(
    `${NET}.NetworkPolicy`,
    'Traffic allowed to and from a set of pods.',
    {
      ...typeMeta(),
      metadata: field(1, meta('ObjectMeta'), 'Standard object metadata.'),
      spec: field(2, net('NetworkPolicySpec'), 'Desired policy.'),
    },
    { gvk: { group: 'networking.k8s.io', version: 'v1', kind: 'NetworkPolicy' } },
  ),
  struct(`${NET}.NetworkPolicySpec`, 'Pods a policy applies to and the traffic it allows.', {
    podSelector: field(1, meta('LabelSelector'), 'Pods the policy applies to; empty selects all in the namespace.'),
    ingress: field(2, listOf(net('NetworkPolicyIngressRule'), { listType: 'atomic' }), 'Allowed incoming traffic.'),
    egress: field(3, listOf(net('NetworkPolicyEgressRule'), { listType: 'atomic' }), 'Allowed outgoing traffic.'),
    policyTypes: field(
      4,
      listOf(strEnum('Egress', 'Ingress'), { listType: 'atomic' }),
      'Directions the policy governs.',
    ),
  }),
  struct(`${NET}.NetworkPolicyIngressRule`, 'Incoming traffic matching both ports and sources.', {
    ports: field(1, listOf(net('NetworkPolicyPort'), { listType: 'atomic' }), 'Allowed ports; all when empty.'),
    from: field(2, listOf(net('NetworkPolicyPeer'), { listType: 'atomic' }), 'Allowed sources; all when empty.'),
  }),
  struct(`${NET}.NetworkPolicyEgressRule`, 'Outgoing traffic matching both ports and destinations.', {
    ports: field(1, listOf(net('NetworkPolicyPort'), { listType: 'atomic' }), 'Allowed ports; all when empty.'),
    to: field(2, listOf(net('NetworkPolicyPeer'), { listType: 'atomic' }), 'Allowed destinations; all when empty.'),
  }),
  struct(`${NET}.NetworkPolicyPeer`, 'A source or destination of traffic.', {
    podSelector: field(1, meta('LabelSelector'), 'Pods selected by label.'),
    namespaceSelector: field(2, meta('LabelSelector'), 'Namespaces selected by label.'),
    ipBlock: field(3, net('IPBlock'), 'Address range; excludes the selectors.'),
  }),
  struct(`${NET}.NetworkPolicyPort`, 'A port, or range of ports, traffic may use.', {
    protocol: field(1, protocol, 'TCP (the default), UDP or SCTP.'),
    port: field(2, intOrString, 'Port number or named pod port; all ports when unset.'),
    endPort: field(3, int32, 'Last port of a numeric range starting at port.'),
  }),
  struct(`${NET}.IPBlock`, 'A CIDR range with optional exclusions.', {
    cidr: field(1, str, 'Range in CIDR notation.', { required: true }),
    except: field(2, listOf(str, { listType: 'atomic' }), 'Sub-ranges left out.'),
  }),
];

const endpointSlice: TypeDef[] = [
  struct(
    `${DISCOVERY}.EndpointSlice`,
    'A subset of the endpoints behind a Service.',
    {
      ...typeMeta(),
      metadata: field(1, meta('ObjectMeta'), 'Standard object metadata.'),
      addressType: field(4, strEnum('FQDN', 'IPv4', 'IPv6'), 'Kind of every address in the slice; immutable.', {
        required: true,
      }),
      endpoints: field(2, listOf(discovery('Endpoint'), { listType: 'atomic' }), 'Endpoints in the slice.', {
        required: true,
      }),
      ports: field(3, listOf(discovery('EndpointPort'), { listType: 'atomic' }), 'Ports every endpoint exposes.'),
    },
    { gvk: { group: 'discovery.k8s.io', version: 'v1', kind: 'EndpointSlice' } },
  ),
  struct(`${DISCOVERY}.Endpoint`, 'One backend of a Service.', {
    addresses: field(1, listOf(str, { listType: 'set' }), 'Interchangeable addresses of the endpoint.', {
      required: true,
    }),
    conditions: field(2, discovery('EndpointConditions'), 'Current state of the endpoint.'),
    hostname: field(3, str, 'DNS label naming the endpoint.'),
    targetRef: field(4, core('ObjectReference'), 'Object backing the endpoint, usually a pod.'),
    deprecatedTopology: field(5, mapOf(str), 'Legacy topology labels; ignored on write.'),
    nodeName: field(6, str, 'Node hosting the endpoint.'),
    zone: field(7, str, 'Zone of the endpoint.'),
    hints: field(8, discovery('EndpointHints'), 'Hints on how the endpoint should be consumed.'),
  }),
  struct(`${DISCOVERY}.EndpointConditions`, 'State of an endpoint.', {
    ready: field(1, bool, 'Ready to receive traffic; unknown when unset.'),
    serving: field(2, bool, 'Ready regardless of terminating state.'),
    terminating: field(3, bool, 'Shutting down.'),
  }),
  struct(`${DISCOVERY}.EndpointHints`, 'How an endpoint should be consumed.', {
    forZones: field(1, listOf(discovery('ForZone'), { listType: 'atomic' }), 'Zones that should use the endpoint.'),
  }),
  struct(`${DISCOVERY}.ForZone`, 'A zone that should consume an endpoint.', {
    name: field(1, str, 'Zone name.', { required: true }),
  }),
  struct(
    `${DISCOVERY}.EndpointPort`,
    'A port exposed by the endpoints of a slice.',
    {
      name: field(1, str, 'Port name, unique in the slice.'),
      protocol: field(2, protocol, 'TCP (the default), UDP or SCTP.'),
      port: field(3, int32, 'Port number; all ports when unset.'),
      appProtocol: field(4, str, 'Application protocol spoken on the port.'),
    },
    { mapType: 'atomic' },
  ),
];

/**
 * IngressRule.http is inline in JSON but nested in protobuf (IngressRuleValue, field 2);
 * this definition exists only so protobuf bodies can be decoded.
 */
const ingressRuleValue = struct(`${NET}.IngressRuleValue`, 'The protobuf wrapper of an IngressRule\'s HTTP rules.', {
  http: field(1, net('HTTPIngressRuleValue'), 'HTTP path rules for the host.'),
});

export const networkingInlineEmbeddings = [{ parent: `${NET}.IngressRule`, proto: 2, type: ingressRuleValue.name }] as const;

/** Type definitions of networking.k8s.io/v1 and discovery.k8s.io/v1. */
export const networkingDefinitions: TypeDef[] = [...ingress, ...ingressClass, ...networkPolicy, ...endpointSlice, ingressRuleValue];

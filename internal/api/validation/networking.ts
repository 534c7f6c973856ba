/** networking.k8s.io and discovery.k8s.io: Ingress, IngressClass, NetworkPolicy, EndpointSlice. */
import type { Json, JsonObject, KubeObject } from '../../apiserver/objects.ts';
import { validatePortNumOrName } from './container.ts';
import {
  asArray, asNumber, asObject, asString, duplicate, invalidEach, invalidValue, objectsOf, oneOf, required, tooLong,
  type Causes,
} from './field.ts';
import { validateLabelSelector } from './selectors.ts';
import { cidr, dns1035Label, dns1123Label, dns1123Subdomain, ipAddress, portNumber, wildcardSubdomain } from './syntax.ts';

function validateBackend(backend: JsonObject, field: string): Causes {
  const service = asObject(backend.service);
  const resource = asObject(backend.resource);
  if (service !== undefined && resource !== undefined) return [invalidValue(field, backend, 'cannot set both service and resource backends')];
  if (service === undefined && resource === undefined) return [invalidValue(field, backend, 'one of service or resource backend must be specified')];
  if (resource !== undefined) {
    const causes: Causes = [];
    if (!asString(resource.kind)) causes.push(required(`${field}.resource.kind`));
    if (!asString(resource.name)) causes.push(required(`${field}.resource.name`));
    return causes;
  }
  const s = service ?? {};
  const name = asString(s.name) ?? '';
  const causes: Causes = name === '' ? [required(`${field}.service.name`)] : invalidEach(`${field}.service.name`, name, dns1035Label(name));
  const port = asObject(s.port) ?? {};
  const hasName = asString(port.name) !== undefined && port.name !== '';
  const hasNumber = asNumber(port.number) !== undefined && port.number !== 0;
  if (hasName && hasNumber) causes.push(invalidValue(`${field}.service.port`, port, 'cannot set both port name & port number'));
  else if (hasName) causes.push(...validatePortNumOrName(port.name, `${field}.service.port.name`));
  else if (hasNumber) causes.push(...invalidEach(`${field}.service.port.number`, port.number, portNumber(asNumber(port.number) ?? 0)));
  else causes.push(invalidValue(`${field}.service.port`, port, 'port name or number is required'));
  return causes;
}

function validateHost(host: string, field: string): Causes {
  if (ipAddress(host).length === 0) return [invalidValue(field, host, 'must be a DNS name, not an IP address')];
  return invalidEach(field, host, host.includes('*') ? wildcardSubdomain(host) : dns1123Subdomain(host));
}

export function validateIngress(ingress: KubeObject): Causes {
  const spec = asObject(ingress.spec) ?? {};
  const causes: Causes = [];
  const rules = objectsOf(spec.rules);
  const defaultBackend = asObject(spec.defaultBackend);
  if (rules.length === 0 && defaultBackend === undefined) {
    causes.push(invalidValue('spec.rules', asArray(spec.rules) ?? [], 'either `defaultBackend` or `rules` must be specified'));
  }
  if (defaultBackend !== undefined) causes.push(...validateBackend(defaultBackend, 'spec.defaultBackend'));
  const className = asString(spec.ingressClassName);
  if (className !== undefined) causes.push(...invalidEach('spec.ingressClassName', className, dns1123Subdomain(className)));
  for (const [i, rule] of rules) {
    const at = `spec.rules[${i}]`;
    const host = asString(rule.host) ?? '';
    if (host !== '') causes.push(...validateHost(host, `${at}.host`));
    const http = asObject(rule.http);
    if (http === undefined) continue;
    const paths = objectsOf(http.paths);
    if (paths.length === 0) causes.push(required(`${at}.http.paths`));
    for (const [j, p] of paths) {
      const pat = `${at}.http.paths[${j}]`;
      if (!p.pathType) causes.push(required(`${pat}.pathType`, 'pathType must be specified'));
      else causes.push(...oneOf(`${pat}.pathType`, p.pathType, ['Exact', 'ImplementationSpecific', 'Prefix']));
      const path = asString(p.path) ?? '';
      if ((p.pathType === 'Exact' || p.pathType === 'Prefix') && !path.startsWith('/')) causes.push(invalidValue(`${pat}.path`, path, 'must be an absolute path'));
      else if (path !== '' && !path.startsWith('/')) causes.push(invalidValue(`${pat}.path`, path, 'must be an absolute path'));
      const backend = asObject(p.backend);
      if (backend === undefined) causes.push(required(`${pat}.backend`));
      else causes.push(...validateBackend(backend, `${pat}.backend`));
    }
  }
  for (const [i, tls] of objectsOf(spec.tls)) {
    (asArray(tls.hosts) ?? []).forEach((h, j) => causes.push(...validateHost(String(h), `spec.tls[${i}].hosts[${j}]`)));
  }
  return causes;
}

export function validateIngressClass(ic: KubeObject): Causes {
  const controller = asString(asObject(ic.spec)?.controller) ?? '';
  if (controller === '') return [required('spec.controller')];
  if (controller.length > 250) return [tooLong('spec.controller', 250)];
  const domain = controller.split('/')[0] ?? '';
  return invalidEach('spec.controller', controller, dns1123Subdomain(domain).length > 0 ? ['must be a domain-prefixed path (such as "acme.io/foo")'] : []);
}

function validatePeers(peers: Json | undefined, field: string): Causes {
  const causes: Causes = [];
  for (const [i, peer] of objectsOf(peers)) {
    const at = `${field}[${i}]`;
    const ipBlock = asObject(peer.ipBlock);
    const selectors = ['podSelector', 'namespaceSelector'].filter((k) => asObject(peer[k]) !== undefined);
    if (ipBlock === undefined && selectors.length === 0) causes.push(required(at, 'must specify a peer'));
    if (ipBlock !== undefined && selectors.length > 0) causes.push(invalidValue(at, peer, 'may not specify both ipBlock and another peer'));
    for (const k of selectors) causes.push(...validateLabelSelector(peer[k], `${at}.${k}`));
    if (ipBlock !== undefined) {
      const block = asString(ipBlock.cidr) ?? '';
      if (block === '') causes.push(required(`${at}.ipBlock.cidr`));
      else causes.push(...invalidEach(`${at}.ipBlock.cidr`, block, cidr(block)));
      (asArray(ipBlock.except) ?? []).forEach((e, j) => causes.push(...invalidEach(`${at}.ipBlock.except[${j}]`, e, cidr(String(e)))));
    }
  }
  return causes;
}

function validatePolicyPorts(ports: Json | undefined, field: string): Causes {
  const causes: Causes = [];
  for (const [i, port] of objectsOf(ports)) {
    const at = `${field}[${i}]`;
    causes.push(...oneOf(`${at}.protocol`, port.protocol, ['SCTP', 'TCP', 'UDP']));
    if (port.port !== undefined && port.port !== null) causes.push(...validatePortNumOrName(port.port, `${at}.port`));
    const endPort = asNumber(port.endPort);
    if (endPort === undefined) continue;
    if (typeof port.port !== 'number') causes.push(required(`${at}.port`, 'must be specified when endPort is specified'));
    else if (endPort < port.port) causes.push(invalidValue(`${at}.endPort`, endPort, 'must be greater than or equal to `port`'));
  }
  return causes;
}

export function validateNetworkPolicy(np: KubeObject): Causes {
  const spec = asObject(np.spec) ?? {};
  const causes = validateLabelSelector(spec.podSelector, 'spec.podSelector');
  for (const [dir, peersKey] of [['ingress', 'from'], ['egress', 'to']] as const) {
    for (const [i, rule] of objectsOf(spec[dir])) {
      causes.push(...validatePolicyPorts(rule.ports, `spec.${dir}[${i}].ports`));
      causes.push(...validatePeers(rule[peersKey], `spec.${dir}[${i}].${peersKey}`));
    }
  }
  const types = asArray(spec.policyTypes) ?? [];
  types.forEach((t, i) => causes.push(...oneOf(`spec.policyTypes[${i}]`, t, ['Egress', 'Ingress'])));
  if (types.length > 2) causes.push(invalidValue('spec.policyTypes', types, 'may not specify more than two policyTypes'));
  return causes;
}

const addressTypes = ['FQDN', 'IPv4', 'IPv6'];

export function validateEndpointSlice(slice: KubeObject): Causes {
  const o = slice as unknown as JsonObject;
  const causes: Causes = [];
  const type = asString(o.addressType) ?? '';
  if (type === '') causes.push(required('addressType'));
  else causes.push(...oneOf('addressType', type, addressTypes));
  for (const [i, endpoint] of objectsOf(o.endpoints)) {
    const addresses = asArray(endpoint.addresses) ?? [];
    if (addresses.length === 0) causes.push(required(`endpoints[${i}].addresses`, 'must contain at least 1 address'));
    else if (addresses.length > 100) causes.push({ reason: 'FieldValueTooMany', message: `Too many: ${addresses.length}: must have at most 100 items`, field: `endpoints[${i}].addresses` });
    addresses.forEach((a, j) => {
      const text = String(a);
      const problems = type === 'FQDN' ? dns1123Subdomain(text) : ipAddress(text);
      const family = text.includes(':') ? 'IPv6' : 'IPv4';
      if (problems.length === 0 && type !== 'FQDN' && type !== family) problems.push(`must be an ${type} address`);
      causes.push(...invalidEach(`endpoints[${i}].addresses[${j}]`, a, problems));
    });
    const hostname = asString(endpoint.hostname);
    if (hostname) causes.push(...invalidEach(`endpoints[${i}].hostname`, hostname, dns1123Label(hostname)));
  }
  const names = new Set<string>();
  for (const [i, port] of objectsOf(o.ports)) {
    const name = asString(port.name) ?? '';
    if (name !== '') causes.push(...invalidEach(`ports[${i}].name`, name, dns1123Label(name)));
    if (names.has(name)) causes.push(duplicate(`ports[${i}].name`, name));
    names.add(name);
    if (port.port !== undefined && port.port !== null) causes.push(...invalidEach(`ports[${i}].port`, port.port, portNumber(asNumber(port.port) ?? 0)));
    causes.push(...oneOf(`ports[${i}].protocol`, port.protocol, ['SCTP', 'TCP', 'UDP']));
  }
  return causes;
}

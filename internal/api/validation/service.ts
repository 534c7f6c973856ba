/** Service rules: ports, type-specific fields, cluster IPs, and what an update may not change. */
import type { KubeObject } from '../../apiserver/objects.ts';
import { validatePortNumOrName } from './container.ts';
import {
  asArray, asNumber, asObject, asString, duplicate, forbidden, invalidEach, invalidValue, objectsOf, oneOf, required,
  type Causes,
} from './field.ts';
import { validateLabels } from './object-meta.ts';
import { dns1123Label, dns1123Subdomain, ipAddress, portNumber } from './syntax.ts';

const types = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];

function validatePorts(spec: Record<string, unknown>, type: string): Causes {
  const causes: Causes = [];
  const ports = objectsOf(spec.ports);
  const headless = spec.clusterIP === 'None';
  if (ports.length === 0 && type !== 'ExternalName' && !headless) causes.push(required('spec.ports'));
  const names = new Set<string>();
  const keys = new Set<string>();
  for (const [i, port] of ports) {
    const at = `spec.ports[${i}]`;
    const name = asString(port.name) ?? '';
    if (name === '') {
      if (ports.length > 1) causes.push(required(`${at}.name`));
    } else {
      causes.push(...invalidEach(`${at}.name`, name, dns1123Label(name)));
      if (names.has(name)) causes.push(duplicate(`${at}.name`, name));
      names.add(name);
    }
    const number = asNumber(port.port);
    if (number === undefined) causes.push(required(`${at}.port`));
    else causes.push(...invalidEach(`${at}.port`, number, portNumber(number)));
    if (!port.protocol) causes.push(required(`${at}.protocol`));
    else causes.push(...oneOf(`${at}.protocol`, port.protocol, ['SCTP', 'TCP', 'UDP']));
    if (port.targetPort !== undefined && port.targetPort !== null) causes.push(...validatePortNumOrName(port.targetPort, `${at}.targetPort`));
    const nodePort = asNumber(port.nodePort) ?? 0;
    if (nodePort !== 0) {
      if (type === 'ClusterIP' || type === 'ExternalName') causes.push(forbidden(`${at}.nodePort`, `may not be used when \`type\` is '${type}'`));
      else causes.push(...invalidEach(`${at}.nodePort`, nodePort, portNumber(nodePort)));
    }
    const key = `${asString(port.protocol) ?? 'TCP'}/${number ?? ''}`;
    if (keys.has(key)) causes.push(duplicate(at, { protocol: port.protocol ?? 'TCP', port: number ?? null }));
    keys.add(key);
  }
  return causes;
}

/** A Service's spec on create and update. */
export function validateService(service: KubeObject): Causes {
  const spec = asObject(service.spec);
  if (spec === undefined) return [required('spec')];
  const causes: Causes = [];
  const type = asString(spec.type) ?? 'ClusterIP';
  causes.push(...oneOf('spec.type', spec.type, types));
  causes.push(...validatePorts(spec, type));
  causes.push(...validateLabels(spec.selector, 'spec.selector'));
  causes.push(...oneOf('spec.sessionAffinity', spec.sessionAffinity, ['ClientIP', 'None']));
  const timeout = asObject(asObject(spec.sessionAffinityConfig)?.clientIP)?.timeoutSeconds;
  if (timeout !== undefined && timeout !== null) {
    const t = asNumber(timeout) ?? 0;
    if (t < 1 || t > 86400) causes.push(invalidValue('spec.sessionAffinityConfig.clientIP.timeoutSeconds', timeout, 'must be greater than 0 and less than 86400'));
    if (spec.sessionAffinity !== 'ClientIP') causes.push(forbidden('spec.sessionAffinityConfig', "must not be set when session affinity is None"));
  }
  if (type === 'ExternalName') {
    const name = asString(spec.externalName) ?? '';
    if (name === '') causes.push(required('spec.externalName'));
    else causes.push(...invalidEach('spec.externalName', name, dns1123Subdomain(name.replace(/\.$/, ''))));
  }
  const clusterIPs = asArray(spec.clusterIPs);
  const ips = clusterIPs ?? (spec.clusterIP === undefined ? [] : [spec.clusterIP]);
  ips.forEach((ip, i) => {
    const at = clusterIPs === undefined ? 'spec.clusterIP' : `spec.clusterIPs[${i}]`;
    if (typeof ip !== 'string' || ip === '') return;
    if (ip === 'None') {
      if (type === 'LoadBalancer' || type === 'NodePort') causes.push(invalidValue(at, ip, `may not be set to 'None' for ${type} services`));
    } else causes.push(...invalidEach(at, ip, ipAddress(ip)));
  });
  if (clusterIPs !== undefined && spec.clusterIP !== undefined && spec.clusterIP !== '' && clusterIPs[0] !== spec.clusterIP) {
    causes.push(invalidValue('spec.clusterIPs', clusterIPs, 'first value must match `clusterIP`'));
  }
  (asArray(spec.externalIPs) ?? []).forEach((ip, i) => causes.push(...invalidEach(`spec.externalIPs[${i}]`, ip, ipAddress(String(ip)))));
  if (spec.externalTrafficPolicy !== undefined && spec.externalTrafficPolicy !== null && type !== 'NodePort' && type !== 'LoadBalancer') {
    causes.push(invalidValue('spec.externalTrafficPolicy', spec.externalTrafficPolicy, "may only be set when `type` is 'NodePort' or 'LoadBalancer'"));
  } else causes.push(...oneOf('spec.externalTrafficPolicy', spec.externalTrafficPolicy, ['Cluster', 'Local']));
  causes.push(...oneOf('spec.internalTrafficPolicy', spec.internalTrafficPolicy, ['Cluster', 'Local']));
  causes.push(...oneOf('spec.ipFamilyPolicy', spec.ipFamilyPolicy, ['PreferDualStack', 'RequireDualStack', 'SingleStack']));
  (asArray(spec.ipFamilies) ?? []).forEach((f, i) => causes.push(...oneOf(`spec.ipFamilies[${i}]`, f, ['IPv4', 'IPv6'])));
  return causes;
}

/**
 * A Service update: the create rules plus a fixed cluster IP. An empty clusterIP in the
 * new object means "keep the allocated one" (the registry copies it over), so only a
 * different non-empty address is refused; changes to or from ExternalName may drop it.
 */
export function validateServiceUpdate(service: KubeObject, old: KubeObject): Causes {
  const causes = validateService(service);
  const spec = asObject(service.spec) ?? {};
  const oldSpec = asObject(old.spec) ?? {};
  const before = asString(oldSpec.clusterIP) ?? '';
  const after = asString(spec.clusterIP) ?? '';
  const typeChange = spec.type === 'ExternalName' || oldSpec.type === 'ExternalName';
  if (!typeChange && before !== '' && after !== '' && before !== after) {
    causes.push(invalidValue('spec.clusterIPs[0]', [after], 'may not change once set'));
  }
  return causes;
}

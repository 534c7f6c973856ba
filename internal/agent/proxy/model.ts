/**
 * Services and EndpointSlices as the API serves them → the proxy's ServicePort model.
 * Pure: kube-proxy's reading of the objects (which Services get rules, how slice
 * conditions default, how endpoints of several slices merge).
 */
import { isPlainObject, type Json, type JsonObject, type KubeObject } from '../../apiserver/objects.ts';
import { parseIpv4 } from '../../util/ip.ts';
import type { Protocol, ProxyEndpoint, ServicePort } from './types.ts';

/** The label naming the Service an EndpointSlice belongs to. */
export const serviceNameLabel = 'kubernetes.io/service-name';
/** Services and slices carrying this label belong to another proxy. */
export const serviceProxyNameLabel = 'service.kubernetes.io/service-proxy-name';

const defaultAffinitySeconds = 10800;

/** `namespace/name` of the Service an EndpointSlice belongs to, or null when it names none. */
export function sliceServiceKey(slice: KubeObject): string | null {
  const name = slice.metadata.labels?.[serviceNameLabel];
  if (name === undefined || name === '') return null;
  return `${slice.metadata.namespace ?? ''}/${name}`;
}

/**
 * The ports of one Service with their endpoints from `slices` (the Service's own
 * slices; others are ignored). Empty for Services the proxy leaves alone: ExternalName,
 * headless, without a cluster IP, or handled by another proxy.
 */
export function servicePortsOf(service: KubeObject, slices: readonly KubeObject[]): ServicePort[] {
  const spec = objectAt(service, 'spec');
  if (spec === null) return [];
  if (service.metadata.labels?.[serviceProxyNameLabel] !== undefined) return [];
  const type = stringAt(spec, 'type') ?? 'ClusterIP';
  const clusterIp = stringAt(spec, 'clusterIP') ?? '';
  if (type === 'ExternalName' || clusterIp === '' || clusterIp === 'None' || parseIpv4(clusterIp) === null) return [];
  const namespace = service.metadata.namespace ?? '';
  const name = service.metadata.name ?? '';
  const key = `${namespace}/${name}`;
  const own = slices.filter((slice) => sliceServiceKey(slice) === key && (slice as JsonObject).addressType === 'IPv4');
  const externalIps = stringsAt(spec, 'externalIPs').filter((ip) => parseIpv4(ip) !== null);
  const loadBalancer = type === 'LoadBalancer';
  const ingress = loadBalancer ? arrayAt(objectAt(objectAt(service, 'status'), 'loadBalancer'), 'ingress') : [];
  const loadBalancerIps = unique(ingress.map((entry) => (isPlainObject(entry) ? stringAt(entry, 'ip') : undefined)).filter((ip): ip is string => ip !== undefined && parseIpv4(ip) !== null));
  const affinity = stringAt(spec, 'sessionAffinity') === 'ClientIP';
  const timeout = numberAt(objectAt(objectAt(spec, 'sessionAffinityConfig'), 'clientIP'), 'timeoutSeconds');
  const result: ServicePort[] = [];
  for (const entry of arrayAt(spec, 'ports')) {
    if (!isPlainObject(entry)) continue;
    const port = numberAt(entry, 'port');
    const protocol = protocolOf(entry);
    if (port === undefined || protocol === null) continue;
    const portName = stringAt(entry, 'name') ?? '';
    result.push({
      namespace,
      name,
      portName,
      protocol,
      clusterIp,
      port,
      nodePort: type === 'NodePort' || loadBalancer ? (numberAt(entry, 'nodePort') ?? 0) : 0,
      externalIps,
      loadBalancerIps,
      loadBalancer,
      externalPolicyLocal: stringAt(spec, 'externalTrafficPolicy') === 'Local',
      internalPolicyLocal: stringAt(spec, 'internalTrafficPolicy') === 'Local',
      affinitySeconds: affinity ? (timeout ?? defaultAffinitySeconds) : 0,
      endpoints: endpointsFor(own, portName, protocol),
    });
  }
  return result;
}

/** Endpoints of one Service port across slices; an address listed twice keeps its ready entry. */
function endpointsFor(slices: readonly KubeObject[], portName: string, protocol: Protocol): ProxyEndpoint[] {
  const byAddress = new Map<string, ProxyEndpoint>();
  for (const slice of slices) {
    const sliceObject = slice as JsonObject;
    const port = arrayAt(sliceObject, 'ports').find((p) => isPlainObject(p) && (stringAt(p, 'name') ?? '') === portName && protocolOf(p) === protocol);
    const number = isPlainObject(port) ? numberAt(port, 'port') : undefined;
    if (number === undefined) continue;
    for (const entry of arrayAt(sliceObject, 'endpoints')) {
      if (!isPlainObject(entry)) continue;
      const ip = stringsAt(entry, 'addresses')[0];
      if (ip === undefined || parseIpv4(ip) === null) continue;
      const conditions = objectAt(entry, 'conditions');
      // Unset conditions mean "unknown", which consumers read as ready (and serving as ready).
      const ready = booleanAt(conditions, 'ready') ?? true;
      const endpoint: ProxyEndpoint = {
        ip,
        port: number,
        nodeName: stringAt(entry, 'nodeName') ?? null,
        ready,
        serving: booleanAt(conditions, 'serving') ?? ready,
        terminating: booleanAt(conditions, 'terminating') ?? false,
      };
      const key = `${ip}:${number}`;
      const seen = byAddress.get(key);
      if (seen === undefined || (!seen.ready && endpoint.ready)) byAddress.set(key, endpoint);
    }
  }
  return [...byAddress.values()].sort(compareEndpoints);
}

function compareEndpoints(a: ProxyEndpoint, b: ProxyEndpoint): number {
  return (parseIpv4(a.ip) ?? 0) - (parseIpv4(b.ip) ?? 0) || a.port - b.port;
}

function protocolOf(entry: JsonObject): Protocol | null {
  const protocol = stringAt(entry, 'protocol') ?? 'TCP';
  return protocol === 'TCP' || protocol === 'UDP' || protocol === 'SCTP' ? protocol : null;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function objectAt(parent: JsonObject | KubeObject | null, key: string): JsonObject | null {
  if (parent === null) return null;
  const value = (parent as JsonObject)[key];
  return isPlainObject(value) ? value : null;
}

function arrayAt(parent: JsonObject | null, key: string): Json[] {
  const value = parent?.[key];
  return Array.isArray(value) ? value : [];
}

function stringAt(parent: JsonObject | null, key: string): string | undefined {
  const value = parent?.[key];
  return typeof value === 'string' ? value : undefined;
}

function stringsAt(parent: JsonObject | null, key: string): string[] {
  return arrayAt(parent, key).filter((value): value is string => typeof value === 'string');
}

function numberAt(parent: JsonObject | null, key: string): number | undefined {
  const value = parent?.[key];
  return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
}

function booleanAt(parent: JsonObject | null, key: string): boolean | undefined {
  const value = parent?.[key];
  return typeof value === 'boolean' ? value : undefined;
}

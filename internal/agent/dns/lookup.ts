/**
 * Names under the cluster zone → what they stand for, following the Kubernetes DNS
 * specification as CoreDNS's kubernetes plugin implements it:
 *
 *   <service>.<ns>.svc.<zone>                 cluster IPs; ready endpoint addresses when headless
 *   <endpoint>.<service>.<ns>.svc.<zone>      one endpoint (its hostname, else its dashed address)
 *   _<port>._<proto>.<service>.<ns>.svc.<zone> the same, limited to one named port (for SRV)
 *   <a-b-c-d>.<ns>.pod.<zone>                 a pod address
 *
 * Pure: reads a ClusterRecordSource, no IO.
 */
import type { ClusterRecordSource, EndpointRecord, PortRecord } from './cluster-records.ts';
import { isIP } from 'node:net';
import { dashed, undashed } from './names.ts';

/** The parts of a query name below the zone; absent parts match anything. */
export interface RecordRequest {
  /** null for the zone itself and the bare `svc` / `pod` names. */
  kind: 'svc' | 'pod' | null;
  namespace?: string;
  service?: string;
  endpoint?: string;
  port?: string;
  protocol?: string;
}

/** What a name stands for: an address (with the port, for SRV) or, for ExternalName, another name. */
export interface Entry {
  host: string;
  /** -1 when the service or endpoint declares no ports. */
  port: number;
  /** The name this address is published under; SRV answers point at it. */
  owner: string;
}

/** How `<a-b-c-d>.<ns>.pod.<zone>` is answered, as CoreDNS's `pods` option. */
export type PodRecordMode = 'disabled' | 'insecure' | 'verified';

export interface LookupContext {
  source: ClusterRecordSource;
  zone: string;
  podRecords: PodRecordMode;
}

const strip = (label: string): string => (label.startsWith('_') ? label.slice(1) : label);

/** Splits the labels below the zone; null for names no record can have (NXDOMAIN). */
export function parseRequest(labels: readonly string[]): RecordRequest | null {
  if (labels.length === 0 || (labels.length === 1 && (labels[0] === 'svc' || labels[0] === 'pod'))) return { kind: null };
  const rest = [...labels];
  const kind = rest.pop();
  if (kind !== 'svc' && kind !== 'pod') return null;
  const request: RecordRequest = { kind, namespace: rest.pop() };
  const service = rest.pop();
  if (service === undefined) return request;
  request.service = service;
  if (rest.length === 1) request.endpoint = rest[0];
  else if (rest.length === 2) {
    request.port = strip(rest[0] ?? '');
    request.protocol = strip(rest[1] ?? '');
  } else if (rest.length > 2) return null;
  return request;
}

const matches = (wanted: string | undefined, actual: string): boolean => wanted === undefined || wanted === actual.toLowerCase();

function portMatches(request: RecordRequest, port: PortRecord): boolean {
  return matches(request.port, port.name) && matches(request.protocol, port.protocol);
}

/** The label an endpoint is published under: its hostname, else its address with dashes. */
export function endpointLabel(endpoint: EndpointRecord): string {
  return endpoint.hostname ?? dashed(endpoint.ip);
}

/** Entries for a parsed name: null when the name does not exist, [] when it exists with nothing to answer. */
export function lookup(request: RecordRequest, context: LookupContext): Entry[] | null {
  if (request.kind === null) return [];
  if (request.kind === 'pod') return lookupPod(request, context);
  return lookupService(request, context);
}

function lookupService(request: RecordRequest, { source, zone }: LookupContext): Entry[] | null {
  const namespace = request.namespace ?? '';
  if (!source.namespaceExists(namespace)) return null;
  if (request.service === undefined) return [];
  const service = source.service(namespace, request.service);
  if (service === undefined) return null;
  const owner = `${service.name}.${service.namespace}.svc.${zone}`;
  if (service.externalName !== undefined) {
    // An ExternalName service has no endpoints, and only a name can be aliased.
    if (request.endpoint !== undefined || isIP(service.externalName) !== 0) return null;
    return [{ host: service.externalName.replace(/\.$/, ''), port: -1, owner }];
  }
  const entries: Entry[] = [];
  let found = false;
  if (service.headless || request.endpoint !== undefined) {
    for (const endpoint of source.endpoints(namespace, service.name)) {
      const label = endpointLabel(endpoint);
      if (request.endpoint !== undefined && request.endpoint !== label.toLowerCase()) continue;
      for (const port of endpoint.ports) {
        if (!portMatches(request, port)) continue;
        found = true;
        entries.push({ host: endpoint.ip, port: port.port, owner: `${label}.${owner}` });
      }
    }
    return found ? entries : null;
  }
  for (const port of service.ports) {
    if (!portMatches(request, port)) continue;
    found = true;
    for (const ip of service.clusterIPs) entries.push({ host: ip, port: port.port, owner });
  }
  return found ? entries : null;
}

function lookupPod(request: RecordRequest, { source, zone, podRecords }: LookupContext): Entry[] | null {
  const namespace = request.namespace ?? '';
  if (podRecords === 'disabled' || !source.namespaceExists(namespace)) return null;
  if (request.service === undefined) return [];
  // Pod names have exactly one label before the namespace.
  if (request.endpoint !== undefined || request.port !== undefined) return null;
  const ip = undashed(request.service);
  if (ip === null) return null;
  if (podRecords === 'verified' && !source.podNamespacesByIP(ip).includes(namespace)) return null;
  return [{ host: ip, port: -1, owner: `${request.service}.${namespace}.pod.${zone}` }];
}

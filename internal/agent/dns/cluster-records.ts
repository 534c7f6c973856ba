/**
 * What cluster DNS answers from: Services, their EndpointSlices, Pods and Namespaces, read
 * from informer caches. Objects reach the agent validated and defaulted by the API server,
 * so reading them is a cast, not a parse.
 */
import type { KubeObject } from '../../apiserver/objects.ts';
import type { Store } from '../../client/index.ts';
import { normalizeIp } from './names.ts';
import { isIP } from 'node:net';

/** A Service port as DNS uses it; port -1 stands for "no ports declared" (A records only, no SRV). */
export interface PortRecord {
  name: string;
  port: number;
  /** TCP, UDP or SCTP. */
  protocol: string;
}

export interface ServiceRecord {
  namespace: string;
  name: string;
  /** Allocated cluster IPs; empty for headless and ExternalName services. */
  clusterIPs: string[];
  headless: boolean;
  /** The target of an ExternalName service. */
  externalName?: string;
  ports: PortRecord[];
}

/** One ready address of a Service's endpoints. */
export interface EndpointRecord {
  ip: string;
  /** spec hostname of the endpoint (pods with hostname and subdomain), if any. */
  hostname?: string;
  ports: PortRecord[];
}

/** The Service an endpoint address belongs to, for reverse lookups. */
export interface EndpointOwner {
  namespace: string;
  service: string;
  endpoint: EndpointRecord;
}

/** Read-only lookups the resolver needs; every method answers from memory. */
export interface ClusterRecordSource {
  namespaceExists(name: string): boolean;
  service(namespace: string, name: string): ServiceRecord | undefined;
  /** Ready endpoints of a Service from all of its EndpointSlices. */
  endpoints(namespace: string, service: string): EndpointRecord[];
  serviceByClusterIP(ip: string): ServiceRecord | undefined;
  endpointsByIP(ip: string): EndpointOwner[];
  /** Namespaces of the running pods (not host-network) that have this IP. */
  podNamespacesByIP(ip: string): string[];
}

/** The informer caches the records are read from. */
export interface RecordStores {
  services: Store;
  endpointSlices: Store;
  pods: Store;
  namespaces: Store;
}

const serviceNameLabel = 'kubernetes.io/service-name';
const byClusterIP = 'dns/cluster-ip';
const byService = 'dns/service';
const byAddress = 'dns/address';

interface ServiceSpecView {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  externalName?: string;
  ports?: { name?: string; port: number; protocol?: string }[];
}

interface SliceView {
  addressType?: string;
  endpoints?: { addresses?: string[]; hostname?: string; conditions?: { ready?: boolean | null } }[];
  ports?: { name?: string | null; port?: number | null; protocol?: string | null }[] | null;
}

interface PodView {
  spec?: { hostNetwork?: boolean };
  status?: { phase?: string; podIP?: string; podIPs?: { ip: string }[] };
}

const view = <T>(object: KubeObject): T => object as unknown as T;

function clusterIPsOf(spec: ServiceSpecView): string[] {
  const ips = spec.clusterIPs?.length ? spec.clusterIPs : spec.clusterIP ? [spec.clusterIP] : [];
  return ips.filter((ip) => isIP(ip) !== 0).map(normalizeIp);
}

/** The DNS view of a Service object. */
export function serviceRecord(object: KubeObject): ServiceRecord {
  const spec = view<{ spec?: ServiceSpecView }>(object).spec ?? {};
  const externalName = spec.type === 'ExternalName' ? spec.externalName : undefined;
  return {
    namespace: object.metadata.namespace ?? '',
    name: object.metadata.name ?? '',
    clusterIPs: externalName === undefined ? clusterIPsOf(spec) : [],
    headless: externalName === undefined && spec.clusterIP === 'None',
    ...(externalName === undefined ? {} : { externalName }),
    ports: (spec.ports ?? []).map((p) => ({ name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP' })),
  };
}

/** The ready endpoints of one EndpointSlice (FQDN slices carry no addresses DNS can serve). */
export function sliceEndpoints(object: KubeObject): EndpointRecord[] {
  const slice = view<SliceView>(object);
  if (slice.addressType === 'FQDN') return [];
  const declared = slice.ports ?? [];
  const ports: PortRecord[] = declared.length === 0
    ? [{ name: '', port: -1, protocol: '' }]
    : declared.map((p) => ({ name: p.name ?? '', port: p.port ?? -1, protocol: p.protocol ?? 'TCP' }));
  const out: EndpointRecord[] = [];
  for (const endpoint of slice.endpoints ?? []) {
    // An unset ready condition means ready, as the EndpointSlice API documents.
    if (endpoint.conditions?.ready === false) continue;
    for (const address of endpoint.addresses ?? []) {
      if (isIP(address) === 0) continue;
      out.push({ ip: normalizeIp(address), ...(endpoint.hostname ? { hostname: endpoint.hostname } : {}), ports });
    }
  }
  return out;
}

function podIPs(object: KubeObject): string[] {
  const pod = view<PodView>(object);
  // A host-network pod's address is its node's; a finished pod's address may be reused.
  if (pod.spec?.hostNetwork || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return [];
  const ips = pod.status?.podIPs?.map((p) => p.ip) ?? (pod.status?.podIP ? [pod.status.podIP] : []);
  return ips.filter((ip) => isIP(ip) !== 0).map(normalizeIp);
}

/** ClusterRecordSource over informer stores; adds its indexes to the stores once. */
export class StoreRecords implements ClusterRecordSource {
  readonly #stores: RecordStores;

  constructor(stores: RecordStores) {
    this.#stores = stores;
    stores.services.addIndexer(byClusterIP, (s) => clusterIPsOf(view<{ spec?: ServiceSpecView }>(s).spec ?? {}));
    stores.endpointSlices.addIndexer(byService, (s) => {
      const service = s.metadata.labels?.[serviceNameLabel];
      return service === undefined ? [] : [`${s.metadata.namespace ?? ''}/${service}`];
    });
    stores.endpointSlices.addIndexer(byAddress, (s) => sliceEndpoints(s).map((e) => e.ip));
    stores.pods.addIndexer(byAddress, podIPs);
  }

  namespaceExists(name: string): boolean {
    return this.#stores.namespaces.get(name) !== undefined;
  }

  service(namespace: string, name: string): ServiceRecord | undefined {
    const object = this.#stores.services.get(`${namespace}/${name}`);
    return object === undefined ? undefined : serviceRecord(object);
  }

  endpoints(namespace: string, service: string): EndpointRecord[] {
    return this.#stores.endpointSlices.byIndex(byService, `${namespace}/${service}`).flatMap(sliceEndpoints);
  }

  serviceByClusterIP(ip: string): ServiceRecord | undefined {
    const found = this.#stores.services.byIndex(byClusterIP, normalizeIp(ip))[0];
    return found === undefined ? undefined : serviceRecord(found);
  }

  endpointsByIP(ip: string): EndpointOwner[] {
    const address = normalizeIp(ip);
    const owners: EndpointOwner[] = [];
    for (const slice of this.#stores.endpointSlices.byIndex(byAddress, address)) {
      const service = slice.metadata.labels?.[serviceNameLabel];
      if (service === undefined) continue;
      for (const endpoint of sliceEndpoints(slice)) {
        if (endpoint.ip === address) owners.push({ namespace: slice.metadata.namespace ?? '', service, endpoint });
      }
    }
    return owners;
  }

  podNamespacesByIP(ip: string): string[] {
    return this.#stores.pods.byIndex(byAddress, normalizeIp(ip)).map((p) => p.metadata.namespace ?? '');
  }
}

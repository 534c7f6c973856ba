/**
 * The core/v1 Endpoints object a Service with a selector should have: one address per
 * matching pod (not-ready pods under notReadyAddresses unless the Service publishes
 * them), ports resolved per pod, packed into subsets of addresses sharing the same
 * ports (the canonical layout of Kubernetes' RepackSubsets). Pure.
 */
import type { JsonObject, KubeObject, ObjectMeta } from '../../apiserver/objects.ts';
import { jsonEqual } from '../../api/validation/field.ts';
import { parseIpv4 } from '../../util/ip.ts';
import {
  isHeadless, isPodReady, podHostnameFor, podIpv4, podNodeName, publishesNotReady, resolveTargetPort, servicePorts, shouldPodBeInEndpoints,
} from './pods.ts';

/** Endpoints keep at most this many addresses; beyond it they are truncated and annotated. */
export const maxEndpointsAddresses = 1000;
export const overCapacityAnnotation = 'endpoints.kubernetes.io/over-capacity';
/** Set (empty) on the Endpoints and EndpointSlices of a headless Service. */
export const headlessLabel = 'service.kubernetes.io/headless';

export interface DesiredEndpoints {
  labels: Record<string, string>;
  subsets: JsonObject[];
  truncated: boolean;
}

interface Address {
  key: string;
  ip: string;
  body: JsonObject;
}

/** What the Service's Endpoints should hold, given the pods of its namespace that match its selector. */
export function desiredEndpoints(service: KubeObject, pods: readonly KubeObject[]): DesiredEndpoints {
  const tolerateUnready = publishesNotReady(service);
  const ports = servicePorts(service);
  // port key → (address key → ready)
  const byPort = new Map<string, { port: JsonObject | null; ready: Map<string, boolean> }>();
  const addresses = new Map<string, Address>();
  const offer = (port: JsonObject | null, address: Address, ready: boolean): void => {
    const key = port === null ? '' : JSON.stringify([port.name, port.port, port.protocol, port.appProtocol ?? null]);
    let entry = byPort.get(key);
    if (entry === undefined) byPort.set(key, (entry = { port, ready: new Map() }));
    entry.ready.set(address.key, ready);
    addresses.set(address.key, address);
  };
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, tolerateUnready)) continue;
    const ip = podIpv4(pod);
    if (ip === null) continue;
    const body: JsonObject = { ip };
    const hostname = podHostnameFor(pod, service);
    if (hostname !== null) body.hostname = hostname;
    body.nodeName = podNodeName(pod);
    body.targetRef = { kind: 'Pod', namespace: pod.metadata.namespace ?? '', name: pod.metadata.name ?? '', uid: pod.metadata.uid ?? '' };
    const address: Address = { key: `${ip}/${pod.metadata.uid ?? ''}`, ip, body };
    const ready = tolerateUnready || isPodReady(pod);
    if (ports.length === 0) {
      // Only headless Services may go without ports.
      if (isHeadless(service)) offer(null, address, ready);
      continue;
    }
    for (const port of ports) {
      const number = resolveTargetPort(port, pod);
      if (number === null) continue;
      const body: JsonObject = { name: port.name, port: number, protocol: port.protocol };
      if (port.appProtocol !== null) body.appProtocol = port.appProtocol;
      offer(body, address, ready);
    }
  }

  // Ports offered by exactly the same addresses (with the same readiness) share a subset.
  const groups = new Map<string, { ready: Map<string, boolean>; ports: JsonObject[] }>();
  for (const { port, ready } of byPort.values()) {
    const signature = [...ready.entries()].map(([key, isReady]) => `${key}=${isReady}`).sort().join(',');
    let group = groups.get(signature);
    if (group === undefined) groups.set(signature, (group = { ready, ports: [] }));
    if (port !== null) group.ports.push(port);
  }
  let subsets: JsonObject[] = [...groups.values()].map(({ ready, ports: groupPorts }) => {
    const sorted = [...ready.entries()].map(([key, isReady]) => ({ address: addresses.get(key), isReady })).sort((a, b) => compareAddress(a.address, b.address));
    const subset: JsonObject = {};
    const readyList = sorted.filter((a) => a.isReady).map((a) => a.address?.body ?? {});
    const notReadyList = sorted.filter((a) => !a.isReady).map((a) => a.address?.body ?? {});
    if (readyList.length > 0) subset.addresses = readyList;
    if (notReadyList.length > 0) subset.notReadyAddresses = notReadyList;
    if (groupPorts.length > 0) subset.ports = groupPorts.sort(comparePorts);
    return subset;
  });
  subsets.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  const truncated = countAddresses(subsets) > maxEndpointsAddresses;
  if (truncated) subsets = truncate(subsets);
  const labels: Record<string, string> = { ...(service.metadata.labels ?? {}) };
  if (isHeadless(service)) labels[headlessLabel] = '';
  else delete labels[headlessLabel];
  return { labels, subsets, truncated };
}

/** Whether `existing` differs from what it should be (subsets, labels or the over-capacity mark). */
export function endpointsNeedUpdate(existing: KubeObject, desired: DesiredEndpoints): boolean {
  const subsets = Array.isArray(existing.subsets) ? existing.subsets : [];
  const over = existing.metadata.annotations?.[overCapacityAnnotation] === 'truncated';
  return !jsonEqual(subsets, desired.subsets) || !jsonEqual(existing.metadata.labels ?? {}, desired.labels) || over !== desired.truncated;
}

/** The Endpoints object to write: `existing` (kept metadata) or a new one, with the desired content. */
export function endpointsObject(service: KubeObject, desired: DesiredEndpoints, existing?: KubeObject): KubeObject {
  const annotations = { ...(existing?.metadata.annotations ?? {}) };
  if (desired.truncated) annotations[overCapacityAnnotation] = 'truncated';
  else delete annotations[overCapacityAnnotation];
  const metadata: ObjectMeta = existing === undefined ? { name: service.metadata.name, namespace: service.metadata.namespace } : { ...existing.metadata };
  metadata.labels = desired.labels;
  if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
  else delete metadata.annotations;
  return { apiVersion: 'v1', kind: 'Endpoints', metadata, subsets: desired.subsets };
}

function countAddresses(subsets: readonly JsonObject[]): number {
  let count = 0;
  for (const subset of subsets) {
    count += Array.isArray(subset.addresses) ? subset.addresses.length : 0;
    count += Array.isArray(subset.notReadyAddresses) ? subset.notReadyAddresses.length : 0;
  }
  return count;
}

/** Keeps the first addresses up to the limit, ready ones before not-ready ones. */
function truncate(subsets: readonly JsonObject[]): JsonObject[] {
  let room = maxEndpointsAddresses;
  const take = (list: unknown): JsonObject[] | undefined => {
    if (!Array.isArray(list) || room <= 0) return undefined;
    const kept = list.slice(0, room) as JsonObject[];
    room -= kept.length;
    return kept;
  };
  const ready = subsets.map((s) => take(s.addresses));
  const notReady = subsets.map((s) => take(s.notReadyAddresses));
  return subsets
    .map((subset, i) => {
      const out: JsonObject = {};
      const r = ready[i];
      const n = notReady[i];
      if (r !== undefined && r.length > 0) out.addresses = r;
      if (n !== undefined && n.length > 0) out.notReadyAddresses = n;
      if (subset.ports !== undefined) out.ports = subset.ports;
      return out;
    })
    .filter((s) => s.addresses !== undefined || s.notReadyAddresses !== undefined);
}

function compareAddress(a: Address | undefined, b: Address | undefined): number {
  return (parseIpv4(a?.ip ?? '') ?? 0) - (parseIpv4(b?.ip ?? '') ?? 0) || (a?.key ?? '').localeCompare(b?.key ?? '');
}

function comparePorts(a: JsonObject, b: JsonObject): number {
  return String(a.name).localeCompare(String(b.name)) || Number(a.port) - Number(b.port) || String(a.protocol).localeCompare(String(b.protocol));
}

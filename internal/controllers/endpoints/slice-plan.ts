/**
 * The EndpointSlice reconciler's decisions, as kube-controller-manager makes them: the
 * endpoints a Service should have (one per matching pod, with ready / serving /
 * terminating conditions), grouped by the ports they resolve to, at most 100 per slice;
 * existing slices are kept where they still fit, changed in place where they do not,
 * new endpoints fill slices being written anyway before new slices are made, and a
 * Service without endpoints keeps one empty placeholder slice. Pure.
 */
import type { JsonObject, KubeObject } from '../../apiserver/objects.ts';
import { jsonEqual } from '../../api/validation/field.ts';
import { headlessLabel } from './endpoints-object.ts';
import {
  isHeadless, isPodReady, isTerminating, podHostnameFor, podIpv4, podNodeName, publishesNotReady, resolveTargetPort, servicePorts, shouldPodBeInEndpoints,
} from './pods.ts';

export const serviceNameLabel = 'kubernetes.io/service-name';
export const managedByLabel = 'endpointslice.kubernetes.io/managed-by';
export const controllerName = 'endpointslice-controller.k8s.io';
export const maxEndpointsPerSlice = 100;

export interface SlicePlan {
  create: KubeObject[];
  update: KubeObject[];
  remove: KubeObject[];
}

interface Group {
  ports: JsonObject[];
  endpoints: Map<string, JsonObject>;
}

/** The desired endpoints of `service` grouped by port list (key: the list as JSON). */
function desiredSliceGroups(service: KubeObject, pods: readonly KubeObject[]): Map<string, Group> {
  const groups = new Map<string, Group>();
  const ports = servicePorts(service);
  const publish = publishesNotReady(service);
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, true)) continue;
    const ip = podIpv4(pod);
    if (ip === null) continue;
    const podPorts: JsonObject[] = [];
    for (const port of ports) {
      const number = resolveTargetPort(port, pod);
      if (number === null) continue;
      const body: JsonObject = { name: port.name, port: number, protocol: port.protocol };
      if (port.appProtocol !== null) body.appProtocol = port.appProtocol;
      podPorts.push(body);
    }
    if (ports.length > 0 && podPorts.length === 0) continue;
    const serving = isPodReady(pod);
    const terminating = isTerminating(pod);
    // Ready never says yes for a terminating pod, unless the Service publishes not-ready addresses.
    const endpoint: JsonObject = { addresses: [ip], conditions: { ready: publish || (serving && !terminating), serving, terminating } };
    const hostname = podHostnameFor(pod, service);
    if (hostname !== null) endpoint.hostname = hostname;
    endpoint.targetRef = { kind: 'Pod', namespace: pod.metadata.namespace ?? '', name: pod.metadata.name ?? '', uid: pod.metadata.uid ?? '' };
    const nodeName = podNodeName(pod);
    if (nodeName !== '') endpoint.nodeName = nodeName;
    const key = JSON.stringify(podPorts);
    let group = groups.get(key);
    if (group === undefined) groups.set(key, (group = { ports: podPorts, endpoints: new Map() }));
    group.endpoints.set(endpointKey(endpoint), endpoint);
  }
  return groups;
}

/** The labels every slice of `service` carries: the Service's own plus the controller's. */
function sliceLabels(service: KubeObject): Record<string, string> {
  const labels: Record<string, string> = { ...(service.metadata.labels ?? {}) };
  delete labels[headlessLabel];
  if (isHeadless(service)) labels[headlessLabel] = '';
  labels[serviceNameLabel] = service.metadata.name ?? '';
  labels[managedByLabel] = controllerName;
  return labels;
}

/** The writes that bring `existing` (this controller's slices of `service`) to the desired state. */
export function planSlices(service: KubeObject, pods: readonly KubeObject[], existing: readonly KubeObject[], maxPerSlice = maxEndpointsPerSlice): SlicePlan {
  const groups = desiredSliceGroups(service, pods);
  const labels = sliceLabels(service);
  const owners = [ownerReference(service)];
  const create: Array<{ ports: JsonObject[]; endpoints: JsonObject[] }> = [];
  const update: Array<{ slice: KubeObject; ports: JsonObject[]; endpoints: JsonObject[] }> = [];
  const remove: KubeObject[] = [];
  const sorted = [...existing].sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  const metadataCurrent = (slice: KubeObject): boolean =>
    jsonEqual(slice.metadata.labels ?? {}, labels) && jsonEqual(slice.metadata.ownerReferences ?? [], owners) && (slice as JsonObject).addressType === 'IPv4';

  for (const [key, group] of groups) {
    const unchanged: Array<{ slice: KubeObject; endpoints: JsonObject[] }> = [];
    const writing: Array<{ slice: KubeObject; ports: JsonObject[]; endpoints: JsonObject[] }> = [];
    for (const slice of sorted.filter((s) => portsKey(s) === key)) {
      const kept: JsonObject[] = [];
      let changed = !metadataCurrent(slice);
      for (const endpoint of endpointsOf(slice)) {
        const wanted = group.endpoints.get(endpointKey(endpoint));
        if (wanted === undefined) {
          changed = true;
          continue;
        }
        if (!jsonEqual(wanted, endpoint)) changed = true;
        kept.push(wanted);
        group.endpoints.delete(endpointKey(endpoint));
      }
      if (kept.length === 0) remove.push(slice);
      else if (changed) writing.push({ slice, ports: group.ports, endpoints: kept });
      else unchanged.push({ slice, endpoints: kept });
    }
    const pending = [...group.endpoints.values()].sort(compareEndpoints);
    // New endpoints go first into slices written anyway, then into one unchanged slice they all fit in.
    for (const entry of writing) while (entry.endpoints.length < maxPerSlice && pending.length > 0) entry.endpoints.push(pending.shift() ?? {});
    if (pending.length > 0) {
      const fit = unchanged.filter((u) => maxPerSlice - u.endpoints.length >= pending.length).sort((a, b) => b.endpoints.length - a.endpoints.length)[0];
      if (fit !== undefined) writing.push({ slice: fit.slice, ports: group.ports, endpoints: [...fit.endpoints, ...pending.splice(0)] });
    }
    while (pending.length > 0) create.push({ ports: group.ports, endpoints: pending.splice(0, maxPerSlice) });
    update.push(...writing);
  }
  for (const slice of sorted) if (!groups.has(portsKey(slice))) remove.push(slice);

  // A Service with no endpoints keeps one empty placeholder slice.
  if (create.length === 0 && update.length === 0 && remove.length === sorted.length) {
    const placeholder = remove.find((s) => endpointsOf(s).length === 0 && portsKey(s) === '[]' && metadataCurrent(s));
    if (placeholder !== undefined) remove.splice(remove.indexOf(placeholder), 1);
    else create.push({ ports: [], endpoints: [] });
  }
  // A slice about to be deleted is rewritten instead of creating a new one.
  while (create.length > 0 && remove.length > 0) {
    const reuse = remove.shift();
    const content = create.shift();
    if (reuse !== undefined && content !== undefined) update.push({ slice: reuse, ...content });
  }
  return {
    create: create.map((c) => sliceObject(service, labels, owners, c.ports, c.endpoints)),
    update: update.map((u) => sliceObject(service, labels, owners, u.ports, u.endpoints, u.slice)),
    remove,
  };
}

function sliceObject(service: KubeObject, labels: Record<string, string>, owners: JsonObject[], ports: JsonObject[], endpoints: JsonObject[], existing?: KubeObject): KubeObject {
  const name = service.metadata.name ?? '';
  const metadata = existing === undefined ? { generateName: name.length <= 62 ? `${name}-` : name, namespace: service.metadata.namespace } : { ...existing.metadata };
  const slice: KubeObject = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { ...metadata, labels, ownerReferences: owners },
    addressType: 'IPv4',
    endpoints,
  };
  if (ports.length > 0) slice.ports = ports;
  return slice;
}

function ownerReference(service: KubeObject): JsonObject {
  return { apiVersion: 'v1', kind: 'Service', name: service.metadata.name ?? '', uid: service.metadata.uid ?? '', controller: true, blockOwnerDeletion: true };
}

function endpointsOf(slice: KubeObject): JsonObject[] {
  const endpoints = (slice as JsonObject).endpoints;
  return Array.isArray(endpoints) ? endpoints.filter((e): e is JsonObject => typeof e === 'object' && e !== null && !Array.isArray(e)) : [];
}

/** The ports of a slice as the group key; a slice without ports has key "[]". */
function portsKey(slice: KubeObject): string {
  const ports = (slice as JsonObject).ports;
  if (!Array.isArray(ports)) return '[]';
  return JSON.stringify(ports.map((p) => {
    const port = typeof p === 'object' && p !== null && !Array.isArray(p) ? p : {};
    const body: JsonObject = { name: port.name ?? '', port: port.port ?? null, protocol: port.protocol ?? 'TCP' };
    if (typeof port.appProtocol === 'string') body.appProtocol = port.appProtocol;
    return body;
  }));
}

/** Endpoints are the same endpoint when address and pod agree; other fields are updates. */
function endpointKey(endpoint: JsonObject): string {
  const addresses = Array.isArray(endpoint.addresses) ? endpoint.addresses : [];
  const ref = endpoint.targetRef;
  const uid = typeof ref === 'object' && ref !== null && !Array.isArray(ref) ? ref.uid : '';
  return `${String(addresses[0] ?? '')}/${String(uid ?? '')}`;
}

function compareEndpoints(a: JsonObject, b: JsonObject): number {
  return endpointKey(a).localeCompare(endpointKey(b), 'en', { numeric: true });
}

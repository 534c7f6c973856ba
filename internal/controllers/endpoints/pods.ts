/**
 * What the endpoint controllers read from Services and Pods: selectors, readiness,
 * whether a pod belongs in endpoints at all, and the port a service port targets on
 * a given pod (a named targetPort can differ from pod to pod). Pure.
 */
import { isPlainObject, type Json, type JsonObject, type KubeObject } from '../../apiserver/objects.ts';
import { parseIpv4 } from '../../util/ip.ts';

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

/** One entry of a Service's spec.ports, as the controllers use it. */
export interface ServicePortSpec {
  name: string;
  protocol: Protocol;
  port: number;
  /** A port number, or the name of a container port. */
  targetPort: number | string;
  appProtocol: string | null;
}

/** The label selector of a Service, or null when it has none (or an empty one): then endpoints are managed by hand. */
export function serviceSelector(service: KubeObject): Record<string, string> | null {
  const spec = specOf(service);
  if (spec.type === 'ExternalName') return null;
  const selector = spec.selector;
  if (!isPlainObject(selector)) return null;
  const entries = Object.entries(selector).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
  return entries.length === 0 ? null : Object.fromEntries(entries);
}

/** Whether every key of `selector` has the same value in `labels`. */
export function selectorMatches(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  for (const [key, value] of Object.entries(selector)) if (labels?.[key] !== value) return false;
  return true;
}

/** The Service's ports; entries without a valid port number are skipped. */
export function servicePorts(service: KubeObject): ServicePortSpec[] {
  const ports = specOf(service).ports;
  if (!Array.isArray(ports)) return [];
  const result: ServicePortSpec[] = [];
  for (const entry of ports) {
    if (!isPlainObject(entry) || typeof entry.port !== 'number') continue;
    const protocol = entry.protocol === 'UDP' || entry.protocol === 'SCTP' ? entry.protocol : 'TCP';
    const target = typeof entry.targetPort === 'number' || (typeof entry.targetPort === 'string' && entry.targetPort !== '') ? entry.targetPort : entry.port;
    result.push({
      name: typeof entry.name === 'string' ? entry.name : '',
      protocol,
      port: entry.port,
      targetPort: target,
      appProtocol: typeof entry.appProtocol === 'string' ? entry.appProtocol : null,
    });
  }
  return result;
}

/** Whether the Service is headless (clusterIP None). */
export function isHeadless(service: KubeObject): boolean {
  return specOf(service).clusterIP === 'None';
}

/** spec.publishNotReadyAddresses. */
export function publishesNotReady(service: KubeObject): boolean {
  return specOf(service).publishNotReadyAddresses === true;
}

/** The pod's IPv4 address, or null before it has one. */
export function podIpv4(pod: KubeObject): string | null {
  const status = statusOf(pod);
  const candidates: Json[] = [status.podIP ?? null, ...(Array.isArray(status.podIPs) ? status.podIPs.map((entry) => (isPlainObject(entry) ? (entry.ip ?? null) : null)) : [])];
  for (const candidate of candidates) if (typeof candidate === 'string' && parseIpv4(candidate) !== null) return candidate;
  return null;
}

/** The pod's Ready condition is True. */
export function isPodReady(pod: KubeObject): boolean {
  const conditions = statusOf(pod).conditions;
  if (!Array.isArray(conditions)) return false;
  return conditions.some((c) => isPlainObject(c) && c.type === 'Ready' && c.status === 'True');
}

/** The pod is being deleted. */
export function isTerminating(pod: KubeObject): boolean {
  return pod.metadata.deletionTimestamp !== undefined && pod.metadata.deletionTimestamp !== null;
}

/**
 * Whether the pod is listed at all: it has an address and has not finished (Succeeded
 * or Failed); pods being deleted only when `includeTerminating`.
 */
export function shouldPodBeInEndpoints(pod: KubeObject, includeTerminating: boolean): boolean {
  const phase = statusOf(pod).phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  if (podIpv4(pod) === null) return false;
  return includeTerminating || !isTerminating(pod);
}

/**
 * The port a service port reaches on `pod`: a number as is; a name looked up among the
 * container ports (and those of sidecar init containers) with the same protocol. Null
 * when the pod has no such port.
 */
export function resolveTargetPort(port: ServicePortSpec, pod: KubeObject): number | null {
  if (typeof port.targetPort === 'number') return port.targetPort;
  const spec = specOf(pod);
  const sidecars = (Array.isArray(spec.initContainers) ? spec.initContainers : []).filter((c) => isPlainObject(c) && c.restartPolicy === 'Always');
  const containers = [...(Array.isArray(spec.containers) ? spec.containers : []), ...sidecars];
  for (const container of containers) {
    if (!isPlainObject(container) || !Array.isArray(container.ports)) continue;
    for (const containerPort of container.ports) {
      if (!isPlainObject(containerPort)) continue;
      const protocol = typeof containerPort.protocol === 'string' ? containerPort.protocol : 'TCP';
      if (containerPort.name === port.targetPort && protocol === port.protocol && typeof containerPort.containerPort === 'number') return containerPort.containerPort;
    }
  }
  return null;
}

/** The pod's hostname for DNS when it names the Service as its subdomain (headless records). */
export function podHostnameFor(pod: KubeObject, service: KubeObject): string | null {
  const spec = specOf(pod);
  if (typeof spec.hostname !== 'string' || spec.hostname === '') return null;
  if (spec.subdomain !== service.metadata.name || pod.metadata.namespace !== service.metadata.namespace) return null;
  return spec.hostname;
}

/** The pod's spec.nodeName ('' when not bound). */
export function podNodeName(pod: KubeObject): string {
  const nodeName = specOf(pod).nodeName;
  return typeof nodeName === 'string' ? nodeName : '';
}

function specOf(object: KubeObject): JsonObject {
  const spec = object.spec;
  return isPlainObject(spec) ? spec : {};
}

function statusOf(object: KubeObject): JsonObject {
  const status = object.status;
  return isPlainObject(status) ? status : {};
}

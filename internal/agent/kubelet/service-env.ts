/**
 * The environment variables the kubelet gives every container for the Services it may see:
 * those of the pod's namespace (unless spec.enableServiceLinks is false) and the API's own
 * `kubernetes` Service in `default` (always). For each Service with a cluster IP:
 *
 *   {SVC}_SERVICE_HOST, {SVC}_SERVICE_PORT (first port), {SVC}_SERVICE_PORT_{NAME} (named ports),
 *   and Docker-link style {SVC}_PORT, {SVC}_PORT_{port}_{PROTO}[_PROTO|_PORT|_ADDR]
 *
 * where {SVC} and {NAME} are upper-cased with dashes as underscores.
 */
import { isIPv6 } from 'node:net';
import type { KubeObject } from '../../apiserver/objects.ts';

interface ServiceView {
  spec?: {
    clusterIP?: string;
    ports?: { name?: string; port: number; protocol?: string }[];
  };
}

/** Services that are always visible, by namespace. */
const masterNamespace = 'default';
const masterServices = new Set(['kubernetes']);

const envName = (text: string): string => text.replaceAll('-', '_').toUpperCase();

/** A service has variables only when it has a cluster IP (not headless, not ExternalName). */
function hasClusterIP(service: KubeObject): boolean {
  const ip = (service as unknown as ServiceView).spec?.clusterIP;
  return ip !== undefined && ip !== '' && ip !== 'None';
}

/**
 * The service variables for a pod in `namespace`, name → value, from `services` (any
 * namespaces; the others are ignored). A Service of the pod's namespace wins over the
 * `default` one of the same name.
 */
export function serviceEnvironment(namespace: string, enableServiceLinks: boolean, services: readonly KubeObject[]): Map<string, string> {
  const chosen = new Map<string, KubeObject>();
  for (const service of services) {
    const name = service.metadata.name ?? '';
    if (service.metadata.namespace === masterNamespace && masterServices.has(name) && hasClusterIP(service) && !chosen.has(name)) chosen.set(name, service);
  }
  if (enableServiceLinks) {
    for (const service of services) {
      if (service.metadata.namespace === namespace && hasClusterIP(service)) chosen.set(service.metadata.name ?? '', service);
    }
  }
  const vars = new Map<string, string>();
  for (const [name, service] of [...chosen].sort(([a], [b]) => a.localeCompare(b))) {
    for (const [key, value] of variablesOf(name, service)) vars.set(key, value);
  }
  return vars;
}

function variablesOf(name: string, service: KubeObject): [string, string][] {
  const spec = (service as unknown as ServiceView).spec ?? {};
  const ip = spec.clusterIP ?? '';
  const ports = spec.ports ?? [];
  const prefix = envName(name);
  const out: [string, string][] = [[`${prefix}_SERVICE_HOST`, ip]];
  const first = ports[0];
  if (first === undefined) return out;
  out.push([`${prefix}_SERVICE_PORT`, String(first.port)]);
  for (const port of ports) if (port.name) out.push([`${prefix}_SERVICE_PORT_${envName(port.name)}`, String(port.port)]);
  const host = isIPv6(ip) ? `[${ip}]` : ip;
  ports.forEach((port, index) => {
    const protocol = port.protocol || 'TCP';
    const url = `${protocol.toLowerCase()}://${host}:${port.port}`;
    // Docker links give the first port an unnumbered variable too.
    if (index === 0) out.push([`${prefix}_PORT`, url]);
    const portPrefix = `${prefix}_PORT_${port.port}_${protocol.toUpperCase()}`;
    out.push([portPrefix, url], [`${portPrefix}_PROTO`, protocol.toLowerCase()], [`${portPrefix}_PORT`, String(port.port)], [`${portPrefix}_ADDR`, ip]);
  });
  return out;
}

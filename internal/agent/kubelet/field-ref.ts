/** Values of the pod fields and container resources the downward API exposes. */
import { cpus, totalmem } from 'node:os';
import type { KubeObject } from '../../apiserver/objects.ts';
import { parseQuantity } from '../../api/validation/quantity.ts';
import { podSpec, type ResourceFieldSelector } from './pod-types.ts';

/** Addresses known when a container starts. */
export interface PodAddresses {
  podIP?: string;
  hostIP?: string;
}

/** A pod or container that refers to something it cannot be given: CreateContainerConfigError. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** The value of a supported fieldRef path; ConfigError for any other path. */
export function fieldValue(pod: KubeObject, path: string, addresses: PodAddresses): string {
  const meta = pod.metadata;
  const spec = podSpec(pod);
  const subscript = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (subscript) {
    const map = subscript[1] === 'labels' ? meta.labels : meta.annotations;
    return map?.[subscript[2] ?? ''] ?? '';
  }
  switch (path) {
    case 'metadata.name': return meta.name ?? '';
    case 'metadata.namespace': return meta.namespace ?? '';
    case 'metadata.uid': return meta.uid ?? '';
    case 'metadata.labels': return formatMap(meta.labels);
    case 'metadata.annotations': return formatMap(meta.annotations);
    case 'spec.nodeName': return spec.nodeName ?? '';
    case 'spec.serviceAccountName': return spec.serviceAccountName ?? '';
    case 'status.podIP':
    case 'status.podIPs': return addresses.podIP ?? '';
    case 'status.hostIP':
    case 'status.hostIPs': return addresses.hostIP ?? '';
  }
  throw new ConfigError(`Cannot resolve fieldRef ${path}: the field is not supported`);
}

/** key="value" lines sorted by key, as the downward API writes label and annotation maps. */
function formatMap(map: Record<string, string> | undefined): string {
  return Object.keys(map ?? {}).sort().map((key) => `${key}=${JSON.stringify(map?.[key] ?? '')}`).join('\n');
}

/**
 * A container's limit or request divided by the divisor, rounded up. Limits default to the
 * node's capacity when unset, as Kubernetes does.
 */
export function resourceValue(pod: KubeObject, defaultContainer: string, ref: ResourceFieldSelector): string {
  const spec = podSpec(pod);
  const name = ref.containerName || defaultContainer;
  const container = [...spec.containers, ...(spec.initContainers ?? [])].find((c) => c.name === name);
  if (!container) throw new ConfigError(`Cannot resolve resourceFieldRef ${ref.resource}: no container named ${name}`);
  const [kind, resource = ''] = ref.resource.split('.', 2) as [string, string?];
  const table = kind === 'limits' ? container.resources?.limits : kind === 'requests' ? container.resources?.requests : undefined;
  if (kind !== 'limits' && kind !== 'requests') {
    throw new ConfigError(`Cannot resolve resourceFieldRef ${ref.resource}: not limits.* or requests.*`);
  }
  let value = parseQuantity(table?.[resource]);
  if (value === undefined && kind === 'limits') value = nodeCapacity(resource);
  // An unset request defaults to the limit, as the API server would have written it.
  if (value === undefined && kind === 'requests') value = parseQuantity(container.resources?.limits?.[resource]) ?? 0;
  if (value === undefined) throw new ConfigError(`Cannot resolve resourceFieldRef ${ref.resource}: unknown resource ${resource}`);
  const divisor = parseQuantity(ref.divisor ?? 1) || 1;
  return String(Math.ceil(value / divisor - 1e-9));
}

function nodeCapacity(resource: string): number | undefined {
  if (resource === 'cpu') return cpus().length;
  if (resource === 'memory') return totalmem();
  return undefined;
}

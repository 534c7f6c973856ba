/** Tables for the core (v1) kinds other than pods and events. */
import type { Json, KubeObject } from '../objects.ts';
import { formatLabels, loadBalancerIngress } from './format.ts';
import { at, list, obj, optStr, quantity, str, stringMap, strings } from './json-path.ts';
import { ageColumn, ageOf, column, nameColumn, nameOf, type Printer } from './printer.ts';
import { createdAt } from './duration.ts';

const rolePrefix = 'node-role.kubernetes.io/';
const legacyRoleLabel = 'kubernetes.io/role';

function nodeStatus(node: KubeObject): string {
  const ready = list(node, 'status', 'conditions').filter((c) => str(c, 'type') === 'Ready').at(-1);
  const parts = [ready === undefined ? 'Unknown' : str(ready, 'status') === 'True' ? 'Ready' : 'NotReady'];
  if (at(node, 'spec', 'unschedulable') === true) parts.push('SchedulingDisabled');
  return parts.join(',');
}

function nodeRoles(node: KubeObject): string {
  const roles = new Set<string>();
  for (const [key, value] of Object.entries(node.metadata.labels ?? {})) {
    if (key.startsWith(rolePrefix)) {
      const role = key.slice(rolePrefix.length);
      if (role !== '') roles.add(role);
    } else if (key === legacyRoleLabel && value !== '') {
      roles.add(value);
    }
  }
  return roles.size === 0 ? '<none>' : [...roles].sort().join(',');
}

function nodeAddress(node: KubeObject, type: string): string {
  const found = list(node, 'status', 'addresses').find((a) => str(a, 'type') === type);
  return found === undefined ? '<none>' : str(found, 'address');
}

function orUnknown(value: string): string {
  return value === '' ? '<unknown>' : value;
}

export const nodePrinter: Printer = {
  columns: [
    nameColumn,
    column('Status', 'string', 'Node readiness, and whether scheduling is disabled.'),
    column('Roles', 'string', 'Roles from the node-role labels.'),
    ageColumn,
    column('Version', 'string', 'The kubelet version.'),
    column('Internal-IP', 'string', 'The first internal address of the node.', 1),
    column('External-IP', 'string', 'The first external address of the node.', 1),
    column('OS-Image', 'string', 'The operating system image.', 1),
    column('Kernel-Version', 'string', 'The kernel version.', 1),
    column('Container-Runtime', 'string', 'The container runtime and its version.', 1),
  ],
  cells(node, now): Json[] {
    const info = obj(node, 'status', 'nodeInfo');
    return [
      nameOf(node),
      nodeStatus(node),
      nodeRoles(node),
      ageOf(node, now),
      str(info, 'kubeletVersion'),
      nodeAddress(node, 'InternalIP'),
      nodeAddress(node, 'ExternalIP'),
      orUnknown(str(info, 'osImage')),
      orUnknown(str(info, 'kernelVersion')),
      orUnknown(str(info, 'containerRuntimeVersion')),
    ];
  },
};

export const namespacePrinter: Printer = {
  columns: [nameColumn, column('Status', 'string', 'The phase of the namespace.'), ageColumn],
  cells(ns, now): Json[] {
    return [nameOf(ns), str(ns, 'status', 'phase'), ageOf(ns, now)];
  },
};

/** "80/TCP" or "80:30080/TCP" per port, comma-joined. */
export function servicePorts(service: KubeObject): string {
  return list(service, 'spec', 'ports')
    .map((p) => {
      const port = at(p, 'port') ?? 0;
      const protocol = str(p, 'protocol');
      const nodePort = at(p, 'nodePort');
      return typeof nodePort === 'number' && nodePort > 0 ? `${port}:${nodePort}/${protocol}` : `${port}/${protocol}`;
    })
    .join(',');
}

/** The EXTERNAL-IP cell: external IPs, load balancer ingress, "<pending>", or the external name. */
export function serviceExternalIP(service: KubeObject): string {
  const externalIPs = strings(service, 'spec', 'externalIPs');
  switch (str(service, 'spec', 'type')) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const ingress = loadBalancerIngress(obj(service, 'status', 'loadBalancer'));
      const all = [...(ingress === '' ? [] : ingress.split(',')), ...externalIPs];
      return all.length > 0 ? all.join(',') : '<pending>';
    }
    case 'ExternalName':
      return str(service, 'spec', 'externalName');
    default:
      return '<unknown>';
  }
}

export const servicePrinter: Printer = {
  columns: [
    nameColumn,
    column('Type', 'string', 'How the service is exposed.'),
    column('Cluster-IP', 'string', 'The cluster IP of the service.'),
    column('External-IP', 'string', 'Addresses the service is reachable on from outside the cluster.'),
    column('Port(s)', 'string', 'The ports the service exposes.'),
    ageColumn,
    column('Selector', 'string', 'The pod labels the service routes to.', 1),
  ],
  cells(svc, now): Json[] {
    const clusterIPs = strings(svc, 'spec', 'clusterIPs');
    const clusterIP = clusterIPs[0] ?? optStr(svc, 'spec', 'clusterIP');
    const ports = servicePorts(svc);
    return [
      nameOf(svc),
      str(svc, 'spec', 'type'),
      clusterIP === undefined || clusterIP === '' ? '<none>' : clusterIP,
      serviceExternalIP(svc),
      ports === '' ? '<none>' : ports,
      ageOf(svc, now),
      formatLabels(stringMap(svc, 'spec', 'selector')),
    ];
  },
};

/** "host:port" for a ready address and port, bracketing IPv6 hosts. */
function hostPort(ip: string, port: Json | undefined): string {
  return `${ip.includes(':') ? `[${ip}]` : ip}:${typeof port === 'number' ? port : 0}`;
}

/** Up to three ready endpoints, then "+ N more...". */
export function formatEndpoints(endpoints: KubeObject): string {
  const subsets = list(endpoints, 'subsets');
  if (subsets.length === 0) return '<none>';
  const max = 3;
  const shown: string[] = [];
  let count = 0;
  for (const subset of subsets) {
    const addresses = list(subset, 'addresses').map((a) => str(a, 'ip'));
    const ports = list(subset, 'ports');
    const entries = ports.length === 0 ? addresses : ports.flatMap((p) => addresses.map((ip) => hostPort(ip, at(p, 'port'))));
    for (const entry of entries) {
      if (shown.length < max) shown.push(entry);
      count++;
    }
  }
  const text = shown.join(',');
  return count > max ? `${text} + ${count - max} more...` : text;
}

export const endpointsPrinter: Printer = {
  columns: [nameColumn, column('Endpoints', 'string', 'Ready endpoints of the service.'), ageColumn],
  cells(ep, now): Json[] {
    return [nameOf(ep), formatEndpoints(ep), ageOf(ep, now)];
  },
};

export const configMapPrinter: Printer = {
  columns: [nameColumn, column('Data', 'integer', 'Number of keys in data and binaryData.'), ageColumn],
  cells(cm, now): Json[] {
    const keys = Object.keys(obj(cm, 'data') ?? {}).length + Object.keys(obj(cm, 'binaryData') ?? {}).length;
    return [nameOf(cm), keys, ageOf(cm, now)];
  },
};

export const secretPrinter: Printer = {
  columns: [nameColumn, column('Type', 'string', 'The type of the secret.'), column('Data', 'integer', 'Number of keys in data.'), ageColumn],
  cells(secret, now): Json[] {
    return [nameOf(secret), str(secret, 'type'), Object.keys(obj(secret, 'data') ?? {}).length, ageOf(secret, now)];
  },
};

export const serviceAccountPrinter: Printer = {
  columns: [nameColumn, column('Secrets', 'integer', 'Number of secrets listed on the service account.'), ageColumn],
  cells(sa, now): Json[] {
    return [nameOf(sa), list(sa, 'secrets').length, ageOf(sa, now)];
  },
};

/** Resource names in quota order: the standard resource names sort by plain string order. */
function quotaColumns(quota: KubeObject): [string, string] {
  const hard = obj(quota, 'status', 'hard') ?? {};
  const requests: string[] = [];
  const limits: string[] = [];
  for (const name of Object.keys(hard).sort()) {
    const text = `${name}: ${quantity(quota, 'status', 'used', name) ?? '0'}/${quantity(hard, name) ?? '0'}`;
    (name.split('.')[0] === 'limits' && name.includes('.') ? limits : requests).push(text);
  }
  return [requests.join(', '), limits.join(', ')];
}

export const resourceQuotaPrinter: Printer = {
  columns: [
    nameColumn,
    ageColumn,
    column('Request', 'string', 'Used and hard amounts of requested resources.'),
    column('Limit', 'string', 'Used and hard amounts of resource limits.'),
  ],
  cells(quota, now): Json[] {
    return [nameOf(quota), ageOf(quota, now), ...quotaColumns(quota)];
  },
};

export const limitRangePrinter: Printer = {
  columns: [nameColumn, column('Created At', 'date', 'When the object was created.')],
  cells(lr): Json[] {
    return [nameOf(lr), createdAt(lr.metadata.creationTimestamp)];
  },
};

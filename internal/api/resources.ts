/**
 * The built-in resource types the API server serves: names, scope, short names,
 * categories and subresources, as discovery reports them and kubectl expects them.
 */

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export interface Subresource {
  name: string;
  /** Kind served by the subresource (default: the resource's own kind). */
  kind?: string;
  group?: string;
  version?: string;
  verbs: Verb[];
}

export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  subresources: Subresource[];
  verbs: Verb[];
}

const allVerbs: Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const status: Subresource = { name: 'status', verbs: ['get', 'patch', 'update'] };
const scale: Subresource = { name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] };

interface Spec {
  kind: string;
  plural?: string;
  cluster?: boolean;
  short?: string[];
  all?: boolean;
  sub?: Subresource[];
}

function define(group: string, version: string, specs: Spec[]): ResourceType[] {
  return specs.map((spec) => ({
    group,
    version,
    kind: spec.kind,
    plural: spec.plural ?? `${spec.kind.toLowerCase()}s`,
    singular: spec.kind.toLowerCase(),
    namespaced: !spec.cluster,
    shortNames: spec.short ?? [],
    categories: spec.all ? ['all'] : [],
    subresources: spec.sub ?? [],
    verbs: allVerbs,
  }));
}

export const resourceTypes: readonly ResourceType[] = [
  ...define('', 'v1', [
    { kind: 'Namespace', cluster: true, short: ['ns'], sub: [status, { name: 'finalize', verbs: ['update'] }] },
    {
      kind: 'Pod',
      short: ['po'],
      all: true,
      sub: [
        status,
        { name: 'binding', kind: 'Binding', verbs: ['create'] },
        { name: 'eviction', kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] },
        { name: 'log', verbs: ['get'] },
        { name: 'exec', kind: 'PodExecOptions', verbs: ['create', 'get'] },
        { name: 'attach', kind: 'PodAttachOptions', verbs: ['create', 'get'] },
        { name: 'portforward', kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
      ],
    },
    { kind: 'Service', short: ['svc'], all: true, sub: [status] },
    { kind: 'Endpoints', plural: 'endpoints', short: ['ep'] },
    { kind: 'ConfigMap', short: ['cm'] },
    { kind: 'Secret' },
    { kind: 'Node', cluster: true, short: ['no'], sub: [status, { name: 'proxy', kind: 'NodeProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update'] }] },
    { kind: 'Event', short: ['ev'] },
    { kind: 'ServiceAccount', short: ['sa'] },
    { kind: 'PersistentVolume', cluster: true, short: ['pv'], sub: [status] },
    { kind: 'PersistentVolumeClaim', short: ['pvc'], sub: [status] },
    { kind: 'ResourceQuota', short: ['quota'], sub: [status] },
    { kind: 'LimitRange', short: ['limits'] },
  ]),
  ...define('apps', 'v1', [
    { kind: 'Deployment', short: ['deploy'], all: true, sub: [status, scale] },
    { kind: 'ReplicaSet', short: ['rs'], all: true, sub: [status, scale] },
    { kind: 'StatefulSet', short: ['sts'], all: true, sub: [status, scale] },
    { kind: 'DaemonSet', short: ['ds'], all: true, sub: [status] },
    { kind: 'ControllerRevision' },
  ]),
  ...define('batch', 'v1', [
    { kind: 'Job', all: true, sub: [status] },
    { kind: 'CronJob', short: ['cj'], all: true, sub: [status] },
  ]),
  ...define('discovery.k8s.io', 'v1', [{ kind: 'EndpointSlice' }]),
  ...define('coordination.k8s.io', 'v1', [{ kind: 'Lease' }]),
  ...define('networking.k8s.io', 'v1', [
    { kind: 'Ingress', plural: 'ingresses', short: ['ing'], sub: [status] },
    { kind: 'IngressClass', plural: 'ingressclasses', cluster: true },
    { kind: 'NetworkPolicy', plural: 'networkpolicies', short: ['netpol'] },
  ]),
  ...define('events.k8s.io', 'v1', [{ kind: 'Event', short: ['ev'] }]),
  ...define('autoscaling', 'v2', [{ kind: 'HorizontalPodAutoscaler', short: ['hpa'], all: true, sub: [status] }]),
  ...define('autoscaling', 'v1', [{ kind: 'HorizontalPodAutoscaler', short: ['hpa'], all: true, sub: [status] }]),
  ...define('storage.k8s.io', 'v1', [{ kind: 'StorageClass', plural: 'storageclasses', cluster: true, short: ['sc'] }]),
  ...define('rbac.authorization.k8s.io', 'v1', [
    { kind: 'Role' },
    { kind: 'RoleBinding' },
    { kind: 'ClusterRole', cluster: true },
    { kind: 'ClusterRoleBinding', cluster: true },
  ]),
  ...define('policy', 'v1', [{ kind: 'PodDisruptionBudget', short: ['pdb'], sub: [status] }]),
  ...define('scheduling.k8s.io', 'v1', [{ kind: 'PriorityClass', plural: 'priorityclasses', cluster: true, short: ['pc'] }]),
];

/** "v1" for the core group, "group/version" otherwise. */
export function apiVersionOf(type: Pick<ResourceType, 'group' | 'version'>): string {
  return type.group === '' ? type.version : `${type.group}/${type.version}`;
}

/** The group and versions served, preferred version first, in discovery order. */
export function servedGroups(): Array<{ group: string; versions: string[] }> {
  const groups: Array<{ group: string; versions: string[] }> = [];
  for (const type of resourceTypes) {
    let entry = groups.find((g) => g.group === type.group);
    if (entry === undefined) {
      entry = { group: type.group, versions: [] };
      groups.push(entry);
    }
    if (!entry.versions.includes(type.version)) entry.versions.push(type.version);
  }
  return groups;
}

export function findResource(group: string, version: string, plural: string): ResourceType | undefined {
  return resourceTypes.find((t) => t.group === group && t.version === version && t.plural === plural);
}

/**
 * The storage identity of a resource: versions of one group share stored objects,
 * and events.k8s.io Events are core Events.
 */
export function storagePrefix(type: ResourceType): string {
  const group = type.group === 'events.k8s.io' ? '' : type.group;
  return `/registry/${group === '' ? 'core' : group}/${type.plural}/`;
}

/** core/v1 Pod, its spec (scheduling, security, DNS) and templates. */
import { bool, field, int32, int64, listOf, mapOf, str, struct } from '../model.ts';
import type { TypeDef } from '../model.ts';
import { coreKind, coreName, coreRef, metaRef, required, resourceList } from './core-shared.ts';

const byName = { listType: 'map', mapKeys: ['name'], mergeKey: 'name', strategy: 'merge' } as const;

export const pod = coreKind('Pod', 'A group of containers scheduled together onto one node.', {
  spec: field(2, coreRef('PodSpec'), 'Desired behaviour of the pod.'),
  status: field(3, coreRef('PodStatus'), 'Most recently observed state of the pod.'),
});

export const podSpec = struct(coreName('PodSpec'), 'Desired behaviour of a pod.', {
  volumes: field(
    1,
    listOf(coreRef('Volume'), { listType: 'map', mapKeys: ['name'], mergeKey: 'name', strategy: 'merge,retainKeys' }),
    'Volumes the containers may mount.',
  ),
  initContainers: field(20, listOf(coreRef('Container'), byName), 'Containers run in order before the app containers.'),
  containers: field(2, listOf(coreRef('Container'), byName), 'Application containers of the pod.', required),
  ephemeralContainers: field(
    34,
    listOf(coreRef('EphemeralContainer'), byName),
    'Debug containers added through the ephemeralcontainers subresource.',
  ),
  restartPolicy: field(3, str, 'Always, OnFailure or Never; defaults to Always.'),
  terminationGracePeriodSeconds: field(4, int64, 'Seconds given to stop gracefully before a kill; defaults to 30.'),
  activeDeadlineSeconds: field(5, int64, 'Seconds the pod may run on a node before it is failed.'),
  dnsPolicy: field(6, str, 'ClusterFirst, ClusterFirstWithHostNet, Default or None.'),
  nodeSelector: field(7, mapOf(str, { mapType: 'atomic' }), 'Labels a node must carry to run the pod.'),
  serviceAccountName: field(8, str, 'Service account the pod runs as.'),
  serviceAccount: field(9, str, 'Deprecated alias of serviceAccountName.'),
  automountServiceAccountToken: field(21, bool, 'Whether a service account token is mounted automatically.'),
  nodeName: field(10, str, 'Node the pod is bound to.'),
  hostNetwork: field(11, bool, 'Use the host network namespace.'),
  hostPID: field(12, bool, 'Use the host PID namespace.'),
  hostIPC: field(13, bool, 'Use the host IPC namespace.'),
  shareProcessNamespace: field(27, bool, 'Share one PID namespace among all containers of the pod.'),
  securityContext: field(14, coreRef('PodSecurityContext'), 'Pod-wide security options.'),
  imagePullSecrets: field(15, listOf(coreRef('LocalObjectReference'), byName), 'Secrets used to pull the images.'),
  hostname: field(16, str, 'Hostname of the pod; defaults to a system value.'),
  subdomain: field(17, str, 'Subdomain that gives the pod a fully qualified name.'),
  affinity: field(18, coreRef('Affinity'), 'Scheduling affinity rules.'),
  schedulerName: field(19, str, 'Scheduler that places the pod.'),
  tolerations: field(22, listOf(coreRef('Toleration'), { listType: 'atomic' }), 'Taints the pod tolerates.'),
  hostAliases: field(
    23,
    listOf(coreRef('HostAlias'), { listType: 'map', mapKeys: ['ip'], mergeKey: 'ip', strategy: 'merge' }),
    'Extra entries written to the hosts file.',
  ),
  priorityClassName: field(24, str, 'PriorityClass that gives the pod its priority.'),
  priority: field(25, int32, 'Priority value, filled in from priorityClassName.'),
  dnsConfig: field(26, coreRef('PodDNSConfig'), 'DNS settings merged into those of dnsPolicy.'),
  readinessGates: field(28, listOf(coreRef('PodReadinessGate'), { listType: 'atomic' }), 'Extra conditions needed for readiness.'),
  runtimeClassName: field(29, str, 'RuntimeClass used to run the pod.'),
  enableServiceLinks: field(30, bool, 'Whether service environment variables are injected; defaults to true.'),
  preemptionPolicy: field(31, str, 'Never or PreemptLowerPriority.'),
  overhead: field(32, resourceList, 'Resources used by the pod sandbox, set from the RuntimeClass.'),
  topologySpreadConstraints: field(
    33,
    listOf(coreRef('TopologySpreadConstraint'), {
      listType: 'map',
      mapKeys: ['topologyKey', 'whenUnsatisfiable'],
      mergeKey: 'topologyKey',
      strategy: 'merge',
    }),
    'How the pods of a group spread over topology domains.',
  ),
  setHostnameAsFQDN: field(35, bool, 'Use the fully qualified name as the hostname.'),
  os: field(36, coreRef('PodOS'), 'Operating system the containers need.'),
  hostUsers: field(37, bool, 'Use the host user namespace; defaults to true.'),
  schedulingGates: field(38, listOf(coreRef('PodSchedulingGate'), byName), 'Gates that hold the pod back from scheduling.'),
  resourceClaims: field(
    39,
    listOf(coreRef('PodResourceClaim'), {
      listType: 'map',
      mapKeys: ['name'],
      mergeKey: 'name',
      strategy: 'merge,retainKeys',
    }),
    'Dynamic resource claims the pod needs.',
  ),
  resources: field(40, coreRef('ResourceRequirements'), 'Pod-level CPU and memory requests and limits.'),
});

export const podSecurityContext = struct(coreName('PodSecurityContext'), 'Pod-wide security options and container defaults.', {
  seLinuxOptions: field(1, coreRef('SELinuxOptions'), 'SELinux labels of all containers.'),
  windowsOptions: field(8, coreRef('WindowsSecurityContextOptions'), 'Windows specific options of all containers.'),
  runAsUser: field(2, int64, 'UID the containers run as.'),
  runAsGroup: field(6, int64, 'GID the containers run as.'),
  runAsNonRoot: field(3, bool, 'Refuse to start containers that would run as UID 0.'),
  supplementalGroups: field(4, listOf(int64, { listType: 'atomic' }), 'Extra groups of the first process of each container.'),
  supplementalGroupsPolicy: field(12, str, 'Merge or Strict handling of image-defined groups.'),
  fsGroup: field(5, int64, 'Group that owns supported volumes.'),
  sysctls: field(7, listOf(coreRef('Sysctl'), { listType: 'atomic' }), 'Namespaced sysctls set for the pod.'),
  fsGroupChangePolicy: field(9, str, 'When volume ownership is changed: OnRootMismatch or Always.'),
  seccompProfile: field(10, coreRef('SeccompProfile'), 'Seccomp profile of all containers.'),
  appArmorProfile: field(11, coreRef('AppArmorProfile'), 'AppArmor profile of all containers.'),
  seLinuxChangePolicy: field(13, str, 'How SELinux labels reach volumes: MountOption or Recursive.'),
});

export const sysctl = struct(coreName('Sysctl'), 'A kernel parameter to set.', {
  name: field(1, str, 'Parameter name.', required),
  value: field(2, str, 'Parameter value.', required),
});

export const affinity = struct(coreName('Affinity'), 'Affinity scheduling rules of a pod.', {
  nodeAffinity: field(1, coreRef('NodeAffinity'), 'Rules on the node.'),
  podAffinity: field(2, coreRef('PodAffinity'), 'Rules for running near other pods.'),
  podAntiAffinity: field(3, coreRef('PodAntiAffinity'), 'Rules for running away from other pods.'),
});

export const nodeAffinity = struct(coreName('NodeAffinity'), 'Node affinity rules.', {
  requiredDuringSchedulingIgnoredDuringExecution: field(1, coreRef('NodeSelector'), 'Nodes the pod must run on.'),
  preferredDuringSchedulingIgnoredDuringExecution: field(
    2,
    listOf(coreRef('PreferredSchedulingTerm'), { listType: 'atomic' }),
    'Weighted node preferences.',
  ),
});

export const preferredSchedulingTerm = struct(coreName('PreferredSchedulingTerm'), 'A weighted node preference.', {
  weight: field(1, int32, 'Weight from 1 to 100.', required),
  preference: field(2, coreRef('NodeSelectorTerm'), 'Nodes the weight applies to.', required),
});

const podAffinityFields = (verb: string) => ({
  requiredDuringSchedulingIgnoredDuringExecution: field(
    1,
    listOf(coreRef('PodAffinityTerm'), { listType: 'atomic' }),
    `Pods the pod must be scheduled ${verb}.`,
  ),
  preferredDuringSchedulingIgnoredDuringExecution: field(
    2,
    listOf(coreRef('WeightedPodAffinityTerm'), { listType: 'atomic' }),
    `Weighted preferences for pods to be scheduled ${verb}.`,
  ),
});

export const podAffinity = struct(coreName('PodAffinity'), 'Rules for co-locating with other pods.', podAffinityFields('near'));

export const podAntiAffinity = struct(
  coreName('PodAntiAffinity'),
  'Rules for keeping away from other pods.',
  podAffinityFields('away from'),
);

export const podAffinityTerm = struct(coreName('PodAffinityTerm'), 'A set of pods and the topology to compare with them.', {
  labelSelector: field(1, metaRef('LabelSelector'), 'Pods the term is about.'),
  namespaces: field(2, listOf(str, { listType: 'atomic' }), 'Namespaces searched for those pods.'),
  topologyKey: field(3, str, 'Node label whose value defines co-location.', required),
  namespaceSelector: field(4, metaRef('LabelSelector'), 'Namespaces, by label, searched for those pods.'),
  matchLabelKeys: field(5, listOf(str, { listType: 'atomic' }), 'Label keys whose values from this pod are added as In terms.'),
  mismatchLabelKeys: field(6, listOf(str, { listType: 'atomic' }), 'Label keys whose values from this pod are added as NotIn terms.'),
});

export const weightedPodAffinityTerm = struct(coreName('WeightedPodAffinityTerm'), 'A weighted pod affinity term.', {
  weight: field(1, int32, 'Weight from 1 to 100.', required),
  podAffinityTerm: field(2, coreRef('PodAffinityTerm'), 'The term the weight applies to.', required),
});

export const toleration = struct(coreName('Toleration'), 'Lets the pod run despite matching taints.', {
  key: field(1, str, 'Taint key; empty matches all keys.'),
  operator: field(2, str, 'Equal or Exists; defaults to Equal.'),
  value: field(3, str, 'Taint value to match.'),
  effect: field(4, str, 'Taint effect to match; empty matches all.'),
  tolerationSeconds: field(5, int64, 'How long a NoExecute taint is tolerated.'),
});

export const hostAlias = struct(coreName('HostAlias'), 'An entry of the pod hosts file.', {
  ip: field(1, str, 'IP address of the entry.', required),
  hostnames: field(2, listOf(str, { listType: 'atomic' }), 'Hostnames for the address.'),
});

export const podDNSConfig = struct(coreName('PodDNSConfig'), 'DNS settings added to those of the DNS policy.', {
  nameservers: field(1, listOf(str, { listType: 'atomic' }), 'Extra name server addresses.'),
  searches: field(2, listOf(str, { listType: 'atomic' }), 'Extra search domains.'),
  options: field(3, listOf(coreRef('PodDNSConfigOption'), { listType: 'atomic' }), 'Resolver options.'),
});

export const podDNSConfigOption = struct(coreName('PodDNSConfigOption'), 'One resolver option.', {
  name: field(1, str, 'Option name.'),
  value: field(2, str, 'Option value.'),
});

export const podReadinessGate = struct(coreName('PodReadinessGate'), 'A pod condition that must be True for readiness.', {
  conditionType: field(1, str, 'Type of the pod condition.', required),
});

export const topologySpreadConstraint = struct(coreName('TopologySpreadConstraint'), 'How matching pods spread over a topology.', {
  maxSkew: field(1, int32, 'Largest allowed difference in matching pods between domains.', required),
  topologyKey: field(2, str, 'Node label that defines the domains.', required),
  whenUnsatisfiable: field(3, str, 'DoNotSchedule or ScheduleAnyway.', required),
  labelSelector: field(4, metaRef('LabelSelector'), 'Pods counted in each domain.'),
  minDomains: field(5, int32, 'Minimum number of eligible domains.'),
  nodeAffinityPolicy: field(6, str, 'Whether node affinity limits the domains: Honor or Ignore.'),
  nodeTaintsPolicy: field(7, str, 'Whether node taints limit the domains: Honor or Ignore.'),
  matchLabelKeys: field(8, listOf(str, { listType: 'atomic' }), 'Label keys whose values from this pod narrow the selector.'),
});

export const podOS = struct(coreName('PodOS'), 'Operating system of a pod.', {
  name: field(1, str, 'linux or windows.', required),
});

export const podSchedulingGate = struct(coreName('PodSchedulingGate'), 'A gate that blocks scheduling until removed.', {
  name: field(1, str, 'Name of the gate.', required),
});

export const podResourceClaim = struct(coreName('PodResourceClaim'), 'A ResourceClaim the pod uses, named within the pod.', {
  name: field(1, str, 'Name of the claim within the pod.', required),
  resourceClaimName: field(3, str, 'Existing ResourceClaim to use.'),
  resourceClaimTemplateName: field(4, str, 'ResourceClaimTemplate to create a claim from.'),
});

export const podTemplateSpec = struct(coreName('PodTemplateSpec'), 'Pods created from a template.', {
  metadata: field(1, metaRef('ObjectMeta'), 'Metadata given to the created pods.'),
  spec: field(2, coreRef('PodSpec'), 'Spec of the created pods.'),
});

export const podTemplate = coreKind('PodTemplate', 'A stored pod template.', {
  template: field(2, coreRef('PodTemplateSpec'), 'The template.'),
});

export const corePodDefinitions: TypeDef[] = [
  pod,
  podSpec,
  podSecurityContext,
  sysctl,
  affinity,
  nodeAffinity,
  preferredSchedulingTerm,
  podAffinity,
  podAntiAffinity,
  podAffinityTerm,
  weightedPodAffinityTerm,
  toleration,
  hostAlias,
  podDNSConfig,
  podDNSConfigOption,
  podReadinessGate,
  topologySpreadConstraint,
  podOS,
  podSchedulingGate,
  podResourceClaim,
  podTemplateSpec,
  podTemplate,
];

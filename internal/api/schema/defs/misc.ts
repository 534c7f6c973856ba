/**
 * The smaller built-in groups: coordination (Lease), events (Event),
 * autoscaling v1 and v2 (HorizontalPodAutoscaler), storage (StorageClass),
 * rbac, policy (PodDisruptionBudget) and scheduling (PriorityClass).
 */
import {
  bool,
  field,
  int32,
  int64,
  intOrString,
  listOf,
  mapOf,
  microTime,
  quantity,
  ref,
  str,
  strEnum,
  struct,
  time,
  typeMeta,
} from '../model.ts';
import type { FieldDef, TypeDef } from '../model.ts';

const meta = (name: string) => ref(`io.k8s.apimachinery.pkg.apis.meta.v1.${name}`);
const core = (name: string) => ref(`io.k8s.api.core.v1.${name}`);

function objectMeta(): FieldDef {
  return field(1, meta('ObjectMeta'), 'Standard object metadata.');
}

function kind(
  name: string,
  description: string,
  gvk: { group: string; version: string; kind: string },
  fields: Record<string, FieldDef>,
): TypeDef {
  return struct(name, description, { ...typeMeta(), metadata: objectMeta(), ...fields }, { gvk });
}

/** Conditions keyed by type for both strategic merge patch and apply. */
function conditionsOf(items: string, description: string, proto: number): FieldDef {
  return field(
    proto,
    listOf(ref(items), { listType: 'map', mapKeys: ['type'], mergeKey: 'type', strategy: 'merge' }),
    description,
  );
}

const COORD = 'io.k8s.api.coordination.v1';
const lease: TypeDef[] = [
  kind(`${COORD}.Lease`, 'A lease held by one party at a time.', { group: 'coordination.k8s.io', version: 'v1', kind: 'Lease' }, {
    spec: field(2, ref(`${COORD}.LeaseSpec`), 'Holder and timing of the lease.'),
  }),
  struct(`${COORD}.LeaseSpec`, 'Holder and timing of a Lease.', {
    holderIdentity: field(1, str, 'Identity of the current holder.'),
    leaseDurationSeconds: field(2, int32, 'Seconds after the last renewal before others may take the lease.'),
    acquireTime: field(3, microTime, 'When the current holder acquired the lease.'),
    renewTime: field(4, microTime, 'When the current holder last renewed the lease.'),
    leaseTransitions: field(5, int32, 'Number of times the holder changed.'),
    strategy: field(6, str, 'How the leader is picked under coordinated leader election.'),
    preferredHolder: field(7, str, 'Better holder the current one should yield to.'),
  }),
];

const EVENTS = 'io.k8s.api.events.v1';
const event: TypeDef[] = [
  kind(`${EVENTS}.Event`, 'A report of something that happened in the cluster.', { group: 'events.k8s.io', version: 'v1', kind: 'Event' }, {
    eventTime: field(2, microTime, 'When the event was first seen.', { required: true }),
    series: field(3, ref(`${EVENTS}.EventSeries`), 'Repetition data when the event recurs.'),
    reportingController: field(4, str, 'Controller that emitted the event.'),
    reportingInstance: field(5, str, 'Instance of the controller that emitted the event.'),
    action: field(6, str, 'Machine-readable action taken or failed.'),
    reason: field(7, str, 'Why the action was taken.'),
    regarding: field(8, core('ObjectReference'), 'Object the event is about.'),
    related: field(9, core('ObjectReference'), 'Secondary object involved.'),
    note: field(10, str, 'Human-readable description.'),
    type: field(11, str, 'Normal or Warning.'),
    deprecatedSource: field(12, core('EventSource'), 'Source, kept for core/v1 Event compatibility.'),
    deprecatedFirstTimestamp: field(13, time, 'First occurrence, kept for core/v1 Event compatibility.'),
    deprecatedLastTimestamp: field(14, time, 'Last occurrence, kept for core/v1 Event compatibility.'),
    deprecatedCount: field(15, int32, 'Occurrence count, kept for core/v1 Event compatibility.'),
  }),
  struct(`${EVENTS}.EventSeries`, 'Repetitions of an event over time.', {
    count: field(1, int32, 'Occurrences up to the last heartbeat.', { required: true }),
    lastObservedTime: field(2, microTime, 'When the latest occurrence was seen.', { required: true }),
  }),
];

const HPA1 = 'io.k8s.api.autoscaling.v1';
const hpaV1: TypeDef[] = [
  kind(
    `${HPA1}.HorizontalPodAutoscaler`,
    'Scales a target on average CPU use.',
    { group: 'autoscaling', version: 'v1', kind: 'HorizontalPodAutoscaler' },
    {
      spec: field(2, ref(`${HPA1}.HorizontalPodAutoscalerSpec`), 'Desired autoscaling behaviour.'),
      status: field(3, ref(`${HPA1}.HorizontalPodAutoscalerStatus`), 'Most recently observed state.'),
    },
  ),
  struct(`${HPA1}.HorizontalPodAutoscalerSpec`, 'Target and bounds of a v1 autoscaler.', {
    scaleTargetRef: field(1, ref(`${HPA1}.CrossVersionObjectReference`), 'Object whose scale subresource is driven.', {
      required: true,
    }),
    minReplicas: field(2, int32, 'Lowest replica count; 1 when unset.'),
    maxReplicas: field(3, int32, 'Highest replica count.', { required: true }),
    targetCPUUtilizationPercentage: field(4, int32, 'Wanted average CPU use as a percentage of requests.'),
  }),
  struct(`${HPA1}.HorizontalPodAutoscalerStatus`, 'Observed state of a v1 autoscaler.', {
    observedGeneration: field(1, int64, 'Generation last acted on.'),
    lastScaleTime: field(2, time, 'When the replica count last changed.'),
    currentReplicas: field(3, int32, 'Replicas currently seen.', { required: true }),
    desiredReplicas: field(4, int32, 'Replicas last asked for.', { required: true }),
    currentCPUUtilizationPercentage: field(5, int32, 'Current average CPU use as a percentage of requests.'),
  }),
  struct(
    `${HPA1}.CrossVersionObjectReference`,
    'Identifies an object by kind, name and API version.',
    {
      kind: field(1, str, 'Kind of the object.', { required: true }),
      name: field(2, str, 'Name of the object.', { required: true }),
      apiVersion: field(3, str, 'API version of the object.'),
    },
    { mapType: 'atomic' },
  ),
];

const HPA2 = 'io.k8s.api.autoscaling.v2';
const v2 = (name: string) => ref(`${HPA2}.${name}`);
const metricTypes = strEnum('ContainerResource', 'External', 'Object', 'Pods', 'Resource');

/** A metric source or status: the listed fields, each a v2 type, all required. */
function metricStruct(name: string, description: string, fields: Record<string, [number, string, string]>): TypeDef {
  const out: Record<string, FieldDef> = {};
  for (const [key, [proto, type, text]] of Object.entries(fields)) {
    out[key] = field(proto, type === 'string' ? str : v2(type), text, { required: true });
  }
  return struct(`${HPA2}.${name}`, description, out);
}

const hpaV2: TypeDef[] = [
  kind(
    `${HPA2}.HorizontalPodAutoscaler`,
    'Scales a target on any set of metrics.',
    { group: 'autoscaling', version: 'v2', kind: 'HorizontalPodAutoscaler' },
    {
      spec: field(2, v2('HorizontalPodAutoscalerSpec'), 'Desired autoscaling behaviour.'),
      status: field(3, v2('HorizontalPodAutoscalerStatus'), 'Most recently observed state.'),
    },
  ),
  struct(`${HPA2}.HorizontalPodAutoscalerSpec`, 'Target, bounds, metrics and behaviour of an autoscaler.', {
    scaleTargetRef: field(1, v2('CrossVersionObjectReference'), 'Object whose scale subresource is driven.', {
      required: true,
    }),
    minReplicas: field(2, int32, 'Lowest replica count; 1 when unset.'),
    maxReplicas: field(3, int32, 'Highest replica count.', { required: true }),
    metrics: field(4, listOf(v2('MetricSpec'), { listType: 'atomic' }), 'Metrics whose largest proposal wins.'),
    behavior: field(5, v2('HorizontalPodAutoscalerBehavior'), 'Scaling speed limits in each direction.'),
  }),
  struct(`${HPA2}.CrossVersionObjectReference`, 'Identifies an object by kind, name and API version.', {
    kind: field(1, str, 'Kind of the object.', { required: true }),
    name: field(2, str, 'Name of the object.', { required: true }),
    apiVersion: field(3, str, 'API version of the object.'),
  }),
  struct(`${HPA2}.MetricSpec`, 'One metric to scale on; type names the field that is set.', {
    type: field(1, metricTypes, 'Which source field is set.', { required: true }),
    object: field(2, v2('ObjectMetricSource'), 'Metric of a single object.'),
    pods: field(3, v2('PodsMetricSource'), 'Metric averaged over the target pods.'),
    resource: field(4, v2('ResourceMetricSource'), 'Resource use averaged over the target pods.'),
    containerResource: field(7, v2('ContainerResourceMetricSource'), 'Resource use of one container per pod.'),
    external: field(5, v2('ExternalMetricSource'), 'Metric from outside the cluster.'),
  }),
  metricStruct('ObjectMetricSource', 'Scaling on a metric of one object.', {
    describedObject: [1, 'CrossVersionObjectReference', 'Object the metric describes.'],
    target: [2, 'MetricTarget', 'Wanted value.'],
    metric: [3, 'MetricIdentifier', 'Metric name and selector.'],
  }),
  metricStruct('PodsMetricSource', 'Scaling on a metric averaged over pods.', {
    metric: [1, 'MetricIdentifier', 'Metric name and selector.'],
    target: [2, 'MetricTarget', 'Wanted value.'],
  }),
  metricStruct('ResourceMetricSource', 'Scaling on a resource of every pod.', {
    name: [1, 'string', 'Resource name, such as cpu.'],
    target: [2, 'MetricTarget', 'Wanted value.'],
  }),
  metricStruct('ContainerResourceMetricSource', 'Scaling on a resource of one container in every pod.', {
    name: [1, 'string', 'Resource name, such as cpu.'],
    target: [2, 'MetricTarget', 'Wanted value.'],
    container: [3, 'string', 'Container whose use is measured.'],
  }),
  metricStruct('ExternalMetricSource', 'Scaling on a metric from outside the cluster.', {
    metric: [1, 'MetricIdentifier', 'Metric name and selector.'],
    target: [2, 'MetricTarget', 'Wanted value.'],
  }),
  struct(`${HPA2}.MetricIdentifier`, 'Names a metric and narrows it by labels.', {
    name: field(1, str, 'Metric name.', { required: true }),
    selector: field(2, meta('LabelSelector'), 'Labels passed to the metrics server.'),
  }),
  struct(`${HPA2}.MetricTarget`, 'Wanted value of a metric.', {
    type: field(1, strEnum('AverageValue', 'Utilization', 'Value'), 'Which of the values below applies.', {
      required: true,
    }),
    value: field(2, quantity, 'Wanted total value.'),
    averageValue: field(3, quantity, 'Wanted value per pod.'),
    averageUtilization: field(4, int32, 'Wanted average use as a percentage of requests.'),
  }),
  struct(`${HPA2}.HorizontalPodAutoscalerBehavior`, 'Scaling rules for each direction.', {
    scaleUp: field(1, v2('HPAScalingRules'), 'Rules when adding replicas.'),
    scaleDown: field(2, v2('HPAScalingRules'), 'Rules when removing replicas.'),
  }),
  struct(`${HPA2}.HPAScalingRules`, 'Rate limits and stabilization for one direction.', {
    stabilizationWindowSeconds: field(3, int32, 'Seconds of past proposals considered before acting.'),
    selectPolicy: field(1, strEnum('Disabled', 'Max', 'Min'), 'Which policy wins; Max when unset.'),
    policies: field(2, listOf(v2('HPAScalingPolicy'), { listType: 'atomic' }), 'Allowed changes per period.'),
  }),
  struct(`${HPA2}.HPAScalingPolicy`, 'A change allowed within a period.', {
    type: field(1, strEnum('Percent', 'Pods'), 'Whether value counts pods or a percentage.', { required: true }),
    value: field(2, int32, 'Size of the allowed change.', { required: true }),
    periodSeconds: field(3, int32, 'Length of the window in seconds.', { required: true }),
  }),
  struct(`${HPA2}.HorizontalPodAutoscalerStatus`, 'Observed state of an autoscaler.', {
    observedGeneration: field(1, int64, 'Generation last acted on.'),
    lastScaleTime: field(2, time, 'When the replica count last changed.'),
    currentReplicas: field(3, int32, 'Replicas currently seen.'),
    desiredReplicas: field(4, int32, 'Replicas last asked for.', { required: true }),
    currentMetrics: field(5, listOf(v2('MetricStatus'), { listType: 'atomic' }), 'Last read metric values.'),
    conditions: conditionsOf(`${HPA2}.HorizontalPodAutoscalerCondition`, 'Whether the autoscaler can act.', 6),
  }),
  struct(`${HPA2}.HorizontalPodAutoscalerCondition`, 'One observed state of an autoscaler.', {
    type: field(1, str, 'Kind of condition.', { required: true }),
    status: field(2, str, 'True, False or Unknown.', { required: true }),
    lastTransitionTime: field(3, time, 'When the status last changed.'),
    reason: field(4, str, 'Machine-readable cause of the last change.'),
    message: field(5, str, 'Human-readable detail of the last change.'),
  }),
  struct(`${HPA2}.MetricStatus`, 'Last read value of one metric; type names the field that is set.', {
    type: field(1, metricTypes, 'Which status field is set.', { required: true }),
    object: field(2, v2('ObjectMetricStatus'), 'Metric of a single object.'),
    pods: field(3, v2('PodsMetricStatus'), 'Metric averaged over the target pods.'),
    resource: field(4, v2('ResourceMetricStatus'), 'Resource use averaged over the target pods.'),
    containerResource: field(7, v2('ContainerResourceMetricStatus'), 'Resource use of one container per pod.'),
    external: field(5, v2('ExternalMetricStatus'), 'Metric from outside the cluster.'),
  }),
  metricStruct('ObjectMetricStatus', 'Current value of a metric of one object.', {
    metric: [1, 'MetricIdentifier', 'Metric name and selector.'],
    current: [2, 'MetricValueStatus', 'Current value.'],
    describedObject: [3, 'CrossVersionObjectReference', 'Object the metric describes.'],
  }),
  metricStruct('PodsMetricStatus', 'Current value of a metric averaged over pods.', {
    metric: [1, 'MetricIdentifier', 'Metric name and selector.'],
    current: [2, 'MetricValueStatus', 'Current value.'],
  }),
  metricStruct('ResourceMetricStatus', 'Current use of a resource over pods.', {
    name: [1, 'string', 'Resource name, such as cpu.'],
    current: [2, 'MetricValueStatus', 'Current value.'],
  }),
  metricStruct('ContainerResourceMetricStatus', 'Current use of a resource by one container per pod.', {
    name: [1, 'string', 'Resource name, such as cpu.'],
    current: [2, 'MetricValueStatus', 'Current value.'],
    container: [3, 'string', 'Container whose use is measured.'],
  }),
  metricStruct('ExternalMetricStatus', 'Current value of a metric from outside the cluster.', {
    metric: [1, 'MetricIdentifier', 'Metric name and selector.'],
    current: [2, 'MetricValueStatus', 'Current value.'],
  }),
  struct(`${HPA2}.MetricValueStatus`, 'Current value of a metric.', {
    value: field(1, quantity, 'Current total value.'),
    averageValue: field(2, quantity, 'Current value per pod.'),
    averageUtilization: field(3, int32, 'Current average use as a percentage of requests.'),
  }),
];

const STORAGE = 'io.k8s.api.storage.v1';
const storageClass = kind(
  `${STORAGE}.StorageClass`,
  'A class of dynamically provisioned storage.',
  { group: 'storage.k8s.io', version: 'v1', kind: 'StorageClass' },
  {
    provisioner: field(2, str, 'Name of the volume provisioner.', { required: true }),
    parameters: field(3, mapOf(str), 'Settings passed to the provisioner.'),
    reclaimPolicy: field(4, strEnum('Delete', 'Recycle', 'Retain'), 'Fate of released volumes; Delete by default.'),
    mountOptions: field(5, listOf(str, { listType: 'atomic' }), 'Mount options given to provisioned volumes.'),
    allowVolumeExpansion: field(6, bool, 'Whether claims of this class may grow.'),
    volumeBindingMode: field(
      7,
      strEnum('Immediate', 'WaitForFirstConsumer'),
      'Whether volumes bind at once or when a pod first uses the claim.',
    ),
    allowedTopologies: field(
      8,
      listOf(core('TopologySelectorTerm'), { listType: 'atomic' }),
      'Topologies volumes may be provisioned in.',
    ),
  },
);

const RBAC = 'io.k8s.api.rbac.v1';
const rbacGvk = (k: string) => ({ group: 'rbac.authorization.k8s.io', version: 'v1', kind: k });
const rules = () => field(2, listOf(ref(`${RBAC}.PolicyRule`), { listType: 'atomic' }), 'Permissions granted.');
const subjects = () => field(2, listOf(ref(`${RBAC}.Subject`), { listType: 'atomic' }), 'Who receives the role.');
const roleRef = () => field(3, ref(`${RBAC}.RoleRef`), 'Role granted; immutable.', { required: true });
const rbac: TypeDef[] = [
  kind(`${RBAC}.Role`, 'Namespaced set of permissions.', rbacGvk('Role'), { rules: rules() }),
  kind(`${RBAC}.ClusterRole`, 'Cluster-wide set of permissions.', rbacGvk('ClusterRole'), {
    rules: rules(),
    aggregationRule: field(3, ref(`${RBAC}.AggregationRule`), 'Builds the rules from other ClusterRoles.'),
  }),
  kind(`${RBAC}.RoleBinding`, 'Grants a role to subjects within a namespace.', rbacGvk('RoleBinding'), {
    subjects: subjects(),
    roleRef: roleRef(),
  }),
  kind(`${RBAC}.ClusterRoleBinding`, 'Grants a ClusterRole to subjects cluster-wide.', rbacGvk('ClusterRoleBinding'), {
    subjects: subjects(),
    roleRef: roleRef(),
  }),
  struct(`${RBAC}.PolicyRule`, 'Verbs allowed on resources or non-resource URLs.', {
    verbs: field(1, listOf(str, { listType: 'atomic' }), 'Allowed verbs; "*" for all.', { required: true }),
    apiGroups: field(2, listOf(str, { listType: 'atomic' }), 'API groups of the resources; "" is core.'),
    resources: field(3, listOf(str, { listType: 'atomic' }), 'Resources covered; "*" for all.'),
    resourceNames: field(4, listOf(str, { listType: 'atomic' }), 'Object names covered; all when empty.'),
    nonResourceURLs: field(5, listOf(str, { listType: 'atomic' }), 'URL paths covered, outside resources.'),
  }),
  struct(`${RBAC}.AggregationRule`, 'Selects ClusterRoles whose rules are merged in.', {
    clusterRoleSelectors: field(
      1,
      listOf(meta('LabelSelector'), { listType: 'atomic' }),
      'Selectors of the ClusterRoles to merge.',
    ),
  }),
  struct(
    `${RBAC}.Subject`,
    'A user, group or service account a binding applies to.',
    {
      kind: field(1, str, 'User, Group or ServiceAccount.', { required: true }),
      apiGroup: field(2, str, 'API group of the subject.'),
      name: field(3, str, 'Name of the subject.', { required: true }),
      namespace: field(4, str, 'Namespace of a service account subject.'),
    },
    { mapType: 'atomic' },
  ),
  struct(
    `${RBAC}.RoleRef`,
    'The role a binding grants.',
    {
      apiGroup: field(1, str, 'API group of the role.', { required: true }),
      kind: field(2, str, 'Role or ClusterRole.', { required: true }),
      name: field(3, str, 'Name of the role.', { required: true }),
    },
    { mapType: 'atomic' },
  ),
];

const POLICY = 'io.k8s.api.policy.v1';
const pdb: TypeDef[] = [
  kind(
    `${POLICY}.PodDisruptionBudget`,
    'Limits voluntary disruption of a set of pods.',
    { group: 'policy', version: 'v1', kind: 'PodDisruptionBudget' },
    {
      spec: field(2, ref(`${POLICY}.PodDisruptionBudgetSpec`), 'Desired budget.'),
      status: field(3, ref(`${POLICY}.PodDisruptionBudgetStatus`), 'Most recently observed state.'),
    },
  ),
  struct(`${POLICY}.PodDisruptionBudgetSpec`, 'Pods covered and the disruption allowed.', {
    minAvailable: field(1, intOrString, 'Pods (count or percentage) that must stay available.'),
    selector: field(2, meta('LabelSelector'), 'Pods covered; empty selects all in the namespace.', {
      strategy: 'replace',
    }),
    maxUnavailable: field(3, intOrString, 'Pods (count or percentage) that may be unavailable.'),
    unhealthyPodEvictionPolicy: field(
      4,
      strEnum('AlwaysAllow', 'IfHealthyBudget'),
      'When running but unhealthy pods may be evicted.',
    ),
  }),
  struct(`${POLICY}.PodDisruptionBudgetStatus`, 'Observed state of a disruption budget.', {
    observedGeneration: field(1, int64, 'Generation last acted on.'),
    disruptedPods: field(2, mapOf(time), 'Pods being evicted, with the time the eviction was accepted.'),
    disruptionsAllowed: field(3, int32, 'Disruptions currently allowed.', { required: true }),
    currentHealthy: field(4, int32, 'Healthy pods now.', { required: true }),
    desiredHealthy: field(5, int32, 'Least number of healthy pods wanted.', { required: true }),
    expectedPods: field(6, int32, 'Pods counted by the budget.', { required: true }),
    conditions: conditionsOf('io.k8s.apimachinery.pkg.apis.meta.v1.Condition', 'State of the budget.', 7),
  }),
];

const SCHED = 'io.k8s.api.scheduling.v1';
const priorityClass = kind(
  `${SCHED}.PriorityClass`,
  'Maps a class name to a pod scheduling priority.',
  { group: 'scheduling.k8s.io', version: 'v1', kind: 'PriorityClass' },
  {
    value: field(2, int32, 'Priority given to pods of this class.', { required: true }),
    globalDefault: field(3, bool, 'Whether pods without a class get this one.'),
    description: field(4, str, 'When this class should be used.'),
    preemptionPolicy: field(
      5,
      strEnum('Never', 'PreemptLowerPriority'),
      'Whether pods of this class may preempt others; PreemptLowerPriority by default.',
    ),
  },
);

/** Type definitions of the smaller built-in groups. */
export const miscDefinitions: TypeDef[] = [
  ...lease,
  ...event,
  ...hpaV1,
  ...hpaV2,
  storageClass,
  ...rbac,
  ...pdb,
  priorityClass,
];

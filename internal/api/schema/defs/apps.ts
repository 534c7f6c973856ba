/**
 * apps/v1 workload kinds (Deployment, ReplicaSet, StatefulSet, DaemonSet,
 * ControllerRevision) and the autoscaling/v1 Scale subresource they share.
 */
import {
  bool,
  field,
  int32,
  int64,
  intOrString,
  listOf,
  raw,
  ref,
  str,
  strEnum,
  struct,
  time,
  typeMeta,
} from '../model.ts';
import type { FieldDef, TypeDef } from '../model.ts';

const APPS = 'io.k8s.api.apps.v1';
const meta = (name: string) => ref(`io.k8s.apimachinery.pkg.apis.meta.v1.${name}`);
const core = (name: string) => ref(`io.k8s.api.core.v1.${name}`);
const apps = (name: string) => ref(`${APPS}.${name}`);

function objectMeta(): FieldDef {
  return field(1, meta('ObjectMeta'), 'Standard object metadata.');
}

/** Conditions are keyed by type for both strategic merge patch and apply. */
function conditionList(name: string, proto: number): FieldDef {
  return field(
    proto,
    listOf(apps(name), { listType: 'map', mapKeys: ['type'], mergeKey: 'type', strategy: 'merge' }),
    'Latest observations of the current state.',
  );
}

/** The condition shape shared by ReplicaSet, StatefulSet and DaemonSet. */
function simpleCondition(name: string, owner: string): TypeDef {
  return struct(`${APPS}.${name}`, `One observed state of a ${owner}.`, {
    type: field(1, str, 'Kind of condition.', { required: true }),
    status: field(2, str, 'True, False or Unknown.', { required: true }),
    lastTransitionTime: field(3, time, 'When the status last changed.'),
    reason: field(4, str, 'Machine-readable cause of the last change.'),
    message: field(5, str, 'Human-readable detail of the last change.'),
  });
}

const deployment: TypeDef[] = [
  struct(
    `${APPS}.Deployment`,
    'Declarative rollout of a pod template through ReplicaSets.',
    {
      ...typeMeta(),
      metadata: objectMeta(),
      spec: field(2, apps('DeploymentSpec'), 'Desired behaviour of the Deployment.'),
      status: field(3, apps('DeploymentStatus'), 'Most recently observed state of the Deployment.'),
    },
    { gvk: { group: 'apps', version: 'v1', kind: 'Deployment' } },
  ),
  struct(`${APPS}.DeploymentSpec`, 'Desired state of a Deployment.', {
    replicas: field(1, int32, 'Number of pods wanted; 1 when unset.'),
    selector: field(2, meta('LabelSelector'), 'Selects the pods this Deployment owns; must match the template labels.', {
      required: true,
    }),
    template: field(3, core('PodTemplateSpec'), 'Pod stamped out for each replica.', { required: true }),
    strategy: field(4, apps('DeploymentStrategy'), 'How old pods are replaced by new ones.', {
      strategy: 'retainKeys',
    }),
    minReadySeconds: field(5, int32, 'Seconds a new pod must stay ready before it counts as available.'),
    revisionHistoryLimit: field(6, int32, 'Old ReplicaSets kept for rollback; 10 when unset.'),
    paused: field(7, bool, 'Stops the rollout from progressing while true.'),
    progressDeadlineSeconds: field(9, int32, 'Seconds without progress before the rollout is reported failed.'),
  }),
  struct(`${APPS}.DeploymentStrategy`, 'How a Deployment replaces its pods.', {
    type: field(1, strEnum('Recreate', 'RollingUpdate'), 'Recreate or RollingUpdate (the default).'),
    rollingUpdate: field(2, apps('RollingUpdateDeployment'), 'Parameters used when type is RollingUpdate.'),
  }),
  struct(`${APPS}.RollingUpdateDeployment`, 'Limits of a Deployment rolling update.', {
    maxUnavailable: field(1, intOrString, 'Pods (count or percentage) that may be unavailable during the update.'),
    maxSurge: field(2, intOrString, 'Pods (count or percentage) that may exist above the desired count.'),
  }),
  struct(`${APPS}.DeploymentStatus`, 'Observed state of a Deployment.', {
    observedGeneration: field(1, int64, 'Generation last acted on by the controller.'),
    replicas: field(2, int32, 'Non-terminating pods selected by the Deployment.'),
    updatedReplicas: field(3, int32, 'Non-terminating pods running the current template.'),
    readyReplicas: field(7, int32, 'Non-terminating pods that are ready.'),
    availableReplicas: field(4, int32, 'Pods ready for at least minReadySeconds.'),
    unavailableReplicas: field(5, int32, 'Pods still missing for full availability.'),
    conditions: conditionList('DeploymentCondition', 6),
    collisionCount: field(8, int32, 'Hash collisions met while naming new ReplicaSets.'),
  }),
  struct(`${APPS}.DeploymentCondition`, 'One observed state of a Deployment.', {
    type: field(1, str, 'Kind of condition (Available, Progressing, ReplicaFailure).', { required: true }),
    status: field(2, str, 'True, False or Unknown.', { required: true }),
    lastUpdateTime: field(6, time, 'When the condition was last refreshed.'),
    lastTransitionTime: field(7, time, 'When the status last changed.'),
    reason: field(4, str, 'Machine-readable cause of the last change.'),
    message: field(5, str, 'Human-readable detail of the last change.'),
  }),
];

const replicaSet: TypeDef[] = [
  struct(
    `${APPS}.ReplicaSet`,
    'Keeps a fixed number of identical pods running.',
    {
      ...typeMeta(),
      metadata: objectMeta(),
      spec: field(2, apps('ReplicaSetSpec'), 'Desired behaviour of the ReplicaSet.'),
      status: field(3, apps('ReplicaSetStatus'), 'Most recently observed state of the ReplicaSet.'),
    },
    { gvk: { group: 'apps', version: 'v1', kind: 'ReplicaSet' } },
  ),
  struct(`${APPS}.ReplicaSetSpec`, 'Desired state of a ReplicaSet.', {
    replicas: field(1, int32, 'Number of pods wanted; 1 when unset.'),
    minReadySeconds: field(4, int32, 'Seconds a new pod must stay ready before it counts as available.'),
    selector: field(2, meta('LabelSelector'), 'Selects the pods this ReplicaSet owns; must match the template labels.', {
      required: true,
    }),
    template: field(3, core('PodTemplateSpec'), 'Pod created when replicas are missing.'),
  }),
  struct(`${APPS}.ReplicaSetStatus`, 'Observed state of a ReplicaSet.', {
    replicas: field(1, int32, 'Non-terminating pods last observed.', { required: true }),
    fullyLabeledReplicas: field(2, int32, 'Non-terminating pods carrying every template label.'),
    readyReplicas: field(4, int32, 'Non-terminating pods that are ready.'),
    availableReplicas: field(5, int32, 'Pods ready for at least minReadySeconds.'),
    observedGeneration: field(3, int64, 'Generation last acted on by the controller.'),
    conditions: conditionList('ReplicaSetCondition', 6),
  }),
  simpleCondition('ReplicaSetCondition', 'ReplicaSet'),
];

const statefulSet: TypeDef[] = [
  struct(
    `${APPS}.StatefulSet`,
    'Pods with stable network identities and per-pod storage.',
    {
      ...typeMeta(),
      metadata: objectMeta(),
      spec: field(2, apps('StatefulSetSpec'), 'Desired identities of the pods in the set.'),
      status: field(3, apps('StatefulSetStatus'), 'Most recently observed state of the set.'),
    },
    { gvk: { group: 'apps', version: 'v1', kind: 'StatefulSet' } },
  ),
  struct(`${APPS}.StatefulSetSpec`, 'Desired state of a StatefulSet.', {
    replicas: field(1, int32, 'Number of pods wanted; 1 when unset.'),
    selector: field(2, meta('LabelSelector'), 'Selects the pods this set owns; must match the template labels.', {
      required: true,
    }),
    template: field(3, core('PodTemplateSpec'), 'Pod stamped out for each ordinal.', { required: true }),
    volumeClaimTemplates: field(
      4,
      listOf(core('PersistentVolumeClaim'), { listType: 'atomic' }),
      'Claims created for every pod and mounted by name.',
    ),
    serviceName: field(5, str, 'Headless service that gives the pods their DNS names.'),
    podManagementPolicy: field(
      6,
      strEnum('OrderedReady', 'Parallel'),
      'Whether pods are created and removed one at a time (OrderedReady) or all at once (Parallel).',
    ),
    updateStrategy: field(7, apps('StatefulSetUpdateStrategy'), 'How pods are replaced when the template changes.'),
    revisionHistoryLimit: field(8, int32, 'Old revisions kept; 10 when unset.'),
    minReadySeconds: field(9, int32, 'Seconds a new pod must stay ready before it counts as available.'),
    persistentVolumeClaimRetentionPolicy: field(
      10,
      apps('StatefulSetPersistentVolumeClaimRetentionPolicy'),
      'What happens to template claims when the set is deleted or scaled down.',
    ),
    ordinals: field(11, apps('StatefulSetOrdinals'), 'Numbering of the pod ordinals.'),
  }),
  struct(`${APPS}.StatefulSetUpdateStrategy`, 'How a StatefulSet replaces its pods.', {
    type: field(1, strEnum('OnDelete', 'RollingUpdate'), 'RollingUpdate (the default) or OnDelete.'),
    rollingUpdate: field(2, apps('RollingUpdateStatefulSetStrategy'), 'Parameters used when type is RollingUpdate.'),
  }),
  struct(`${APPS}.RollingUpdateStatefulSetStrategy`, 'Limits of a StatefulSet rolling update.', {
    partition: field(1, int32, 'Only ordinals at or above this number are updated.'),
    maxUnavailable: field(2, intOrString, 'Pods (count or percentage) that may be unavailable during the update.'),
  }),
  struct(
    `${APPS}.StatefulSetPersistentVolumeClaimRetentionPolicy`,
    'Lifecycle of the claims made from volumeClaimTemplates.',
    {
      whenDeleted: field(1, strEnum('Delete', 'Retain'), 'Claim handling when the set is deleted; Retain by default.'),
      whenScaled: field(2, strEnum('Delete', 'Retain'), 'Claim handling for pods removed by scale-down; Retain by default.'),
    },
  ),
  struct(`${APPS}.StatefulSetOrdinals`, 'Numbering of StatefulSet pods.', {
    start: field(1, int32, 'Ordinal of the first pod; 0 when unset.'),
  }),
  struct(`${APPS}.StatefulSetStatus`, 'Observed state of a StatefulSet.', {
    observedGeneration: field(1, int64, 'Generation last acted on by the controller.'),
    replicas: field(2, int32, 'Pods created by the controller.', { required: true }),
    readyReplicas: field(3, int32, 'Pods that are ready.'),
    currentReplicas: field(4, int32, 'Pods running the currentRevision.'),
    updatedReplicas: field(5, int32, 'Pods running the updateRevision.'),
    currentRevision: field(6, str, 'Revision of the pods with the lowest ordinals.'),
    updateRevision: field(7, str, 'Revision being rolled out.'),
    collisionCount: field(9, int32, 'Hash collisions met while naming new revisions.'),
    conditions: conditionList('StatefulSetCondition', 10),
    availableReplicas: field(11, int32, 'Pods ready for at least minReadySeconds.'),
  }),
  simpleCondition('StatefulSetCondition', 'StatefulSet'),
];

const daemonSet: TypeDef[] = [
  struct(
    `${APPS}.DaemonSet`,
    'Runs one copy of a pod on every eligible node.',
    {
      ...typeMeta(),
      metadata: objectMeta(),
      spec: field(2, apps('DaemonSetSpec'), 'Desired behaviour of the DaemonSet.'),
      status: field(3, apps('DaemonSetStatus'), 'Most recently observed state of the DaemonSet.'),
    },
    { gvk: { group: 'apps', version: 'v1', kind: 'DaemonSet' } },
  ),
  struct(`${APPS}.DaemonSetSpec`, 'Desired state of a DaemonSet.', {
    selector: field(1, meta('LabelSelector'), 'Selects the pods this DaemonSet owns; must match the template labels.', {
      required: true,
    }),
    template: field(2, core('PodTemplateSpec'), 'Pod placed on each matching node.', { required: true }),
    updateStrategy: field(3, apps('DaemonSetUpdateStrategy'), 'How pods are replaced when the template changes.'),
    minReadySeconds: field(4, int32, 'Seconds a new pod must stay ready before it counts as available.'),
    revisionHistoryLimit: field(6, int32, 'Old revisions kept; 10 when unset.'),
  }),
  struct(`${APPS}.DaemonSetUpdateStrategy`, 'How a DaemonSet replaces its pods.', {
    type: field(1, strEnum('OnDelete', 'RollingUpdate'), 'RollingUpdate (the default) or OnDelete.'),
    rollingUpdate: field(2, apps('RollingUpdateDaemonSet'), 'Parameters used when type is RollingUpdate.'),
  }),
  struct(`${APPS}.RollingUpdateDaemonSet`, 'Limits of a DaemonSet rolling update.', {
    maxUnavailable: field(1, intOrString, 'Nodes (count or percentage) whose pod may be down during the update.'),
    maxSurge: field(2, intOrString, 'Nodes (count or percentage) that may run old and new pod side by side.'),
  }),
  struct(`${APPS}.DaemonSetStatus`, 'Observed state of a DaemonSet.', {
    currentNumberScheduled: field(1, int32, 'Nodes running the pod that should run it.', { required: true }),
    numberMisscheduled: field(2, int32, 'Nodes running the pod that should not.', { required: true }),
    desiredNumberScheduled: field(3, int32, 'Nodes that should run the pod.', { required: true }),
    numberReady: field(4, int32, 'Nodes whose pod is ready.', { required: true }),
    observedGeneration: field(5, int64, 'Generation last acted on by the controller.'),
    updatedNumberScheduled: field(6, int32, 'Nodes running the current template.'),
    numberAvailable: field(7, int32, 'Nodes whose pod has been ready for minReadySeconds.'),
    numberUnavailable: field(8, int32, 'Nodes that should run the pod but have none available.'),
    collisionCount: field(9, int32, 'Hash collisions met while naming new revisions.'),
    conditions: conditionList('DaemonSetCondition', 10),
  }),
  simpleCondition('DaemonSetCondition', 'DaemonSet'),
];

const controllerRevision = struct(
  `${APPS}.ControllerRevision`,
  'Immutable snapshot of controller state, used for rollback.',
  {
    ...typeMeta(),
    metadata: objectMeta(),
    data: field(2, raw, 'Serialized state captured by this revision.'),
    revision: field(3, int64, 'Sequence number of this revision.', { required: true }),
  },
  { gvk: { group: 'apps', version: 'v1', kind: 'ControllerRevision' } },
);

const AUTOSCALING_V1 = 'io.k8s.api.autoscaling.v1';

const scale: TypeDef[] = [
  struct(
    `${AUTOSCALING_V1}.Scale`,
    'Scaling request for a resource with a scale subresource.',
    {
      ...typeMeta(),
      metadata: objectMeta(),
      spec: field(2, ref(`${AUTOSCALING_V1}.ScaleSpec`), 'Desired scale.'),
      status: field(3, ref(`${AUTOSCALING_V1}.ScaleStatus`), 'Observed scale; read-only.'),
    },
    { gvk: { group: 'autoscaling', version: 'v1', kind: 'Scale' } },
  ),
  struct(`${AUTOSCALING_V1}.ScaleSpec`, 'Desired scale of a resource.', {
    replicas: field(1, int32, 'Wanted number of instances.'),
  }),
  struct(`${AUTOSCALING_V1}.ScaleStatus`, 'Observed scale of a resource.', {
    replicas: field(1, int32, 'Observed number of instances.', { required: true }),
    selector: field(2, str, 'Label selector of the counted pods, in query-string form.'),
  }),
];

/** Type definitions of apps/v1 and of autoscaling/v1 Scale. */
export const appsDefinitions: TypeDef[] = [
  ...deployment,
  ...replicaSet,
  ...statefulSet,
  ...daemonSet,
  controllerRevision,
  ...scale,
];

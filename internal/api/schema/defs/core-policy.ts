/** core/v1 ResourceQuota, LimitRange, ReplicationController and ComponentStatus. */
import { field, int32, int64, listOf, mapOf, str, struct, time } from '../model.ts';
import type { TypeDef } from '../model.ts';
import { coreKind, coreName, coreRef, required, resourceList } from './core-shared.ts';

export const resourceQuota = coreKind('ResourceQuota', 'Aggregate resource limits of a namespace.', {
  spec: field(2, coreRef('ResourceQuotaSpec'), 'Desired limits.'),
  status: field(3, coreRef('ResourceQuotaStatus'), 'Enforced limits and current usage.'),
});

export const resourceQuotaSpec = struct(coreName('ResourceQuotaSpec'), 'Desired limits of a quota.', {
  hard: field(1, resourceList, 'Limit for each named resource.'),
  scopes: field(2, listOf(str, { listType: 'atomic' }), 'Scopes an object must match to count.'),
  scopeSelector: field(3, coreRef('ScopeSelector'), 'Scope expressions an object must match to count.'),
});

export const scopeSelector = struct(
  coreName('ScopeSelector'),
  'Scope requirements that must all hold.',
  {
    matchExpressions: field(
      1,
      listOf(coreRef('ScopedResourceSelectorRequirement'), { listType: 'atomic' }),
      'Requirements by scope.',
    ),
  },
  { mapType: 'atomic' },
);

export const scopedResourceSelectorRequirement = struct(
  coreName('ScopedResourceSelectorRequirement'),
  'One requirement on a quota scope.',
  {
    scopeName: field(1, str, 'Scope the requirement applies to.', required),
    operator: field(2, str, 'In, NotIn, Exists or DoesNotExist.', required),
    values: field(3, listOf(str, { listType: 'atomic' }), 'Values to compare with.'),
  },
);

export const resourceQuotaStatus = struct(coreName('ResourceQuotaStatus'), 'Enforced limits and usage of a quota.', {
  hard: field(1, resourceList, 'Enforced limit of each resource.'),
  used: field(2, resourceList, 'Current usage of each resource.'),
});

export const limitRange = coreKind('LimitRange', 'Per-object resource limits in a namespace.', {
  spec: field(2, coreRef('LimitRangeSpec'), 'Limits enforced.'),
});

export const limitRangeSpec = struct(coreName('LimitRangeSpec'), 'Limits of a LimitRange.', {
  limits: field(1, listOf(coreRef('LimitRangeItem'), { listType: 'atomic' }), 'Limits by kind of object.', required),
});

export const limitRangeItem = struct(coreName('LimitRangeItem'), 'Limits for one kind of object.', {
  type: field(1, str, 'Kind the limits apply to: Pod, Container or PersistentVolumeClaim.', required),
  max: field(2, resourceList, 'Largest usage allowed per resource.'),
  min: field(3, resourceList, 'Smallest usage allowed per resource.'),
  default: field(4, resourceList, 'Limit applied when none is given.'),
  defaultRequest: field(5, resourceList, 'Request applied when none is given.'),
  maxLimitRequestRatio: field(6, resourceList, 'Largest allowed ratio of limit to request.'),
});

export const replicationController = coreKind('ReplicationController', 'Keeps a number of pod replicas running.', {
  spec: field(2, coreRef('ReplicationControllerSpec'), 'Desired behaviour.'),
  status: field(3, coreRef('ReplicationControllerStatus'), 'Observed state.'),
});

export const replicationControllerSpec = struct(coreName('ReplicationControllerSpec'), 'Desired behaviour of a replication controller.', {
  replicas: field(1, int32, 'Number of pods wanted; defaults to 1.'),
  minReadySeconds: field(4, int32, 'Seconds a pod must be ready to count as available.'),
  selector: field(2, mapOf(str, { mapType: 'atomic' }), 'Labels of the managed pods.'),
  template: field(3, coreRef('PodTemplateSpec'), 'Template of the pods created.'),
});

export const replicationControllerStatus = struct(
  coreName('ReplicationControllerStatus'),
  'Observed state of a replication controller.',
  {
    replicas: field(1, int32, 'Number of pods observed.', required),
    fullyLabeledReplicas: field(2, int32, 'Pods whose labels match the template.'),
    readyReplicas: field(4, int32, 'Ready pods.'),
    availableReplicas: field(5, int32, 'Pods ready for at least minReadySeconds.'),
    observedGeneration: field(3, int64, 'Generation last acted on.'),
    conditions: field(
      6,
      listOf(coreRef('ReplicationControllerCondition'), {
        listType: 'map',
        mapKeys: ['type'],
        mergeKey: 'type',
        strategy: 'merge',
      }),
      'Current conditions.',
    ),
  },
);

export const replicationControllerCondition = struct(
  coreName('ReplicationControllerCondition'),
  'One condition of a replication controller.',
  {
    type: field(1, str, 'Condition type.', required),
    status: field(2, str, 'True, False or Unknown.', required),
    lastTransitionTime: field(3, time, 'When the status last changed.'),
    reason: field(4, str, 'Machine-readable reason for the last change.'),
    message: field(5, str, 'Human-readable detail on the last change.'),
  },
);

export const componentStatus = coreKind('ComponentStatus', 'Deprecated health of a control plane component.', {
  conditions: field(
    2,
    listOf(coreRef('ComponentCondition'), { listType: 'map', mapKeys: ['type'], mergeKey: 'type', strategy: 'merge' }),
    'Observed conditions.',
  ),
});

export const componentCondition = struct(coreName('ComponentCondition'), 'One condition of a component.', {
  type: field(1, str, 'Condition type, e.g. Healthy.', required),
  status: field(2, str, 'True, False or Unknown.', required),
  message: field(3, str, 'Detail on the condition.'),
  error: field(4, str, 'Error code of the condition.'),
});

export const corePolicyDefinitions: TypeDef[] = [
  resourceQuota,
  resourceQuotaSpec,
  scopeSelector,
  scopedResourceSelectorRequirement,
  resourceQuotaStatus,
  limitRange,
  limitRangeSpec,
  limitRangeItem,
  replicationController,
  replicationControllerSpec,
  replicationControllerStatus,
  replicationControllerCondition,
  componentStatus,
  componentCondition,
];

/** The per-kind validators `validateCreate` and `validateUpdate` dispatch to. */
import type { KubeObject } from '../../apiserver/objects.ts';
import type { ResourceType } from '../resources.ts';
import {
  validateControllerRevision, validateControllerRevisionUpdate, validateHorizontalPodAutoscaler, validateLease,
  validatePodDisruptionBudget, validateRole, validateRoleBinding, validateRoleBindingUpdate, validateServiceAccount,
} from './access.ts';
import { validateCronJob, validateJob, validateJobUpdate } from './batch.ts';
import {
  validateEndpoints, validateEvent, validateLimitRange, validateNode, validateNodeUpdate, validatePersistentVolume,
  validatePersistentVolumeClaim, validatePersistentVolumeClaimUpdate, validatePriorityClass, validatePriorityClassUpdate,
  validateResourceQuota, validateStorageClass, validateStorageClassUpdate,
} from './cluster.ts';
import { validateConfigMap, validateConfigMapUpdate, validateNamespace, validateSecret, validateSecretUpdate } from './config.ts';
import type { Causes } from './field.ts';
import { invalidValue, jsonEqual } from './field.ts';
import { validateEndpointSlice, validateIngress, validateIngressClass, validateNetworkPolicy } from './networking.ts';
import { validatePod, validatePodTemplate, validatePodUpdate } from './pod.ts';
import { validateService, validateServiceUpdate } from './service.ts';
import { validateDaemonSet, validateDeployment, validateReplicaSet, validateStatefulSet, validateWorkloadUpdate } from './workloads.ts';

export interface KindValidator {
  create: (object: KubeObject, type: ResourceType) => Causes;
  /** Defaults to `create` when the kind has no update-only rules. */
  update?: (object: KubeObject, type: ResourceType, old: KubeObject) => Causes;
}

function workload(kind: string, validate: (o: KubeObject) => Causes): KindValidator {
  return { create: validate, update: (o, _t, old) => validateWorkloadUpdate(kind, o, old, validate) };
}

function withUpdate(create: (o: KubeObject) => Causes, update: (o: KubeObject, old: KubeObject) => Causes): KindValidator {
  return { create, update: (o, _t, old) => update(o, old) };
}

/** A top-level field that may not change after creation, e.g. an EndpointSlice's addressType. */
function fixedField(create: (o: KubeObject) => Causes, path: string[]): KindValidator {
  const read = (o: KubeObject): unknown => path.reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], o);
  return withUpdate(create, (o, old) => {
    const causes = create(o);
    if (!jsonEqual(read(o), read(old))) causes.push(invalidValue(path.join('.'), read(o) ?? null, 'field is immutable'));
    return causes;
  });
}

export const kindValidators: Record<string, KindValidator> = {
  Pod: withUpdate(validatePod, validatePodUpdate),
  PodTemplate: { create: validatePodTemplate },
  Service: withUpdate(validateService, validateServiceUpdate),
  Deployment: workload('Deployment', validateDeployment),
  ReplicaSet: workload('ReplicaSet', validateReplicaSet),
  StatefulSet: workload('StatefulSet', validateStatefulSet),
  DaemonSet: workload('DaemonSet', validateDaemonSet),
  ControllerRevision: withUpdate(validateControllerRevision, validateControllerRevisionUpdate),
  Job: withUpdate(validateJob, validateJobUpdate),
  CronJob: { create: validateCronJob },
  ConfigMap: withUpdate(validateConfigMap, validateConfigMapUpdate),
  Secret: withUpdate(validateSecret, validateSecretUpdate),
  Namespace: { create: validateNamespace },
  ServiceAccount: { create: validateServiceAccount },
  Node: withUpdate(validateNode, validateNodeUpdate),
  PersistentVolume: { create: validatePersistentVolume },
  PersistentVolumeClaim: withUpdate(validatePersistentVolumeClaim, validatePersistentVolumeClaimUpdate),
  StorageClass: withUpdate(validateStorageClass, validateStorageClassUpdate),
  PriorityClass: withUpdate(validatePriorityClass, validatePriorityClassUpdate),
  ResourceQuota: { create: validateResourceQuota },
  LimitRange: { create: validateLimitRange },
  Event: { create: (o, t) => validateEvent(o, t.group) },
  Endpoints: { create: validateEndpoints },
  Ingress: { create: validateIngress },
  IngressClass: fixedField(validateIngressClass, ['spec', 'controller']),
  NetworkPolicy: { create: validateNetworkPolicy },
  EndpointSlice: fixedField(validateEndpointSlice, ['addressType']),
  Lease: { create: validateLease },
  HorizontalPodAutoscaler: { create: (o, t) => validateHorizontalPodAutoscaler(o, t.version) },
  PodDisruptionBudget: { create: validatePodDisruptionBudget },
  Role: { create: (o) => validateRole(o, false) },
  ClusterRole: { create: (o) => validateRole(o, true) },
  RoleBinding: { create: (o) => validateRoleBinding(o, false), update: (o, _t, old) => validateRoleBindingUpdate(o, old, false) },
  ClusterRoleBinding: { create: (o) => validateRoleBinding(o, true), update: (o, _t, old) => validateRoleBindingUpdate(o, old, true) },
};

/**
 * Defaulting of built-in kinds, as upstream applies it on create and update.
 *
 * `applyDefaults` needs no server state and may run before the uid exists; the
 * Job selector is the one default that depends on the uid, so `defaultJobSelector`
 * is called separately on create, after the uid is assigned and before validation.
 */
import type { ResourceType } from '../resources.ts';
import type { JsonObject, KubeObject } from '../../apiserver/objects.ts';
import {
  defaultEndpoints, defaultLimitRange, defaultNamespace, defaultNode, defaultPersistentVolume,
  defaultPersistentVolumeClaim, defaultSecret, defaultService,
} from './core.ts';
import {
  defaultEndpointSlice, defaultHorizontalPodAutoscaler, defaultNetworkPolicy, defaultPriorityClass, defaultRoleBinding,
  defaultStorageClass,
} from './other.ts';
import { defaultPod, defaultPodTemplate, defaultPullPolicy } from './pod.ts';
import {
  defaultCronJob, defaultDaemonSet, defaultDeployment, defaultJob, defaultJobSelector, defaultReplicaSet, defaultStatefulSet,
} from './workloads.ts';

export { defaultJobSelector, defaultPullPolicy };

type Defaulter = (object: KubeObject, type: ResourceType) => void;

const byKind: Record<string, Defaulter> = {
  Pod: (o) => defaultPod(o as unknown as JsonObject),
  PodTemplate: (o) => defaultPodTemplate((o as unknown as JsonObject).template),
  Service: defaultService,
  Namespace: defaultNamespace,
  Secret: defaultSecret,
  PersistentVolumeClaim: defaultPersistentVolumeClaim,
  PersistentVolume: defaultPersistentVolume,
  Endpoints: defaultEndpoints,
  Node: defaultNode,
  LimitRange: defaultLimitRange,
  Deployment: defaultDeployment,
  ReplicaSet: defaultReplicaSet,
  StatefulSet: defaultStatefulSet,
  DaemonSet: defaultDaemonSet,
  Job: defaultJob,
  CronJob: defaultCronJob,
  RoleBinding: defaultRoleBinding,
  ClusterRoleBinding: defaultRoleBinding,
  PriorityClass: defaultPriorityClass,
  StorageClass: defaultStorageClass,
  NetworkPolicy: defaultNetworkPolicy,
  EndpointSlice: defaultEndpointSlice,
  HorizontalPodAutoscaler: (o, t) => defaultHorizontalPodAutoscaler(o, t.version),
};

/** Fills in upstream's defaults for `object` of `type`, in place; kinds without defaults are left as they are. */
export function applyDefaults(type: ResourceType, object: KubeObject): void {
  byKind[type.kind]?.(object, type);
}

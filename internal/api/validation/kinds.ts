/** The per-kind validators `validateCreate` and `validateUpdate` dispatch to. */
import type { KubeObject } from '../../apiserver/objects.ts';
import type { ResourceType } from '../resources.ts';
import type { Causes } from './field.ts';
import { validateCronJob, validateJob, validateJobUpdate } from './batch.ts';
import { validateConfigMap, validateConfigMapUpdate, validateNamespace, validateSecret, validateSecretUpdate } from './config.ts';
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

export const kindValidators: Record<string, KindValidator> = {
  Pod: { create: validatePod, update: (o, _t, old) => validatePodUpdate(o, old) },
  PodTemplate: { create: validatePodTemplate },
  Service: { create: validateService, update: (o, _t, old) => validateServiceUpdate(o, old) },
  Deployment: workload('Deployment', validateDeployment),
  ReplicaSet: workload('ReplicaSet', validateReplicaSet),
  StatefulSet: workload('StatefulSet', validateStatefulSet),
  DaemonSet: workload('DaemonSet', validateDaemonSet),
  Job: { create: validateJob, update: (o, _t, old) => validateJobUpdate(o, old) },
  CronJob: { create: validateCronJob },
  ConfigMap: { create: validateConfigMap, update: (o, _t, old) => validateConfigMapUpdate(o, old) },
  Secret: { create: validateSecret, update: (o, _t, old) => validateSecretUpdate(o, old) },
  Namespace: { create: validateNamespace },
};

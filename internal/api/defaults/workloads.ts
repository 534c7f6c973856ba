/** Defaults of apps/v1 and batch/v1 workloads. */
import type { JsonObject, KubeObject } from '../../apiserver/objects.ts';
import { defaultPodTemplate } from './pod.ts';
import { arrayOf, ensureObject, objectAt, setDefault } from './util.ts';

function specOf(object: KubeObject): JsonObject {
  return ensureObject(object as unknown as JsonObject, 'spec');
}

export function defaultDeployment(object: KubeObject): void {
  const spec = specOf(object);
  setDefault(spec, 'replicas', 1);
  const strategy = ensureObject(spec, 'strategy');
  setDefault(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') {
    const rolling = ensureObject(strategy, 'rollingUpdate');
    setDefault(rolling, 'maxUnavailable', '25%');
    setDefault(rolling, 'maxSurge', '25%');
  }
  setDefault(spec, 'revisionHistoryLimit', 10);
  setDefault(spec, 'progressDeadlineSeconds', 600);
  defaultPodTemplate(spec.template);
}

export function defaultReplicaSet(object: KubeObject): void {
  const spec = specOf(object);
  setDefault(spec, 'replicas', 1);
  defaultPodTemplate(spec.template);
}

export function defaultStatefulSet(object: KubeObject): void {
  const spec = specOf(object);
  setDefault(spec, 'replicas', 1);
  setDefault(spec, 'podManagementPolicy', 'OrderedReady');
  const strategy = ensureObject(spec, 'updateStrategy');
  setDefault(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') setDefault(ensureObject(strategy, 'rollingUpdate'), 'partition', 0);
  setDefault(spec, 'revisionHistoryLimit', 10);
  const retention = ensureObject(spec, 'persistentVolumeClaimRetentionPolicy');
  setDefault(retention, 'whenDeleted', 'Retain');
  setDefault(retention, 'whenScaled', 'Retain');
  for (const claim of arrayOf(spec.volumeClaimTemplates)) {
    setDefault(ensureObject(claim, 'spec'), 'volumeMode', 'Filesystem');
    setDefault(ensureObject(claim, 'status'), 'phase', 'Pending');
  }
  defaultPodTemplate(spec.template);
}

export function defaultDaemonSet(object: KubeObject): void {
  const spec = specOf(object);
  const strategy = ensureObject(spec, 'updateStrategy');
  setDefault(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') {
    const rolling = ensureObject(strategy, 'rollingUpdate');
    setDefault(rolling, 'maxUnavailable', 1);
    setDefault(rolling, 'maxSurge', 0);
  }
  setDefault(spec, 'revisionHistoryLimit', 10);
  defaultPodTemplate(spec.template);
}

/**
 * Job defaults that need no uid. Parallelism and completions both default to 1
 * only when neither is set; a set parallelism leaves completions unset (a work queue).
 */
export function defaultJob(object: KubeObject): void {
  const spec = specOf(object);
  if (spec.completions == null && spec.parallelism == null) spec.completions = 1;
  setDefault(spec, 'parallelism', 1);
  setDefault(spec, 'backoffLimit', spec.backoffLimitPerIndex == null ? 6 : 2147483647);
  setDefault(spec, 'completionMode', 'NonIndexed');
  setDefault(spec, 'suspend', false);
  setDefault(spec, 'podReplacementPolicy', objectAt(spec, 'podFailurePolicy') === undefined ? 'TerminatingOrFailed' : 'Failed');
  for (const rule of arrayOf(objectAt(spec, 'podFailurePolicy')?.rules)) {
    for (const pattern of arrayOf(rule.onPodConditions)) setDefault(pattern, 'status', 'True');
  }
  defaultPodTemplate(spec.template);
}

/**
 * Job selector generation, which needs `metadata.uid`: call after the uid is assigned
 * on create. Unless `spec.manualSelector` is true, the selector matches the uid and the
 * template carries the uid and job-name labels (both the prefixed and legacy keys).
 */
export function defaultJobSelector(job: KubeObject): void {
  const spec = specOf(job);
  const uid = job.metadata.uid ?? '';
  const name = job.metadata.name ?? '';
  if (spec.manualSelector === true || uid === '') return;
  const template = ensureObject(spec, 'template');
  const labels = ensureObject(ensureObject(template, 'metadata'), 'labels');
  labels['batch.kubernetes.io/controller-uid'] = uid;
  labels['batch.kubernetes.io/job-name'] = name;
  labels['controller-uid'] = uid;
  labels['job-name'] = name;
  if (spec.selector == null) spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
}

export function defaultCronJob(object: KubeObject): void {
  const spec = specOf(object);
  setDefault(spec, 'concurrencyPolicy', 'Allow');
  setDefault(spec, 'suspend', false);
  setDefault(spec, 'successfulJobsHistoryLimit', 3);
  setDefault(spec, 'failedJobsHistoryLimit', 1);
  defaultPodTemplate(objectAt(spec.jobTemplate, 'spec')?.template);
}

/** batch/v1 kinds: Job and CronJob with their failure and success policies. */
import { bool, field, int32, int64, listOf, ref, str, strEnum, struct, time, typeMeta } from '../model.ts';
import type { TypeDef } from '../model.ts';

const BATCH = 'io.k8s.api.batch.v1';
const meta = (name: string) => ref(`io.k8s.apimachinery.pkg.apis.meta.v1.${name}`);
const core = (name: string) => ref(`io.k8s.api.core.v1.${name}`);
const batch = (name: string) => ref(`${BATCH}.${name}`);

const job: TypeDef[] = [
  struct(
    `${BATCH}.Job`,
    'Runs pods until a number of them complete successfully.',
    {
      ...typeMeta(),
      metadata: field(1, meta('ObjectMeta'), 'Standard object metadata.'),
      spec: field(2, batch('JobSpec'), 'Desired behaviour of the Job.'),
      status: field(3, batch('JobStatus'), 'Most recently observed state of the Job.'),
    },
    { gvk: { group: 'batch', version: 'v1', kind: 'Job' } },
  ),
  struct(`${BATCH}.JobSpec`, 'Desired execution of a Job.', {
    parallelism: field(1, int32, 'Most pods allowed to run at once.'),
    completions: field(2, int32, 'Successful pods needed for the Job to finish.'),
    activeDeadlineSeconds: field(3, int64, 'Seconds the Job may stay active before it is terminated.'),
    podFailurePolicy: field(11, batch('PodFailurePolicy'), 'Rules deciding how failed pods count against the limits.'),
    successPolicy: field(16, batch('SuccessPolicy'), 'Rules that let an Indexed Job succeed early.'),
    backoffLimit: field(7, int32, 'Retries before the Job is marked failed; 6 when unset.'),
    backoffLimitPerIndex: field(12, int32, 'Retries allowed for each index of an Indexed Job.'),
    maxFailedIndexes: field(13, int32, 'Failed indexes tolerated before the whole Job fails.'),
    selector: field(4, meta('LabelSelector'), 'Selects the pods of this Job; normally generated.'),
    manualSelector: field(5, bool, 'When true, the selector and pod labels are chosen by the user.'),
    template: field(6, core('PodTemplateSpec'), 'Pod created to do the work.', { required: true }),
    ttlSecondsAfterFinished: field(8, int32, 'Seconds after finishing before the Job may be deleted.'),
    completionMode: field(9, strEnum('Indexed', 'NonIndexed'), 'NonIndexed (the default) or Indexed completions.'),
    suspend: field(10, bool, 'While true, no pods are created and running ones are removed.'),
    podReplacementPolicy: field(
      14,
      strEnum('Failed', 'TerminatingOrFailed'),
      'When replacement pods are created: once old ones are terminating, or only once they failed.',
    ),
    managedBy: field(15, str, 'Controller responsible for the Job; empty means the built-in one.'),
  }),
  struct(`${BATCH}.PodFailurePolicy`, 'How failed pods affect the Job.', {
    rules: field(1, listOf(batch('PodFailurePolicyRule'), { listType: 'atomic' }), 'Rules tried in order.', {
      required: true,
    }),
  }),
  struct(`${BATCH}.PodFailurePolicyRule`, 'Action taken when a failed pod meets the requirements.', {
    action: field(1, strEnum('Count', 'FailIndex', 'FailJob', 'Ignore'), 'What to do with a matching failure.', {
      required: true,
    }),
    onExitCodes: field(2, batch('PodFailurePolicyOnExitCodesRequirement'), 'Requirement on container exit codes.'),
    onPodConditions: field(
      3,
      listOf(batch('PodFailurePolicyOnPodConditionsPattern'), { listType: 'atomic' }),
      'Pod conditions of which any one must match.',
    ),
  }),
  struct(`${BATCH}.PodFailurePolicyOnExitCodesRequirement`, 'Match on container exit codes.', {
    containerName: field(1, str, 'Only this container is checked; all when unset.'),
    operator: field(2, strEnum('In', 'NotIn'), 'Whether exit codes must be in or outside the values.', {
      required: true,
    }),
    values: field(3, listOf(int32, { listType: 'set' }), 'Exit codes compared against.', { required: true }),
  }),
  struct(`${BATCH}.PodFailurePolicyOnPodConditionsPattern`, 'Match on a pod condition.', {
    type: field(1, str, 'Pod condition type to look for.', { required: true }),
    status: field(2, str, 'Wanted condition status; True by default.'),
  }),
  struct(`${BATCH}.SuccessPolicy`, 'When an Indexed Job may be declared successful.', {
    rules: field(1, listOf(batch('SuccessPolicyRule'), { listType: 'atomic' }), 'Alternative rules; the first met wins.', {
      required: true,
    }),
  }),
  struct(`${BATCH}.SuccessPolicyRule`, 'One way for a Job to succeed.', {
    succeededIndexes: field(1, str, 'Indexes that must all succeed, as ranges such as "1,3-5".'),
    succeededCount: field(2, int32, 'Least number of succeeded indexes needed.'),
  }),
  struct(`${BATCH}.JobStatus`, 'Observed state of a Job.', {
    conditions: field(
      1,
      listOf(batch('JobCondition'), { listType: 'atomic', mergeKey: 'type', strategy: 'merge' }),
      'Latest observations of the Job state.',
    ),
    startTime: field(2, time, 'When the controller started working on the Job.'),
    completionTime: field(3, time, 'When the Job completed successfully.'),
    active: field(4, int32, 'Pending and running pods that are not terminating.'),
    succeeded: field(5, int32, 'Pods that reached phase Succeeded.'),
    failed: field(6, int32, 'Pods that reached phase Failed.'),
    terminating: field(11, int32, 'Pods that are being terminated.'),
    completedIndexes: field(7, str, 'Completed indexes of an Indexed Job, as ranges.'),
    failedIndexes: field(10, str, 'Failed indexes when backoffLimitPerIndex is set, as ranges.'),
    uncountedTerminatedPods: field(
      8,
      batch('UncountedTerminatedPods'),
      'Finished pods not yet reflected in the counters.',
    ),
    ready: field(9, int32, 'Active pods that are ready.'),
  }),
  struct(`${BATCH}.JobCondition`, 'One observed state of a Job.', {
    type: field(1, str, 'Kind of condition, such as Complete or Failed.', { required: true }),
    status: field(2, str, 'True, False or Unknown.', { required: true }),
    lastProbeTime: field(3, time, 'When the condition was last checked.'),
    lastTransitionTime: field(4, time, 'When the status last changed.'),
    reason: field(5, str, 'Machine-readable cause of the last change.'),
    message: field(6, str, 'Human-readable detail of the last change.'),
  }),
  struct(`${BATCH}.UncountedTerminatedPods`, 'UIDs of finished pods awaiting accounting.', {
    succeeded: field(1, listOf(str, { listType: 'set' }), 'UIDs of succeeded pods.'),
    failed: field(2, listOf(str, { listType: 'set' }), 'UIDs of failed pods.'),
  }),
];

const cronJob: TypeDef[] = [
  struct(
    `${BATCH}.CronJob`,
    'Creates Jobs on a repeating schedule.',
    {
      ...typeMeta(),
      metadata: field(1, meta('ObjectMeta'), 'Standard object metadata.'),
      spec: field(2, batch('CronJobSpec'), 'Schedule and Job template.'),
      status: field(3, batch('CronJobStatus'), 'Most recently observed state of the CronJob.'),
    },
    { gvk: { group: 'batch', version: 'v1', kind: 'CronJob' } },
  ),
  struct(`${BATCH}.CronJobSpec`, 'Desired schedule and Job of a CronJob.', {
    schedule: field(1, str, 'Cron expression of when to run.', { required: true }),
    timeZone: field(8, str, 'IANA time zone the schedule is read in; the controller zone when unset.'),
    startingDeadlineSeconds: field(2, int64, 'Seconds after a missed start during which the run may still begin.'),
    concurrencyPolicy: field(
      3,
      strEnum('Allow', 'Forbid', 'Replace'),
      'Whether runs may overlap (Allow), are skipped (Forbid) or replace the running one (Replace).',
    ),
    suspend: field(4, bool, 'While true, no further runs are started.'),
    jobTemplate: field(5, batch('JobTemplateSpec'), 'Job created for each run.', { required: true }),
    successfulJobsHistoryLimit: field(6, int32, 'Successful Jobs kept; 3 when unset.'),
    failedJobsHistoryLimit: field(7, int32, 'Failed Jobs kept; 1 when unset.'),
  }),
  struct(`${BATCH}.JobTemplateSpec`, 'Metadata and spec of the Jobs a CronJob creates.', {
    metadata: field(1, meta('ObjectMeta'), 'Metadata given to the created Jobs.'),
    spec: field(2, batch('JobSpec'), 'Spec given to the created Jobs.'),
  }),
  struct(`${BATCH}.CronJobStatus`, 'Observed state of a CronJob.', {
    active: field(1, listOf(core('ObjectReference'), { listType: 'atomic' }), 'Jobs currently running.'),
    lastScheduleTime: field(4, time, 'When a Job was last scheduled.'),
    lastSuccessfulTime: field(5, time, 'When a Job last completed successfully.'),
  }),
];

/** Type definitions of batch/v1. */
export const batchDefinitions: TypeDef[] = [...job, ...cronJob];

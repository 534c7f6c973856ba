/** batch/v1: Job and CronJob rules, and what their updates may change. */
import type { JsonObject, KubeObject } from '../../apiserver/objects.ts';
import { cronScheduleError, timeZoneError } from './cron.ts';
import {
  asObject, asString, invalidValue, jsonEqual, nonNegative, notSupported, oneOf, positive, required, stringMap,
  type Causes,
} from './field.ts';
import { validatePodTemplateSpec } from './pod.ts';
import { selectorMatches, validateLabelSelector } from './selectors.ts';

/** A JobSpec under `field` (spec, or spec.jobTemplate.spec); `needsSelector` for Jobs themselves. */
function validateJobSpec(spec: JsonObject, field: string, needsSelector: boolean): Causes {
  const causes: Causes = [];
  for (const key of ['parallelism', 'completions', 'backoffLimit', 'ttlSecondsAfterFinished', 'backoffLimitPerIndex', 'maxFailedIndexes']) {
    causes.push(...nonNegative(`${field}.${key}`, spec[key]));
  }
  causes.push(...positive(`${field}.activeDeadlineSeconds`, spec.activeDeadlineSeconds));
  causes.push(...oneOf(`${field}.completionMode`, spec.completionMode, ['NonIndexed', 'Indexed']));
  if (spec.completionMode === 'Indexed' && (spec.completions === undefined || spec.completions === null)) {
    causes.push(required(`${field}.completions`, 'when completion mode is Indexed'));
  }
  causes.push(...oneOf(`${field}.podReplacementPolicy`, spec.podReplacementPolicy, ['TerminatingOrFailed', 'Failed']));
  const selector = spec.selector;
  if (selector === undefined || selector === null) {
    if (needsSelector) causes.push(required(`${field}.selector`));
  } else {
    causes.push(...validateLabelSelector(selector, `${field}.selector`));
    const labels = stringMap(asObject(asObject(spec.template)?.metadata)?.labels);
    if (!selectorMatches(selector, labels)) {
      causes.push(invalidValue(`${field}.template.metadata.labels`, labels, '`selector` does not match template `labels`'));
    }
  }
  causes.push(...validatePodTemplateSpec(spec.template, `${field}.template`));
  const podSpec = asObject(asObject(spec.template)?.spec);
  if (podSpec !== undefined && podSpec.restartPolicy !== 'OnFailure' && podSpec.restartPolicy !== 'Never') {
    causes.push(notSupported(`${field}.template.spec.restartPolicy`, podSpec.restartPolicy ?? '', ['OnFailure', 'Never']));
  }
  return causes;
}

/** A Job on create. Unless manualSelector is set, the selector must be the generated one. */
export function validateJob(job: KubeObject): Causes {
  const spec = asObject(job.spec);
  if (spec === undefined) return [required('spec')];
  const causes = validateJobSpec(spec, 'spec', true);
  const uid = job.metadata.uid;
  if (spec.manualSelector !== true && uid && spec.selector != null) {
    const expected = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
    if (!jsonEqual(spec.selector, expected)) causes.push(invalidValue('spec.selector', spec.selector, '`selector` not auto-generated'));
  }
  return causes;
}

/** Fields of a JobSpec that can never change after creation. */
const jobImmutable = ['selector', 'completionMode', 'podFailurePolicy', 'backoffLimitPerIndex', 'manualSelector'];

/** A Job update: the spec rules plus immutable selector, mode, and template (except scheduling hints of a suspended job). */
export function validateJobUpdate(job: KubeObject, old: KubeObject): Causes {
  const spec = asObject(job.spec) ?? {};
  const oldSpec = asObject(old.spec) ?? {};
  const causes = validateJobSpec(spec, 'spec', true);
  for (const key of jobImmutable) {
    if (!jsonEqual(spec[key], oldSpec[key])) causes.push(invalidValue(`spec.${key}`, spec[key] ?? null, 'field is immutable'));
  }
  const indexed = spec.completionMode === 'Indexed' && spec.completions === spec.parallelism && oldSpec.completions === oldSpec.parallelism;
  if (!jsonEqual(spec.completions, oldSpec.completions) && !indexed) {
    causes.push(invalidValue('spec.completions', spec.completions ?? null, 'field is immutable'));
  }
  const template = structuredClone(asObject(spec.template) ?? {});
  const oldTemplate = structuredClone(asObject(oldSpec.template) ?? {});
  // A suspended job that never started may still move: its scheduling directives can change.
  const neverStarted = oldSpec.suspend === true && asObject(old.status)?.startTime == null;
  if (neverStarted) {
    for (const t of [template, oldTemplate]) {
      const podSpec = asObject(t.spec);
      if (podSpec !== undefined) for (const k of ['nodeSelector', 'tolerations', 'affinity', 'schedulingGates']) delete podSpec[k];
      const meta = asObject(t.metadata);
      if (meta !== undefined) for (const k of ['labels', 'annotations']) delete meta[k];
    }
  }
  if (!jsonEqual(template, oldTemplate)) causes.push(invalidValue('spec.template', spec.template ?? null, 'field is immutable'));
  return causes;
}

export function validateCronJob(cronJob: KubeObject): Causes {
  const causes: Causes = [];
  const name = cronJob.metadata.name ?? '';
  if (name.length > 52) causes.push(invalidValue('metadata.name', name, 'must be no more than 52 characters'));
  const spec = asObject(cronJob.spec);
  if (spec === undefined) return [...causes, required('spec')];
  const schedule = asString(spec.schedule) ?? '';
  if (schedule === '') causes.push(required('spec.schedule'));
  else if (/^(CRON_)?TZ=/.test(schedule.trim())) {
    causes.push(invalidValue('spec.schedule', schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
  } else {
    const problem = cronScheduleError(schedule);
    if (problem !== undefined) causes.push(invalidValue('spec.schedule', schedule, problem));
  }
  const zone = spec.timeZone;
  if (typeof zone === 'string') {
    const problem = timeZoneError(zone);
    if (problem !== undefined) causes.push(invalidValue('spec.timeZone', zone, problem));
  }
  if (!spec.concurrencyPolicy) causes.push(required('spec.concurrencyPolicy'));
  else causes.push(...oneOf('spec.concurrencyPolicy', spec.concurrencyPolicy, ['Allow', 'Forbid', 'Replace']));
  for (const key of ['startingDeadlineSeconds', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit']) {
    causes.push(...nonNegative(`spec.${key}`, spec[key]));
  }
  const jobSpec = asObject(asObject(spec.jobTemplate)?.spec);
  if (jobSpec === undefined) causes.push(required('spec.jobTemplate.spec'));
  else causes.push(...validateJobSpec(jobSpec, 'spec.jobTemplate.spec', false));
  return causes;
}

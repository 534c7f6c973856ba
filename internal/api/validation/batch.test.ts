import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonObject, KubeObject } from '../../apiserver/objects.ts';
import { defaultJobSelector } from '../defaults/index.ts';
import { cronScheduleError } from './cron.ts';
import { defaulted, podSpec, summary, typeOf } from './fixtures.ts';
import { validateCreate, validateUpdate } from './index.ts';

const jobType = typeOf('Job', 'batch');
const cronType = typeOf('CronJob', 'batch');
const jobTemplate = (): JsonObject => ({ spec: { ...podSpec(), restartPolicy: 'Never' } });

function job(spec: JsonObject = {}): KubeObject {
  const object = defaulted('Job', 'batch', { spec: { template: jobTemplate(), ...spec } });
  object.metadata.uid = '0b6f0f5e-1111-4222-8333-444455556666';
  defaultJobSelector(object);
  return object;
}

function cronJob(spec: JsonObject = {}): KubeObject {
  return defaulted('CronJob', 'batch', { spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: jobTemplate() } }, ...spec } });
}

test('a defaulted Job gets upstream defaults, a generated selector and passes validation', () => {
  const object = job();
  const spec = object.spec as JsonObject;
  assert.deepEqual(
    [spec.parallelism, spec.completions, spec.backoffLimit, spec.completionMode, spec.suspend, spec.podReplacementPolicy],
    [1, 1, 6, 'NonIndexed', false, 'TerminatingOrFailed'],
  );
  assert.deepEqual(spec.selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': '0b6f0f5e-1111-4222-8333-444455556666' } });
  const labels = ((spec.template as JsonObject).metadata as JsonObject).labels as JsonObject;
  assert.deepEqual(Object.keys(labels).sort(), ['batch.kubernetes.io/controller-uid', 'batch.kubernetes.io/job-name', 'controller-uid', 'job-name']);
  assert.deepEqual(validateCreate(jobType, object), []);
});

test('a Job with parallelism set keeps completions unset', () => {
  const spec = job({ parallelism: 3 }).spec as JsonObject;
  assert.equal(spec.completions, undefined);
});

const jobCases: Array<[string, JsonObject, string[]]> = [
  ['restartPolicy Always', { template: { spec: { ...podSpec(), restartPolicy: 'Always' } } }, ['spec.template.spec.restartPolicy FieldValueNotSupported']],
  ['negative parallelism', { parallelism: -1 }, ['spec.parallelism FieldValueInvalid']],
  ['negative backoffLimit', { backoffLimit: -2 }, ['spec.backoffLimit FieldValueInvalid']],
  ['an unknown completion mode', { completionMode: 'Sometimes' }, ['spec.completionMode FieldValueNotSupported']],
  ['a hand-written selector without manualSelector', { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { ...podSpec(), restartPolicy: 'Never' } } }, ['spec.selector FieldValueInvalid']],
];

for (const [name, spec, expected] of jobCases) {
  test(`a Job with ${name} is invalid at the expected field`, () => {
    assert.deepEqual(summary(validateCreate(jobType, job(spec))), expected);
  });
}

test('a Job update may change parallelism but not the template or selector', () => {
  const old = job();
  const scaled = structuredClone(old);
  (scaled.spec as JsonObject).parallelism = 4;
  assert.deepEqual(validateUpdate(jobType, scaled, old), []);
  const changed = structuredClone(old);
  ((((changed.spec as JsonObject).template as JsonObject).spec as JsonObject).containers as JsonObject[])[0] = { name: 'web', image: 'other', imagePullPolicy: 'Always', terminationMessagePolicy: 'File' };
  (changed.spec as JsonObject).selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': 'other' } };
  assert.deepEqual(summary(validateUpdate(jobType, changed, old)), [
    'spec.selector FieldValueInvalid', 'spec.template FieldValueInvalid', 'spec.template.metadata.labels FieldValueInvalid',
  ]);
});

test('a defaulted CronJob gets upstream defaults and passes validation', () => {
  const object = cronJob({ timeZone: 'Europe/Berlin' });
  const spec = object.spec as JsonObject;
  assert.deepEqual([spec.concurrencyPolicy, spec.suspend, spec.successfulJobsHistoryLimit, spec.failedJobsHistoryLimit], ['Allow', false, 3, 1]);
  assert.deepEqual(validateCreate(cronType, object), []);
});

const cronCases: Array<[string, JsonObject, string[]]> = [
  ['no schedule', { schedule: '' }, ['spec.schedule FieldValueRequired']],
  ['a six-field schedule', { schedule: '0 * * * * *' }, ['spec.schedule FieldValueInvalid']],
  ['a minute of 60', { schedule: '60 * * * *' }, ['spec.schedule FieldValueInvalid']],
  ['a TZ prefix', { schedule: 'TZ=UTC 0 * * * *' }, ['spec.schedule FieldValueInvalid']],
  ['an unknown time zone', { timeZone: 'Mars/Olympus' }, ['spec.timeZone FieldValueInvalid']],
  ['an unknown concurrency policy', { concurrencyPolicy: 'Sometimes' }, ['spec.concurrencyPolicy FieldValueNotSupported']],
  ['a job template restartPolicy Always', { jobTemplate: { spec: { template: { spec: podSpec() } } } }, ['spec.jobTemplate.spec.template.spec.restartPolicy FieldValueNotSupported']],
];

for (const [name, spec, expected] of cronCases) {
  test(`a CronJob with ${name} is invalid at the expected field`, () => {
    assert.deepEqual(summary(validateCreate(cronType, cronJob(spec))), expected);
  });
}

test('cron schedules accept ranges, steps, lists, names and descriptors', () => {
  for (const ok of ['0 0 * * *', '*/15 9-17 * * MON-FRI', '0,30 * 1 JAN,jul ?', '@hourly', '@every 1h30m', '5 4 * * sun']) {
    assert.equal(cronScheduleError(ok), undefined, ok);
  }
  assert.equal(cronScheduleError('* * *'), 'expected exactly 5 fields, found 3: [* * *]');
  assert.equal(cronScheduleError('0 25 * * *'), 'end of range (25) above maximum (23): 25');
  assert.equal(cronScheduleError('@sometimes'), 'unrecognized descriptor: @sometimes');
});

test('a CronJob name longer than 52 characters is invalid', () => {
  const object = cronJob();
  object.metadata.name = 'a'.repeat(53);
  assert.deepEqual(summary(validateCreate(cronType, object)), ['metadata.name FieldValueInvalid']);
});

/** Tables for the apps and batch workload kinds. */
import type { Json, KubeObject } from '../objects.ts';
import { ageSince, humanDuration, parseTime } from './duration.ts';
import { containerCells, controllerOf, formatLabels, isDeleting, selectorCell } from './format.ts';
import { int, list, obj, optBool, optInt, optStr, str, stringMap } from './json-path.ts';
import { ageColumn, ageOf, column, nameColumn, nameOf, type Printer } from './printer.ts';

const containersColumn = column('Containers', 'string', 'Names of the containers in the pod template.', 1);
const imagesColumn = column('Images', 'string', 'Images of the containers in the pod template.', 1);
const selectorColumn = column('Selector', 'string', 'The label selector for the pods managed by the object.', 1);

/** spec.replicas with the API's default of 1. */
function desiredReplicas(object: KubeObject): number {
  return optInt(object, 'spec', 'replicas') ?? 1;
}

function templateCells(object: KubeObject): [string, string] {
  return containerCells(obj(object, 'spec', 'template', 'spec'));
}

export const deploymentPrinter: Printer = {
  columns: [
    nameColumn,
    column('Ready', 'string', 'Ready replicas out of desired replicas.'),
    column('Up-to-date', 'integer', 'Replicas running the latest pod template.'),
    column('Available', 'integer', 'Replicas available to users.'),
    ageColumn,
    containersColumn,
    imagesColumn,
    selectorColumn,
  ],
  cells(d, now): Json[] {
    return [
      nameOf(d),
      `${int(d, 'status', 'readyReplicas')}/${desiredReplicas(d)}`,
      int(d, 'status', 'updatedReplicas'),
      int(d, 'status', 'availableReplicas'),
      ageOf(d, now),
      ...templateCells(d),
      selectorCell(obj(d, 'spec', 'selector')),
    ];
  },
};

export const replicaSetPrinter: Printer = {
  columns: [
    nameColumn,
    column('Desired', 'integer', 'Desired number of replicas.'),
    column('Current', 'integer', 'Number of replicas that exist.'),
    column('Ready', 'integer', 'Number of ready replicas.'),
    ageColumn,
    containersColumn,
    imagesColumn,
    selectorColumn,
  ],
  cells(rs, now): Json[] {
    return [
      nameOf(rs),
      desiredReplicas(rs),
      int(rs, 'status', 'replicas'),
      int(rs, 'status', 'readyReplicas'),
      ageOf(rs, now),
      ...templateCells(rs),
      selectorCell(obj(rs, 'spec', 'selector')),
    ];
  },
};

export const statefulSetPrinter: Printer = {
  columns: [nameColumn, column('Ready', 'string', 'Ready replicas out of desired replicas.'), ageColumn, containersColumn, imagesColumn],
  cells(sts, now): Json[] {
    return [nameOf(sts), `${int(sts, 'status', 'readyReplicas')}/${desiredReplicas(sts)}`, ageOf(sts, now), ...templateCells(sts)];
  },
};

export const daemonSetPrinter: Printer = {
  columns: [
    nameColumn,
    column('Desired', 'integer', 'Nodes that should run the daemon pod.'),
    column('Current', 'integer', 'Nodes running at least one daemon pod.'),
    column('Ready', 'integer', 'Nodes whose daemon pod is ready.'),
    column('Up-to-date', 'integer', 'Nodes running the latest daemon pod.'),
    column('Available', 'integer', 'Nodes whose daemon pod is available.'),
    column('Node Selector', 'string', 'The node selector of the pod template.'),
    ageColumn,
    containersColumn,
    imagesColumn,
    selectorColumn,
  ],
  cells(ds, now): Json[] {
    return [
      nameOf(ds),
      int(ds, 'status', 'desiredNumberScheduled'),
      int(ds, 'status', 'currentNumberScheduled'),
      int(ds, 'status', 'numberReady'),
      int(ds, 'status', 'updatedNumberScheduled'),
      int(ds, 'status', 'numberAvailable'),
      formatLabels(stringMap(ds, 'spec', 'template', 'spec', 'nodeSelector')),
      ageOf(ds, now),
      ...templateCells(ds),
      selectorCell(obj(ds, 'spec', 'selector')),
    ];
  },
};

function hasTrueCondition(object: unknown, type: string): boolean {
  return list(object, 'status', 'conditions').some((c) => str(c, 'type') === type && str(c, 'status') === 'True');
}

/** The job STATUS cell: terminal conditions first, then deletion, then transitional conditions. */
function jobStatus(job: KubeObject): string {
  if (hasTrueCondition(job, 'Complete')) return 'Complete';
  if (hasTrueCondition(job, 'Failed')) return 'Failed';
  if (isDeleting(job)) return 'Terminating';
  if (hasTrueCondition(job, 'Suspended')) return 'Suspended';
  if (hasTrueCondition(job, 'FailureTarget')) return 'FailureTarget';
  if (hasTrueCondition(job, 'SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  return 'Running';
}

function jobCompletions(job: KubeObject): string {
  const succeeded = int(job, 'status', 'succeeded');
  const completions = optInt(job, 'spec', 'completions');
  if (completions !== undefined) return `${succeeded}/${completions}`;
  const parallelism = optInt(job, 'spec', 'parallelism') ?? 0;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

function jobDuration(job: KubeObject, now: number): string {
  const start = parseTime(str(job, 'status', 'startTime'));
  if (start === undefined) return '';
  const end = parseTime(str(job, 'status', 'completionTime'));
  return humanDuration((end ?? now) - start);
}

export const jobPrinter: Printer = {
  columns: [
    nameColumn,
    column('Status', 'string', 'The state of the job.'),
    column('Completions', 'string', 'Succeeded pods out of the completions wanted.'),
    column('Duration', 'string', 'How long the job ran, or has been running.'),
    ageColumn,
    containersColumn,
    imagesColumn,
    selectorColumn,
  ],
  cells(job, now): Json[] {
    return [
      nameOf(job),
      jobStatus(job),
      jobCompletions(job),
      jobDuration(job, now),
      ageOf(job, now),
      ...templateCells(job),
      selectorCell(obj(job, 'spec', 'selector')),
    ];
  },
};

/** Go's printing of an optional boolean: "True", "False", or "<unset>". */
export function boolPtr(value: boolean | undefined): string {
  if (value === undefined) return '<unset>';
  return value ? 'True' : 'False';
}

export const cronJobPrinter: Printer = {
  columns: [
    nameColumn,
    column('Schedule', 'string', 'The cron schedule.'),
    column('Timezone', 'string', 'The time zone the schedule is read in.'),
    column('Suspend', 'boolean', 'Whether new runs are suspended.'),
    column('Active', 'integer', 'Jobs of this cron job now running.'),
    column('Last Schedule', 'string', 'How long ago a job was last scheduled.'),
    ageColumn,
    containersColumn,
    imagesColumn,
    selectorColumn,
  ],
  cells(cj, now): Json[] {
    const last = optStr(cj, 'status', 'lastScheduleTime');
    const jobSpec = obj(cj, 'spec', 'jobTemplate', 'spec');
    return [
      nameOf(cj),
      str(cj, 'spec', 'schedule'),
      optStr(cj, 'spec', 'timeZone') ?? '<none>',
      boolPtr(optBool(cj, 'spec', 'suspend')),
      list(cj, 'status', 'active').length,
      last === undefined ? '<none>' : ageSince(last, now),
      ageOf(cj, now),
      ...containerCells(obj(jobSpec, 'template', 'spec')),
      selectorCell(obj(jobSpec, 'selector')),
    ];
  },
};

/** "kind.group/name" in lower case, or "kind/name" for the core group. */
function controllerName(object: KubeObject): string {
  const ref = controllerOf(object);
  if (ref === undefined) return '<none>';
  const apiVersion = typeof ref.apiVersion === 'string' ? ref.apiVersion : '';
  const kind = typeof ref.kind === 'string' ? ref.kind : '';
  const name = typeof ref.name === 'string' ? ref.name : '';
  const slash = apiVersion.indexOf('/');
  const group = slash >= 0 ? apiVersion.slice(0, slash) : '';
  if (kind === '' && group === '') return name;
  return `${(group === '' ? kind : `${kind}.${group}`).toLowerCase()}/${name}`;
}

export const controllerRevisionPrinter: Printer = {
  columns: [
    nameColumn,
    column('Controller', 'string', 'The controller that owns this revision.'),
    column('Revision', 'integer', 'The revision number.'),
    ageColumn,
  ],
  cells(cr, now): Json[] {
    return [nameOf(cr), controllerName(cr), int(cr, 'revision'), ageOf(cr, now)];
  },
};

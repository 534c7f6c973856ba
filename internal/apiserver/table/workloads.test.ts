import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonObject, KubeObject } from '../objects.ts';
import { controllerRevisionPrinter, cronJobPrinter, daemonSetPrinter, deploymentPrinter, jobPrinter, replicaSetPrinter, statefulSetPrinter } from './workloads.ts';

const now = Date.parse('2024-06-01T12:00:00Z');
const created = '2024-06-01T07:00:00Z';

function object(kind: string, body: JsonObject, metadata: JsonObject = {}): KubeObject {
  return { kind, metadata: { name: 'web', namespace: 'default', creationTimestamp: created, ...metadata }, ...body };
}

const template = { spec: { containers: [{ name: 'app', image: 'nginx:1.27' }, { name: 'proxy', image: 'envoy' }] } };
const selector: JsonObject = { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'back'] }, { key: 'legacy', operator: 'DoesNotExist' }] };

describe('workload tables', () => {
  it('a deployment shows ready/desired, up-to-date, available and wide containers, images, selector', () => {
    const d = object('Deployment', { spec: { replicas: 3, selector, template }, status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 } });
    assert.deepEqual(deploymentPrinter.cells(d, now), ['web', '2/3', 3, 2, '5h', 'app,proxy', 'nginx:1.27,envoy', 'app=web,!legacy,tier in (back,front)']);
    assert.deepEqual(deploymentPrinter.columns.map((c) => c.name), ['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers', 'Images', 'Selector']);
  });

  it('a fresh deployment without status shows 0/desired', () => {
    const d = object('Deployment', { spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template } });
    assert.deepEqual(deploymentPrinter.cells(d, now).slice(1, 4), ['0/1', 0, 0]);
  });

  it('a replica set shows desired, current and ready counts', () => {
    const rs = object('ReplicaSet', { spec: { replicas: 2, selector: { matchLabels: { app: 'web', 'pod-template-hash': 'abc' } }, template }, status: { replicas: 2, readyReplicas: 1 } });
    assert.deepEqual(replicaSetPrinter.cells(rs, now), ['web', 2, 2, 1, '5h', 'app,proxy', 'nginx:1.27,envoy', 'app=web,pod-template-hash=abc']);
  });

  it('a stateful set shows ready/desired', () => {
    const sts = object('StatefulSet', { spec: { replicas: 3, template }, status: { readyReplicas: 3 } });
    assert.deepEqual(statefulSetPrinter.cells(sts, now), ['web', '3/3', '5h', 'app,proxy', 'nginx:1.27,envoy']);
  });

  it('a daemon set shows its counts and node selector', () => {
    const ds = object('DaemonSet', {
      spec: { selector: { matchLabels: { app: 'agent' } }, template: { spec: { nodeSelector: { 'kubernetes.io/os': 'linux' }, containers: [{ name: 'agent', image: 'agent:1' }] } } },
      status: { desiredNumberScheduled: 2, currentNumberScheduled: 2, numberReady: 1, updatedNumberScheduled: 2, numberAvailable: 1 },
    });
    assert.deepEqual(daemonSetPrinter.cells(ds, now), ['web', 2, 2, 1, 2, 1, 'kubernetes.io/os=linux', '5h', 'agent', 'agent:1', 'app=agent']);
    const bare = object('DaemonSet', { spec: { template: { spec: { containers: [] } } } });
    assert.equal(daemonSetPrinter.cells(bare, now)[6], '<none>');
  });

  it('a running job shows Running, completions and a duration up to now', () => {
    const job = object('Job', { spec: { completions: 3, parallelism: 1, selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u1' } }, template }, status: { succeeded: 1, active: 1, startTime: '2024-06-01T11:58:00Z' } });
    assert.deepEqual(jobPrinter.cells(job, now).slice(0, 5), ['web', 'Running', '1/3', '2m', '5h']);
  });

  it('a complete job shows Complete and the time it took', () => {
    const job = object('Job', {
      spec: { completions: 1, template },
      status: { succeeded: 1, startTime: '2024-06-01T10:00:00Z', completionTime: '2024-06-01T10:00:42Z', conditions: [{ type: 'SuccessCriteriaMet', status: 'True' }, { type: 'Complete', status: 'True' }] },
    });
    assert.deepEqual(jobPrinter.cells(job, now).slice(1, 4), ['Complete', '1/1', '42s']);
  });

  it('job status follows failure, deletion and suspension in that order', () => {
    const status = (conditions: JsonObject[], metadata: JsonObject = {}) => jobPrinter.cells(object('Job', { spec: {}, status: { conditions } }, metadata), now)[1];
    assert.equal(status([{ type: 'Failed', status: 'True' }], { deletionTimestamp: created }), 'Failed');
    assert.equal(status([{ type: 'Suspended', status: 'True' }], { deletionTimestamp: created }), 'Terminating');
    assert.equal(status([{ type: 'Suspended', status: 'True' }]), 'Suspended');
    assert.equal(status([{ type: 'FailureTarget', status: 'True' }]), 'FailureTarget');
    assert.equal(status([{ type: 'Complete', status: 'False' }]), 'Running');
  });

  it('a job without completions shows n/1, or n/1 of p when parallel, and no duration before it starts', () => {
    const cells = (spec: JsonObject) => jobPrinter.cells(object('Job', { spec, status: { succeeded: 2 } }), now);
    assert.equal(cells({ parallelism: 4 })[2], '2/1 of 4');
    assert.equal(cells({ parallelism: 1 })[2], '2/1');
    assert.equal(cells({})[3], '');
  });

  it('a cron job shows schedule, time zone, suspend, active and last schedule', () => {
    const cj = object('CronJob', {
      spec: { schedule: '*/5 * * * *', suspend: false, jobTemplate: { spec: { template } } },
      status: { active: [{ name: 'web-1' }], lastScheduleTime: '2024-06-01T11:55:00Z' },
    });
    assert.deepEqual(cronJobPrinter.cells(cj, now), ['web', '*/5 * * * *', '<none>', 'False', 1, '5m', '5h', 'app,proxy', 'nginx:1.27,envoy', '']);
    const zoned = object('CronJob', { spec: { schedule: '0 3 * * *', timeZone: 'Europe/Paris', jobTemplate: { spec: { template } } } });
    assert.deepEqual(cronJobPrinter.cells(zoned, now).slice(2, 6), ['Europe/Paris', '<unset>', 0, '<none>']);
    assert.deepEqual(cronJobPrinter.columns.map((c) => c.name).slice(0, 7), ['Name', 'Schedule', 'Timezone', 'Suspend', 'Active', 'Last Schedule', 'Age']);
  });

  it('a controller revision names its controller by lower-case kind and group', () => {
    const cr = object('ControllerRevision', { revision: 3 }, { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 'u', controller: true }] });
    assert.deepEqual(controllerRevisionPrinter.cells(cr, now), ['web', 'statefulset.apps/db', 3, '5h']);
    assert.equal(controllerRevisionPrinter.cells(object('ControllerRevision', { revision: 1 }), now)[1], '<none>');
  });
});

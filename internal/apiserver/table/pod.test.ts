import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JsonObject, KubeObject } from '../objects.ts';
import { podPrinter } from './pod.ts';

const now = Date.parse('2024-06-01T12:00:00Z');
const created = '2024-06-01T11:55:00Z';

function pod(spec: JsonObject, status: JsonObject, metadata: JsonObject = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', creationTimestamp: created, ...metadata }, spec, status };
}

const oneContainer = { containers: [{ name: 'app', image: 'nginx' }] };

function cells(p: KubeObject) {
  return podPrinter.cells(p, now);
}

describe('pod table', () => {
  it('a running ready pod shows 1/1 Running with wide IP and node', () => {
    const p = pod(
      { ...oneContainer, nodeName: 'node-1' },
      {
        phase: 'Running',
        podIPs: [{ ip: '10.42.0.5' }],
        conditions: [{ type: 'Ready', status: 'True' }],
        containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: { running: { startedAt: created } } }],
      },
    );
    assert.deepEqual(cells(p), ['web', '1/1', 'Running', '0', '5m', '10.42.0.5', 'node-1', '<none>', '<none>']);
  });

  it('a pending pod without statuses shows its phase and <none> placeholders', () => {
    assert.deepEqual(cells(pod(oneContainer, { phase: 'Pending' })), ['web', '0/1', 'Pending', '0', '5m', '<none>', '<none>', '<none>', '<none>']);
  });

  it('a container being created shows ContainerCreating', () => {
    const p = pod(oneContainer, { phase: 'Pending', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }] });
    assert.equal(cells(p)[2], 'ContainerCreating');
  });

  it('a crash-looping container shows CrashLoopBackOff and restarts with the last restart age', () => {
    const p = pod(oneContainer, {
      phase: 'Running',
      containerStatuses: [
        {
          name: 'app',
          ready: false,
          restartCount: 4,
          state: { waiting: { reason: 'CrashLoopBackOff' } },
          lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: '2024-06-01T11:59:20Z' } },
        },
      ],
    });
    assert.deepEqual(cells(p).slice(1, 4), ['0/1', 'CrashLoopBackOff', '4 (40s ago)']);
  });

  it('a finished pod shows Completed, and a failed container Error or its exit code', () => {
    const done = pod(oneContainer, { phase: 'Succeeded', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }] });
    assert.deepEqual(cells(done).slice(1, 4), ['0/1', 'Completed', '0']);
    const failed = pod(oneContainer, { phase: 'Failed', containerStatuses: [{ name: 'app', restartCount: 0, state: { terminated: { exitCode: 2, reason: 'Error' } } }] });
    assert.equal(cells(failed)[2], 'Error');
    const bare = pod(oneContainer, { phase: 'Failed', containerStatuses: [{ name: 'app', restartCount: 0, state: { terminated: { exitCode: 137 } } }] });
    assert.equal(cells(bare)[2], 'ExitCode:137');
    const signalled = pod(oneContainer, { phase: 'Failed', containerStatuses: [{ name: 'app', restartCount: 0, state: { terminated: { exitCode: 0, signal: 9 } } }] });
    assert.equal(cells(signalled)[2], 'Signal:9');
  });

  it('a pod waiting on its init containers shows Init:i/n', () => {
    const p = pod(
      { initContainers: [{ name: 'migrate' }, { name: 'seed' }], containers: [{ name: 'app' }] },
      {
        phase: 'Pending',
        initContainerStatuses: [
          { name: 'migrate', restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } },
          { name: 'seed', restartCount: 0, state: { running: {} } },
        ],
        containerStatuses: [{ name: 'app', restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } }],
      },
    );
    assert.deepEqual(cells(p).slice(1, 4), ['0/1', 'Init:1/2', '0']);
  });

  it('a failing init container shows Init:<reason>, Init:CrashLoopBackOff, or Init:ExitCode', () => {
    const spec = { initContainers: [{ name: 'migrate' }], containers: [{ name: 'app' }] };
    const failed = pod(spec, { phase: 'Pending', initContainerStatuses: [{ name: 'migrate', restartCount: 0, state: { terminated: { exitCode: 1, reason: 'Error' } } }] });
    assert.equal(cells(failed)[2], 'Init:Error');
    const looping = pod(spec, { phase: 'Pending', initContainerStatuses: [{ name: 'migrate', restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } } }] });
    assert.deepEqual(cells(looping).slice(2, 4), ['Init:CrashLoopBackOff', '3']);
    const coded = pod(spec, { phase: 'Pending', initContainerStatuses: [{ name: 'migrate', restartCount: 0, state: { terminated: { exitCode: 3 } } }] });
    assert.equal(cells(coded)[2], 'Init:ExitCode:3');
    const starting = pod(spec, { phase: 'Pending', initContainerStatuses: [{ name: 'migrate', restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } }] });
    assert.equal(cells(starting)[2], 'Init:0/1');
  });

  it('a started sidecar init container counts toward READY and the total', () => {
    const p = pod(
      { initContainers: [{ name: 'proxy', restartPolicy: 'Always' }], containers: [{ name: 'app' }] },
      {
        phase: 'Running',
        conditions: [{ type: 'Initialized', status: 'True' }],
        initContainerStatuses: [{ name: 'proxy', started: true, ready: true, restartCount: 1, state: { running: {} } }],
        containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: { running: {} } }],
      },
    );
    assert.deepEqual(cells(p).slice(1, 4), ['2/2', 'Running', '1']);
  });

  it('a deleted running pod shows Terminating, but a finished one keeps its status', () => {
    const running = pod(oneContainer, { phase: 'Running', containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: { running: {} } }] }, { deletionTimestamp: '2024-06-01T11:59:00Z' });
    assert.equal(cells(running)[2], 'Terminating');
    const done = pod(oneContainer, { phase: 'Succeeded', containerStatuses: [{ name: 'app', restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }] }, { deletionTimestamp: '2024-06-01T11:59:00Z' });
    assert.equal(cells(done)[2], 'Completed');
  });

  it('a deleted pod on a lost node shows Unknown, and an undeleted one NodeLost', () => {
    const lost = pod(oneContainer, { phase: 'Running', reason: 'NodeLost' });
    assert.equal(cells(lost)[2], 'NodeLost');
    const deleted = pod(oneContainer, { phase: 'Running', reason: 'NodeLost' }, { deletionTimestamp: '2024-06-01T11:59:00Z' });
    assert.equal(cells(deleted)[2], 'Unknown');
  });

  it('a completed container next to a running one reads Running when the pod is ready, else NotReady', () => {
    const status = (ready: string): JsonObject => ({
      phase: 'Running',
      conditions: [{ type: 'Ready', status: ready }],
      containerStatuses: [
        { name: 'app', ready: true, restartCount: 0, state: { running: {} } },
        { name: 'job', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } },
      ],
    });
    const spec = { containers: [{ name: 'app' }, { name: 'job' }] };
    assert.deepEqual(cells(pod(spec, status('True'))).slice(1, 3), ['1/2', 'Running']);
    assert.equal(cells(pod(spec, status('False')))[2], 'NotReady');
  });

  it('a scheduling-gated pod shows SchedulingGated', () => {
    const p = pod(oneContainer, { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] });
    assert.equal(cells(p)[2], 'SchedulingGated');
  });

  it('readiness gates count the true conditions, and a nominated node shows in wide output', () => {
    const p = pod(
      { ...oneContainer, readinessGates: [{ conditionType: 'example.com/lb' }, { conditionType: 'example.com/dns' }] },
      { phase: 'Pending', nominatedNodeName: 'node-2', conditions: [{ type: 'example.com/lb', status: 'True' }, { type: 'example.com/dns', status: 'False' }] },
    );
    assert.deepEqual(cells(p).slice(7), ['node-2', '1/2']);
  });

  it('declares the wide columns with priority 1', () => {
    assert.deepEqual(
      podPrinter.columns.map((c) => [c.name, c.priority]),
      [['Name', 0], ['Ready', 0], ['Status', 0], ['Restarts', 0], ['Age', 0], ['IP', 1], ['Node', 1], ['Nominated Node', 1], ['Readiness Gates', 1]],
    );
    assert.equal(podPrinter.columns[0]?.format, 'name');
  });
});

/** The pod status from what the runtime reports. Pure: same inputs, same status. */
import type { ContainerStatus } from '../runtime/types.ts';
import type { Waiting } from './images.ts';
import type { ContainerSpecV1, RestartPolicy } from './pod-types.ts';
import { timestamp, type ContainerState, type ContainerStatusV1, type PodCondition, type PodPhase, type PodStatus } from './types.ts';

export interface ProbeView {
  ready: boolean;
  started: boolean;
}

export interface StatusInput {
  containers: ContainerSpecV1[];
  initContainers: ContainerSpecV1[];
  restartPolicy: RestartPolicy;
  /** Every instance of the pod's containers the runtime has, any sandbox. */
  instances: ContainerStatus[];
  /** Current waiting reasons by container name (image, config and back-off). */
  waiting: ReadonlyMap<string, Waiting>;
  probes(containerId: string): ProbeView;
  nowMs: number;
  podIP?: string;
  hostIP?: string;
  startTime?: string;
  previous?: PodStatus;
  /** Whether the pod has a running sandbox (else containers wait in ContainerCreating). */
  sandboxReady: boolean;
}

/** Instances of one container, newest first. */
export function instancesOf(instances: ContainerStatus[], name: string): ContainerStatus[] {
  return instances.filter((c) => c.name === name)
    .sort((a, b) => b.restartCount - a.restartCount || b.createdAt.getTime() - a.createdAt.getTime());
}

export function terminatedState(c: ContainerStatus): ContainerState {
  const exitCode = c.exitCode ?? 0;
  const reason = c.oomKilled ? 'OOMKilled' : exitCode === 0 ? 'Completed' : 'Error';
  return {
    terminated: {
      exitCode, reason,
      ...(c.message ? { message: c.message } : {}),
      ...(c.startedAt ? { startedAt: timestamp(c.startedAt) } : {}),
      ...(c.finishedAt ? { finishedAt: timestamp(c.finishedAt) } : {}),
      containerID: `docker://${c.id}`,
    },
  };
}

function containerStatus(spec: ContainerSpecV1, input: StatusInput, defaultWaiting: string): ContainerStatusV1 {
  const [latest, previous] = instancesOf(input.instances, spec.name);
  const waiting = input.waiting.get(spec.name);
  let state: ContainerState;
  let lastState: ContainerState = {};
  const running = latest?.state === 'running';
  if (running && latest) {
    state = { running: { startedAt: timestamp(latest.startedAt ?? latest.createdAt) } };
    if (previous?.state === 'exited') lastState = terminatedState(previous);
  } else if (waiting) {
    state = { waiting: { reason: waiting.reason, message: waiting.message } };
    if (latest?.state === 'exited') lastState = terminatedState(latest);
  } else if (latest?.state === 'exited') {
    state = terminatedState(latest);
    if (previous?.state === 'exited') lastState = terminatedState(previous);
  } else {
    state = { waiting: { reason: input.sandboxReady ? defaultWaiting : 'ContainerCreating' } };
  }
  const probe = running && latest ? input.probes(latest.id) : { ready: false, started: false };
  return {
    name: spec.name,
    state,
    lastState,
    ready: running && probe.ready,
    restartCount: latest?.restartCount ?? 0,
    image: spec.image,
    imageID: latest?.imageId ?? '',
    ...(latest ? { containerID: `docker://${latest.id}` } : {}),
    started: running && probe.started,
  };
}

function succeeded(status: ContainerStatusV1): boolean {
  return status.state.terminated?.exitCode === 0;
}

/** Phase as the kubelet derives it from container states and the restart policy. */
export function podPhase(init: ContainerStatusV1[], app: ContainerStatusV1[], policy: RestartPolicy): PodPhase {
  const initFailed = init.some((s) => s.state.terminated && s.state.terminated.exitCode !== 0)
    || init.some((s) => s.state.waiting && s.lastState.terminated && s.lastState.terminated.exitCode !== 0);
  if (policy === 'Never' && initFailed) return 'Failed';
  if (!init.every(succeeded)) return 'Pending';
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let ok = 0;
  for (const s of app) {
    if (s.state.running) running++;
    else if (s.state.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) ok++;
    } else if (s.lastState.terminated) {
      // Waiting to be restarted after it ran: it counts as stopped, as in the kubelet.
      stopped++;
      if (s.lastState.terminated.exitCode === 0) ok++;
    } else waiting++;
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped === 0) return 'Pending';
  if (policy === 'Always') return 'Running';
  if (stopped === ok) return 'Succeeded';
  return policy === 'Never' ? 'Failed' : 'Running';
}

function condition(type: PodCondition['type'], ok: boolean, input: StatusInput, reason?: string, message?: string): PodCondition {
  const status = ok ? 'True' : 'False';
  const before = input.previous?.conditions.find((c) => c.type === type);
  const lastTransitionTime = before && before.status === status ? before.lastTransitionTime : timestamp(input.nowMs);
  return { type, status, lastProbeTime: null, lastTransitionTime, ...(ok ? {} : { reason, message }) };
}

/** The full pod status. */
export function podStatus(input: StatusInput): PodStatus {
  const init = input.initContainers.map((c) => containerStatus(c, input, 'PodInitializing'));
  const app = input.containers.map((c) => containerStatus(c, input, 'PodInitializing'));
  const phase = podPhase(init, app, input.restartPolicy);
  const notDone = init.filter((s) => !succeeded(s)).map((s) => s.name);
  const unready = app.filter((s) => !s.ready).map((s) => s.name);
  const finished = phase === 'Succeeded' || phase === 'Failed';
  const containersReady = condition('ContainersReady', unready.length === 0 && !finished, input,
    finished ? 'PodCompleted' : 'ContainersNotReady', `containers with unready status: [${unready.join(' ')}]`);
  const status: PodStatus = {
    phase,
    conditions: [
      condition('PodScheduled', true, input),
      condition('Initialized', notDone.length === 0, input, 'ContainersNotInitialized', `containers with incomplete status: [${notDone.join(' ')}]`),
      containersReady,
      condition('Ready', containersReady.status === 'True', input, containersReady.reason, containersReady.message),
    ],
    containerStatuses: app,
  };
  if (init.length > 0) status.initContainerStatuses = init;
  if (input.hostIP) {
    status.hostIP = input.hostIP;
    status.hostIPs = [{ ip: input.hostIP }];
  }
  if (input.podIP) {
    status.podIP = input.podIP;
    status.podIPs = [{ ip: input.podIP }];
  }
  if (input.startTime) status.startTime = input.startTime;
  return status;
}

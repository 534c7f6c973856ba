/** The pods table: the READY, STATUS and RESTARTS logic kubectl users know. */
import type { Json, KubeObject } from '../objects.ts';
import { ageSince, parseTime } from './duration.ts';
import { int, list, obj, optBool, str } from './json-path.ts';
import { ageColumn, ageOf, column, nameColumn, nameOf, type Printer } from './printer.ts';

const terminalPhases = new Set(['Succeeded', 'Failed']);
/** The reason the node lifecycle controller gives pods on a node that stopped reporting. */
const nodeUnreachableReason = 'NodeLost';

function isRestartableInit(container: unknown): boolean {
  return str(container, 'restartPolicy') === 'Always';
}

function conditionIs(pod: unknown, type: string, status: string): boolean {
  return list(pod, 'status', 'conditions').some((c) => str(c, 'type') === type && str(c, 'status') === status);
}

/** Signal or exit code text for a termination without a reason. */
function terminationText(terminated: unknown, prefix: string): string {
  const signal = int(terminated, 'signal');
  return signal !== 0 ? `${prefix}Signal:${signal}` : `${prefix}ExitCode:${int(terminated, 'exitCode')}`;
}

/** The later of a running latest time and a container's last termination time. */
function laterRestart(latest: number | undefined, container: unknown): number | undefined {
  const finished = parseTime(obj(container, 'lastState', 'terminated')?.finishedAt);
  if (finished === undefined) return latest;
  return latest === undefined || finished > latest ? finished : latest;
}

interface PodSummary {
  ready: string;
  reason: string;
  restarts: string;
}

/** READY, STATUS and RESTARTS of a pod, following the API server's pod printer. */
export function summarizePod(pod: KubeObject, now: number): PodSummary {
  const spec = obj(pod, 'spec');
  const initSpecs = list(spec, 'initContainers');
  const total = list(spec, 'containers').length + initSpecs.filter(isRestartableInit).length;
  let ready = 0;
  let restarts = 0;
  let sidecarRestarts = 0;
  let lastRestart: number | undefined;
  let lastSidecarRestart: number | undefined;

  const phase = str(pod, 'status', 'phase');
  let reason = str(pod, 'status', 'reason') || phase;
  if (list(pod, 'status', 'conditions').some((c) => str(c, 'type') === 'PodScheduled' && str(c, 'reason') === 'SchedulingGated')) {
    reason = 'SchedulingGated';
  }

  const initSpecByName = new Map(initSpecs.map((c) => [str(c, 'name'), c]));
  let initializing = false;
  const initStatuses = list(pod, 'status', 'initContainerStatuses');
  for (const [i, container] of initStatuses.entries()) {
    const count = int(container, 'restartCount');
    restarts += count;
    lastRestart = laterRestart(lastRestart, container);
    const sidecar = isRestartableInit(initSpecByName.get(str(container, 'name')));
    if (sidecar) {
      sidecarRestarts += count;
      lastSidecarRestart = laterRestart(lastSidecarRestart, container);
    }
    const terminated = obj(container, 'state', 'terminated');
    const waitingReason = str(container, 'state', 'waiting', 'reason');
    if (terminated !== undefined && int(terminated, 'exitCode') === 0) continue;
    if (sidecar && optBool(container, 'started') === true) {
      if (optBool(container, 'ready') === true) ready++;
      continue;
    }
    if (terminated !== undefined) {
      const why = str(terminated, 'reason');
      reason = why === '' ? terminationText(terminated, 'Init:') : `Init:${why}`;
    } else if (waitingReason !== '' && waitingReason !== 'PodInitializing') {
      reason = `Init:${waitingReason}`;
    } else {
      reason = `Init:${i}/${initSpecs.length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || conditionIs(pod, 'Initialized', 'True')) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = list(pod, 'status', 'containerStatuses');
    // Walk backwards so the first container's state wins the STATUS cell.
    for (let i = statuses.length - 1; i >= 0; i--) {
      const container = statuses[i];
      restarts += int(container, 'restartCount');
      lastRestart = laterRestart(lastRestart, container);
      const waiting = str(container, 'state', 'waiting', 'reason');
      const terminated = obj(container, 'state', 'terminated');
      if (waiting !== '') {
        reason = waiting;
      } else if (terminated !== undefined) {
        const why = str(terminated, 'reason');
        reason = why !== '' ? why : terminationText(terminated, '');
      } else if (optBool(container, 'ready') === true && obj(container, 'state', 'running') !== undefined) {
        hasRunning = true;
        ready++;
      }
    }
    // A pod whose other containers still run is not Completed.
    if (reason === 'Completed' && hasRunning) {
      reason = conditionIs(pod, 'Ready', 'True') ? 'Running' : 'NotReady';
    }
  }

  const deleting = str(pod, 'metadata', 'deletionTimestamp') !== '';
  if (deleting && str(pod, 'status', 'reason') === nodeUnreachableReason) reason = 'Unknown';
  else if (deleting && !terminalPhases.has(phase)) reason = 'Terminating';

  let restartText = String(restarts);
  if (restarts !== 0 && lastRestart !== undefined) {
    restartText = `${restarts} (${ageSince(new Date(lastRestart).toISOString(), now)} ago)`;
  }
  return { ready: `${ready}/${total}`, reason, restarts: restartText };
}

function readinessGates(pod: KubeObject): string {
  const gates = list(pod, 'spec', 'readinessGates');
  if (gates.length === 0) return '<none>';
  const conditions = list(pod, 'status', 'conditions');
  let met = 0;
  for (const gate of gates) {
    const condition = conditions.find((c) => str(c, 'type') === str(gate, 'conditionType'));
    if (condition !== undefined && str(condition, 'status') === 'True') met++;
  }
  return `${met}/${gates.length}`;
}

function orNone(value: string): string {
  return value === '' ? '<none>' : value;
}

export const podPrinter: Printer = {
  columns: [
    nameColumn,
    column('Ready', 'string', 'Ready containers out of all containers in the pod.'),
    column('Status', 'string', 'The overall state of the pod and its containers.'),
    column('Restarts', 'string', 'Container restarts in the pod, and how long ago the latest one happened.'),
    ageColumn,
    column('IP', 'string', 'The first IP address allocated to the pod.', 1),
    column('Node', 'string', 'The node the pod is bound to.', 1),
    column('Nominated Node', 'string', 'The node the scheduler nominated after preemption.', 1),
    column('Readiness Gates', 'string', 'Readiness gates whose condition is true, out of all gates.', 1),
  ],
  cells(pod, now): Json[] {
    const summary = summarizePod(pod, now);
    const podIPs = list(pod, 'status', 'podIPs');
    // The v1 podIP field mirrors podIPs[0] when only the singular form is set.
    const ip = podIPs.length > 0 ? str(podIPs[0], 'ip') : str(pod, 'status', 'podIP');
    return [
      nameOf(pod),
      summary.ready,
      summary.reason,
      summary.restarts,
      ageOf(pod, now),
      orNone(ip),
      orNone(str(pod, 'spec', 'nodeName')),
      orNone(str(pod, 'status', 'nominatedNodeName')),
      readinessGates(pod),
    ];
  },
};

/**
 * Whether a node still reports in, judged as kube-controller-manager's node lifecycle
 * controller does: each time its Lease renewTime or its Ready heartbeat changes, the
 * controller notes the time on its own clock (never comparing the node's clock with its
 * own); a node not heard from for the grace period gets every kubelet condition set to
 * Unknown. A freshly started controller gives every node a full grace period, so a server
 * restart (renewals held in memory are lost) never marks nodes Unknown by mistake.
 */

/** A node condition as the kubelet posts it. */
export interface NodeCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastHeartbeatTime?: string;
  lastTransitionTime?: string;
}

/** What the controller remembers about one node between passes. */
export interface Probe {
  /** spec.renewTime of the node's Lease when last seen ('' without a Lease). */
  renewTime: string;
  /** lastHeartbeatTime of the Ready condition when last seen. */
  heartbeat: string;
  /** Controller time at which either of them last changed (or the node was first seen). */
  probeMs: number;
}

/** The conditions the kubelet owns and the controller sets to Unknown when it goes silent. */
export const kubeletConditions = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'] as const;

export const nodeStatusUnknownReason = 'NodeStatusUnknown';
export const nodeStatusUnknownMessage = 'Kubelet stopped posting node status.';

/** The probe after seeing the node's current Lease renewTime and Ready heartbeat at `nowMs`. */
export function observeProbe(previous: Probe | undefined, renewTime: string, heartbeat: string, nowMs: number): Probe {
  if (previous === undefined || previous.renewTime !== renewTime || previous.heartbeat !== heartbeat) return { renewTime, heartbeat, probeMs: nowMs };
  return previous;
}

/** Whether the node has been silent for longer than its grace period at `nowMs`. */
export function isSilent(probe: Probe, conditions: readonly NodeCondition[], nowMs: number, graceMs: number, startupGraceMs: number): boolean {
  // A node that never posted a Ready condition is still starting: it gets the longer period.
  const grace = conditions.some((c) => c.type === 'Ready') ? graceMs : startupGraceMs;
  return nowMs > probe.probeMs + grace;
}

/**
 * The conditions of a silent node: each kubelet condition Unknown (a missing one added as
 * never posted), other conditions as they were. Null when they already say so.
 */
export function unknownConditions(conditions: readonly NodeCondition[], createdAt: string, now: string): NodeCondition[] | null {
  let changed = false;
  const result = conditions.map((c) => ({ ...c }));
  for (const type of kubeletConditions) {
    const existing = result.find((c) => c.type === type);
    if (existing === undefined) {
      result.push({ type, status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.', lastHeartbeatTime: createdAt, lastTransitionTime: now });
      changed = true;
    } else if (existing.status !== 'Unknown') {
      existing.status = 'Unknown';
      existing.reason = nodeStatusUnknownReason;
      existing.message = nodeStatusUnknownMessage;
      existing.lastTransitionTime = now;
      changed = true;
    }
  }
  return changed ? result : null;
}

/** The Ready condition's status: 'True', 'False' or 'Unknown' (no condition counts as Unknown). */
export function readyStatus(conditions: readonly NodeCondition[]): 'True' | 'False' | 'Unknown' {
  const status = conditions.find((c) => c.type === 'Ready')?.status;
  return status === 'True' || status === 'False' ? status : 'Unknown';
}

/**
 * Zone disruption, as upstream judges it before evicting: when every node of every zone is
 * not ready the fault is far more likely the control plane's view (or the network to it)
 * than every machine at once, so NoExecute taints are lifted and nothing is evicted; a small
 * zone (50 nodes or fewer) with more than two nodes down that make up 55% or more of it
 * gets no new NoExecute taints either.
 */
import type { NoExecuteMode } from './node-taints.ts';

/** Zones of more nodes than this still evict (slowly, upstream) when partly disrupted. */
const largeZoneNodes = 50;
const unhealthyZoneFraction = 0.55;

export type ZoneState = 'Normal' | 'PartialDisruption' | 'FullDisruption';

export interface NodeZoneFacts {
  zone: string;
  ready: boolean;
}

/** The zone of a node from its topology labels ('' without them), region and zone together as upstream. */
export function zoneOf(labels: Readonly<Record<string, string>> | undefined): string {
  const region = labels?.['topology.kubernetes.io/region'] ?? labels?.['failure-domain.beta.kubernetes.io/region'] ?? '';
  const zone = labels?.['topology.kubernetes.io/zone'] ?? labels?.['failure-domain.beta.kubernetes.io/zone'] ?? '';
  return region === '' && zone === '' ? '' : `${region}:\u0000:${zone}`;
}

/** Each zone's state and size. */
export function zoneStates(nodes: readonly NodeZoneFacts[]): Map<string, { state: ZoneState; size: number }> {
  const counts = new Map<string, { ready: number; notReady: number }>();
  for (const node of nodes) {
    const count = counts.get(node.zone) ?? { ready: 0, notReady: 0 };
    if (node.ready) count.ready++;
    else count.notReady++;
    counts.set(node.zone, count);
  }
  const states = new Map<string, { state: ZoneState; size: number }>();
  for (const [zone, { ready, notReady }] of counts) {
    const size = ready + notReady;
    let state: ZoneState = 'Normal';
    if (ready === 0 && notReady > 0) state = 'FullDisruption';
    else if (notReady > 2 && notReady / size >= unhealthyZoneFraction) state = 'PartialDisruption';
    states.set(zone, { state, size });
  }
  return states;
}

/** What NoExecute taints may do in each zone, given every zone's state. */
export function noExecuteModes(states: ReadonlyMap<string, { state: ZoneState; size: number }>): Map<string, NoExecuteMode> {
  const all = [...states.values()];
  const everyZoneDown = all.length > 0 && all.every((z) => z.state === 'FullDisruption');
  const modes = new Map<string, NoExecuteMode>();
  for (const [zone, { state, size }] of states) {
    if (everyZoneDown) modes.set(zone, 'release');
    else if (state === 'PartialDisruption' && size <= largeZoneNodes) modes.set(zone, 'hold');
    else modes.set(zone, 'normal');
  }
  return modes;
}

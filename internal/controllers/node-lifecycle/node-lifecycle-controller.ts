/**
 * The node lifecycle controller of kube-controller-manager, with its taint eviction loop.
 * Every monitor period (and whenever a node changes) one pass:
 *   1. reads the node Leases (through the API, whose reads include the renewals held in
 *      memory; watches do not carry them) and marks nodes silent past the grace period
 *      Unknown (node-health.ts);
 *   2. puts on each node the NoSchedule and NoExecute taints its conditions call for,
 *      within what zone disruption allows (node-taints.ts, zone-disruption.ts);
 *   3. deletes the pods on NoExecute-tainted nodes whose tolerations ran out
 *      (taint-eviction.ts), marking them DisruptionTarget first as upstream does; the
 *      pod cache this needs runs only while some node has such a taint (bound-pods.ts).
 */
import { isPlainObject, type Json, type KubeObject } from '../../apiserver/objects.ts';
import { InformerFactory, objectKey, realClock, sleep, type ApiClient, type Clock } from '../../client/index.ts';
import type { EventRecorder } from '../../agent/events.ts';
import type { Toleration } from '../../scheduler/types.ts';
import type { Logger } from '../../util/log.ts';
import { isSilent, observeProbe, readyStatus, unknownConditions, type NodeCondition, type Probe } from './node-health.ts';
import { reconcileTaints, wantedNoExecuteKey, wantedNoScheduleKeys, type NodeTaint } from './node-taints.ts';
import { BoundPods } from './bound-pods.ts';
import { evictPod, isStatus } from './evict-pod.ts';
import { timestamp } from '../../api/meta.ts';
import { EvictionTimers } from './taint-eviction.ts';
import { noExecuteModes, zoneOf, zoneStates } from './zone-disruption.ts';

export interface NodeLifecycleOptions {
  api: ApiClient;
  log: Logger;
  /** Node events (component node-controller). */
  nodeEvents: EventRecorder;
  /** Pod eviction events (component taint-eviction-controller). */
  podEvents: EventRecorder;
  clock?: Clock;
  /** How long a node may go without renewing its Lease before it is Unknown (default 40 s). */
  gracePeriodMs?: number;
  /** The same for a node that never posted a Ready condition (default 60 s, at least the grace period). */
  startupGracePeriodMs?: number;
  /** Pause between passes (default 5 s, at most a quarter of the grace period). */
  monitorPeriodMs?: number;
}

interface NodeView {
  metadata: KubeObject['metadata'];
  spec?: { unschedulable?: boolean; taints?: NodeTaint[] };
  status?: { conditions?: NodeCondition[] };
}

interface PodView {
  metadata: KubeObject['metadata'];
  spec?: { nodeName?: string; tolerations?: Toleration[] };
}

/** Runs the controller until `signal` aborts. */
export async function runNodeLifecycleController(options: NodeLifecycleOptions, signal: AbortSignal): Promise<void> {
  const { api, log } = options;
  const clock = options.clock ?? realClock;
  const graceMs = options.gracePeriodMs ?? 40_000;
  const startupGraceMs = Math.max(graceMs, options.startupGracePeriodMs ?? 60_000);
  const periodMs = options.monitorPeriodMs ?? Math.min(5_000, Math.max(250, Math.floor(graceMs / 4)));
  const factory = new InformerFactory(api, { onError: (error) => log.debug('watch retrying', { error }) });
  const nodes = factory.informer<KubeObject>('Node');
  const leases = api.resource('Lease', 'coordination.k8s.io/v1');
  const nodeApi = api.resource('Node', 'v1');
  const podApi = api.resource('Pod', 'v1');

  const probes = new Map<string, Probe>();
  const silentNodes = new Set<string>();
  const timers = new EvictionTimers();
  let wake: (() => void) | undefined;
  let kicked = false;
  const kick = (): void => {
    kicked = true;
    wake?.();
  };
  // Status reports that only move heartbeat times do not call for a pass.
  nodes.addHandlers({
    onAdd: kick,
    onUpdate: (before, after) => {
      if (taintInputs(before) !== taintInputs(after)) kick();
    },
    onDelete: (node) => {
      probes.delete(node.metadata.name ?? '');
      silentNodes.delete(node.metadata.name ?? '');
    },
  });
  // A pod bound to a NoExecute-tainted node may have to go at once.
  const pods = new BoundPods(api, log, (pod) => {
    const node = nodes.store.get((pod as PodView).spec?.nodeName ?? '') as NodeView | undefined;
    if ((node?.spec?.taints ?? []).some((t) => t.effect === 'NoExecute')) kick();
  });

  factory.start(signal);
  if (!(await factory.waitForSync(signal))) return;
  log.info('node lifecycle controller started', { gracePeriodMs: graceMs, monitorPeriodMs: periodMs });

  /** Marks silent nodes Unknown; returns the nodes it wrote, as they now stand. */
  const monitorHealth = async (): Promise<Map<string, NodeView>> => {
    const renewals = new Map<string, string>();
    const list = await leases.list('kube-node-lease', { signal });
    for (const lease of list.items) {
      const spec = (lease.spec ?? {}) as { renewTime?: string };
      renewals.set(lease.metadata.name ?? '', spec.renewTime ?? '');
    }
    const now = clock.now();
    const written = new Map<string, NodeView>();
    for (const object of nodes.store.list()) {
      const node = object as NodeView;
      const name = node.metadata.name ?? '';
      const conditions = node.status?.conditions ?? [];
      const heartbeat = conditions.find((c) => c.type === 'Ready')?.lastHeartbeatTime ?? '';
      const probe = observeProbe(probes.get(name), renewals.get(name) ?? '', heartbeat, now);
      probes.set(name, probe);
      const silent = isSilent(probe, conditions, now, graceMs, startupGraceMs);
      if (silent) silentNodes.add(name);
      else silentNodes.delete(name);
      if (silent) {
        const updated = unknownConditions(conditions, node.metadata.creationTimestamp ?? '', timestamp(now));
        if (updated !== null) {
          try {
            const body: KubeObject = { ...object, status: { ...(isPlainObject(object.status) ? object.status : {}), conditions: updated as unknown as Json[] } };
            written.set(name, (await nodeApi.updateStatus(null, body, { fieldManager: 'node-controller', signal })) as NodeView);
            log.info('node stopped posting status; marked Unknown', { node: name });
            options.nodeEvents.record({ object: { kind: 'Node', apiVersion: 'v1', name, uid: name }, type: 'Normal', reason: 'NodeNotReady', message: `Node ${name} status is now: NodeNotReady` });
          } catch (error) {
            // The agent wrote meanwhile: the next pass judges the newer node.
            if (!isStatus(error, 409) && !isStatus(error, 404)) throw error;
          }
        }
      }
    }
    return written;
  };

  /** Brings each node's taints in line; returns the taints each node now has. */
  const reconcileNodeTaints = async (written: ReadonlyMap<string, NodeView>): Promise<Map<string, NodeTaint[]>> => {
    const views = nodes.store.list().map((object) => {
      const name = object.metadata.name ?? '';
      return { node: written.get(name) ?? (object as NodeView), heardFrom: !silentNodes.has(name) };
    });
    const states = zoneStates(views.map(({ node }) => ({ zone: zoneOf(node.metadata.labels), ready: readyStatus(node.status?.conditions ?? []) === 'True' })));
    const modes = noExecuteModes(states);
    const result = new Map<string, NodeTaint[]>();
    for (const { node, heardFrom } of views) {
      const name = node.metadata.name ?? '';
      const conditions = node.status?.conditions ?? [];
      const current = node.spec?.taints ?? [];
      const next = reconcileTaints(
        current,
        wantedNoScheduleKeys(conditions, node.spec?.unschedulable === true),
        wantedNoExecuteKey(conditions, heardFrom),
        modes.get(zoneOf(node.metadata.labels)) ?? 'normal',
        timestamp(clock.now()),
      );
      result.set(name, next ?? current);
      if (next === null) continue;
      try {
        await nodeApi.patch(null, name, { metadata: { resourceVersion: node.metadata.resourceVersion ?? null }, spec: { taints: next.length === 0 ? null : next } }, 'merge', { fieldManager: 'node-controller', signal });
        log.debug('node taints updated', { node: name, taints: next.map((t) => `${t.key}:${t.effect}`) });
      } catch (error) {
        // A newer node is on its way to the cache; the next pass works from it.
        if (!isStatus(error, 409) && !isStatus(error, 404)) throw error;
        result.set(name, current);
      }
    }
    return result;
  };

  /** Evicts the pods whose NoExecute tolerations ran out; returns when the next one falls due. */
  const evictPods = async (taints: Map<string, NodeTaint[]>): Promise<number> => {
    const tainted = [...taints].filter(([, nodeTaints]) => nodeTaints.some((t) => t.effect === 'NoExecute'));
    if (tainted.length === 0) {
      timers.retain(new Set());
      await pods.stop();
      return Infinity;
    }
    if (!(await pods.start(signal))) return Infinity;
    const now = clock.now();
    let next = Infinity;
    const seen = new Set<string>();
    for (const [nodeName, nodeTaints] of tainted) {
      for (const object of pods.onNode(nodeName)) {
        const pod = object as PodView;
        const key = `${objectKey(object)}/${pod.metadata.uid ?? ''}`;
        if (pod.metadata.deletionTimestamp !== undefined) continue;
        seen.add(key);
        const due = timers.deadline(key, pod.spec?.tolerations ?? [], nodeTaints, now);
        if (due === null) continue;
        if (due > now) {
          next = Math.min(next, due);
          continue;
        }
        await evictPod(podApi, object, options.podEvents, now);
        timers.forget(key);
      }
    }
    timers.retain(seen);
    return next;
  };

  let lastHealthMs = -Infinity;
  while (!signal.aborted) {
    kicked = false;
    let nextDue = Infinity;
    try {
      let written: ReadonlyMap<string, NodeView> = new Map();
      // Lease reads once per period; passes in between (node changes) work from the last verdicts.
      if (clock.now() - lastHealthMs >= periodMs) {
        lastHealthMs = clock.now();
        written = await monitorHealth();
      }
      nextDue = await evictPods(await reconcileNodeTaints(written));
    } catch (error) {
      if (signal.aborted) break;
      log.warn('node lifecycle pass failed; will retry', { error });
    }
    if (kicked) continue;
    const waitMs = Math.max(50, Math.min(periodMs - (clock.now() - lastHealthMs), nextDue - clock.now()));
    const pause = new AbortController();
    wake = () => pause.abort();
    await sleep(clock, waitMs, AbortSignal.any([signal, pause.signal]));
    wake = undefined;
  }
  await pods.stop();
  await factory.stopped();
}

/** What the taints of a node depend on; heartbeat times and the like are left out. */
function taintInputs(object: KubeObject): string {
  const node = object as NodeView;
  const conditions = (node.status?.conditions ?? []).map((c) => `${c.type}=${c.status}/${c.reason ?? ''}`);
  return JSON.stringify([node.spec?.unschedulable === true, node.spec?.taints ?? [], conditions, zoneOf(node.metadata.labels)]);
}

/**
 * What the scheduler writes through the API: bindings (pods/binding), the PodScheduled
 * condition and nominatedNodeName of pods that do not fit (pods/status, only when they
 * change), evictions of preemption victims, and Events as default-scheduler.
 */
import type { EventRecorder } from '../agent/events.ts';
import { controllerEventRecorder } from '../controllers/leader-elected/index.ts';
import { ApiStatusError, resourceSpecOfKind, type ApiClient, type ResourceClient } from '../client/index.ts';
import type { JsonObject, KubeObject } from '../apiserver/objects.ts';
import type { Logger } from '../util/log.ts';
import type { Pod, PodCondition } from './types.ts';

/** The scheduler's name in events and in pods' spec.schedulerName. */
export const schedulerName = 'default-scheduler';

export type EventType = 'Normal' | 'Warning';

/**
 * True when the pod is gone (nothing left to write). A conflict is not final: the pod may
 * have been bound elsewhere, which the informer will tell; a retry finds that out.
 */
export function isGone(error: unknown): boolean {
  return error instanceof ApiStatusError && error.code === 404;
}

function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

export class ApiWriter {
  readonly #api: ApiClient;
  readonly #pods: ResourceClient;
  readonly #events: EventRecorder;

  constructor(api: ApiClient, log: Logger) {
    this.#api = api;
    this.#pods = api.resource(resourceSpecOfKind('Pod', 'v1'));
    this.#events = controllerEventRecorder(api, schedulerName, log);
  }

  /** POSTs the Binding of the pod to `node`. */
  async bind(pod: Pod, node: string, signal: AbortSignal): Promise<void> {
    const { namespace = '', name = '', uid } = pod.metadata;
    const binding = { apiVersion: 'v1', kind: 'Binding', metadata: { name, namespace, ...(uid ? { uid } : {}) }, target: { apiVersion: 'v1', kind: 'Node', name: node } };
    await this.#api.request('POST', this.#pods.path(namespace, name, 'binding'), { body: binding, signal });
  }

  /**
   * Sets PodScheduled=False (reason Unschedulable) with `message`, and nominatedNodeName
   * when given ('' clears it); writes nothing when both already read so.
   */
  async markUnschedulable(pod: Pod, message: string, nominatedNodeName: string | undefined, nowMs: number, signal: AbortSignal): Promise<void> {
    const current = pod.status?.conditions?.find((c) => c?.type === 'PodScheduled');
    const sameCondition = current?.status === 'False' && current.reason === 'Unschedulable' && current.message === message;
    const sameNomination = nominatedNodeName === undefined || (pod.status?.nominatedNodeName ?? '') === nominatedNodeName;
    if (sameCondition && sameNomination) return;
    const condition: PodCondition = {
      type: 'PodScheduled',
      status: 'False',
      reason: 'Unschedulable',
      message,
      lastProbeTime: null,
      // The transition time moves only when the status does.
      lastTransitionTime: current?.status === 'False' && current.lastTransitionTime ? current.lastTransitionTime : timestamp(nowMs),
    };
    const status: JsonObject = { conditions: [condition as unknown as JsonObject] };
    if (nominatedNodeName !== undefined) status.nominatedNodeName = nominatedNodeName === '' ? null : nominatedNodeName;
    await this.#pods.patch(pod.metadata.namespace ?? null, pod.metadata.name ?? '', { status }, 'strategic', { subresource: 'status', fieldManager: schedulerName, signal });
  }

  /** Marks a preemption victim (DisruptionTarget) and deletes it with its own grace period. */
  async evict(victim: Pod, preemptor: Pod, node: string, nowMs: number, signal: AbortSignal): Promise<void> {
    const namespace = victim.metadata.namespace ?? null;
    const name = victim.metadata.name ?? '';
    const condition = {
      type: 'DisruptionTarget',
      status: 'True',
      reason: 'PreemptionByScheduler',
      message: `${schedulerName}: preempting to accommodate a higher priority pod`,
      lastTransitionTime: timestamp(nowMs),
    };
    try {
      await this.#pods.patch(namespace, name, { status: { conditions: [condition] } }, 'strategic', { subresource: 'status', fieldManager: schedulerName, signal });
      await this.#pods.delete(namespace, name, { preconditions: victim.metadata.uid ? { uid: victim.metadata.uid } : undefined, signal });
    } catch (error) {
      // Already gone is what preemption wanted.
      if (!(error instanceof ApiStatusError && (error.code === 404 || error.code === 409))) throw error;
    }
    this.event(victim, 'Normal', 'Preempted', `Preempted by pod ${preemptor.metadata.uid ?? ''} on node ${node}`);
  }

  /** Records an Event about the pod (never throws; see EventRecorder). */
  event(pod: Pod | KubeObject, type: EventType, reason: string, message: string): void {
    const { namespace, name = '', uid, resourceVersion } = pod.metadata;
    this.#events.record({ object: { kind: 'Pod', apiVersion: 'v1', namespace, name, uid, resourceVersion }, type, reason, message });
  }

  /** Drops events not yet written. */
  stop(): void {
    this.#events.stop();
  }
}

/**
 * Pod creates and deletes on behalf of a ReplicaSet, each recorded as an Event on it as
 * kube-controller-manager records them (SuccessfulCreate "Created pod: x", FailedCreate,
 * SuccessfulDelete "Deleted pod: x", FailedDelete).
 */
import { ApiStatusError, type ResourceClient } from '../client/index.ts';
import type { EventRecorder } from '../agent/events.ts';
import { isNotFound } from './claims.ts';
import { podFromTemplate } from './replica-set-decisions.ts';
import type { Pod, ReplicaSet } from './workload-types.ts';

/** Creates and deletes the pods of ReplicaSets, with events. */
export class PodControl {
  readonly #pods: ResourceClient;
  readonly #events: EventRecorder;

  constructor(pods: ResourceClient, events: EventRecorder) {
    this.#pods = pods;
    this.#events = events;
  }

  /** Creates one pod from the template; a namespace being deleted is not a failure (nothing can be created there). */
  async create(rs: ReplicaSet): Promise<void> {
    try {
      const pod = await this.#pods.create(rs.metadata.namespace ?? '', podFromTemplate(rs));
      this.#event(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name ?? ''}`);
    } catch (error) {
      if (error instanceof ApiStatusError && error.details?.causes?.some((c) => c.reason === 'NamespaceTerminating')) return;
      this.#event(rs, 'Warning', 'FailedCreate', `Error creating: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    }
  }

  /** Deletes the pod; errors (NotFound included) are thrown for the caller to weigh. */
  async delete(rs: ReplicaSet, pod: Pod): Promise<void> {
    const name = pod.metadata.name ?? '';
    try {
      await this.#pods.delete(rs.metadata.namespace ?? '', name);
      this.#event(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
    } catch (error) {
      if (!isNotFound(error)) this.#event(rs, 'Warning', 'FailedDelete', `Error deleting: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    }
  }

  #event(rs: ReplicaSet, type: 'Normal' | 'Warning', reason: string, message: string): void {
    const { namespace, name = '', uid, resourceVersion } = rs.metadata;
    this.#events.record({ object: { kind: 'ReplicaSet', apiVersion: 'apps/v1', namespace, name, uid, resourceVersion }, type, reason, message });
  }
}

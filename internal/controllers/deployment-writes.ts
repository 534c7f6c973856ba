/**
 * The writes one Deployment sync makes, keeping its view current as it goes: the
 * Deployment as last written (status, revision annotation) and its ReplicaSets as last
 * written (resizes with the desired/max-replicas annotations, creations), plus the
 * ScalingReplicaSet events and the cleanup of old revisions.
 */
import { ApiStatusError, type Clock, type ResourceClient } from '../client/index.ts';
import type { EventRecorder } from '../agent/events.ts';
import { byCreation, replicasAnnotationsNeedUpdate, revisionAnnotation, revisionOf, setReplicasAnnotations } from './deployment-revisions.ts';
import { maxSurge } from './deployment-rollout.ts';
import { compactStatus } from './deployment-status.ts';
import { keyOf, plain, replicasOf, view, type Deployment, type DeploymentStatus, type ReplicaSet } from './workload-types.ts';

export interface SyncContext {
  deployments: ResourceClient;
  replicaSets: ResourceClient;
  events: EventRecorder;
  clock: Clock;
  /** Look at the Deployment again after `ms` (0: soon, rate-limited). */
  recheck(key: string, ms: number): void;
}

/** A Deployment and its ReplicaSets during one sync, with the writes that change them. */
export class DeploymentWriter {
  readonly #ctx: SyncContext;
  #d: Deployment;
  readonly #sets: ReplicaSet[];

  constructor(ctx: SyncContext, deployment: Deployment, sets: ReplicaSet[]) {
    this.#ctx = ctx;
    this.#d = deployment;
    this.#sets = sets;
  }

  /** The Deployment as last read or written. */
  get deployment(): Deployment {
    return this.#d;
  }

  /** Its ReplicaSets as last read or written. */
  get sets(): readonly ReplicaSet[] {
    return this.#sets;
  }

  get namespace(): string {
    return this.#d.metadata.namespace ?? '';
  }

  now(): number {
    return this.#ctx.clock.now();
  }

  /** Asks for another sync after `ms` (below a second: soon, rate-limited). */
  recheck(ms: number): void {
    this.#ctx.recheck(keyOf(this.#d), ms < 1000 ? 0 : ms);
  }

  async writeStatus(status: DeploymentStatus): Promise<void> {
    const next = { ...this.#d, status: compactStatus(status) };
    this.#d = view<Deployment>(await this.#ctx.deployments.updateStatus(this.namespace, plain(next)));
  }

  /** Sets the revision annotation (a metadata patch: the status subresource keeps metadata as stored). */
  async setRevision(revision: string | undefined): Promise<void> {
    if (revision === undefined || this.#d.metadata.annotations?.[revisionAnnotation] === revision) return;
    const patch = { metadata: { annotations: { [revisionAnnotation]: revision }, resourceVersion: this.#d.metadata.resourceVersion ?? null } };
    this.#d = view<Deployment>(await this.#ctx.deployments.patch(this.namespace, this.#d.metadata.name ?? '', patch, 'merge'));
  }

  async createReplicaSet(rs: ReplicaSet): Promise<ReplicaSet> {
    const created = view<ReplicaSet>(await this.#ctx.replicaSets.create(this.namespace, plain(rs)));
    this.#sets.push(created);
    return created;
  }

  /** Reads a ReplicaSet from the server (one the cache has not shown yet) and keeps it in view. */
  async getReplicaSet(name: string): Promise<ReplicaSet> {
    const found = view<ReplicaSet>(await this.#ctx.replicaSets.get(this.namespace, name));
    if (!this.#sets.some((rs) => rs.metadata.uid === found.metadata.uid)) this.#sets.push(found);
    return found;
  }

  /** PUTs `rs` (its resourceVersion guards against a stale cache) and returns it as stored. */
  async updateReplicaSet(rs: ReplicaSet): Promise<ReplicaSet> {
    const updated = view<ReplicaSet>(await this.#ctx.replicaSets.update(this.namespace, plain(rs)));
    const index = this.#sets.findIndex((other) => other.metadata.uid === updated.metadata.uid);
    if (index >= 0) this.#sets[index] = updated;
    return updated;
  }

  /** Sets spec.replicas and the desired/max annotations of `rs`; an event when the size changed. */
  async scale(rs: ReplicaSet, replicas: number): Promise<ReplicaSet> {
    const from = rs.spec.replicas ?? 0;
    const desired = replicasOf(this.#d);
    const max = desired + maxSurge(this.#d);
    if (from === replicas && !replicasAnnotationsNeedUpdate(rs, desired, max)) return rs;
    const copy = structuredClone(rs);
    copy.spec.replicas = replicas;
    setReplicasAnnotations(copy, desired, max);
    const updated = await this.updateReplicaSet(copy);
    if (from !== replicas) {
      this.event('Normal', 'ScalingReplicaSet', `Scaled ${from < replicas ? 'up' : 'down'} replica set ${rs.metadata.name ?? ''} to ${replicas} from ${from}`);
    }
    return updated;
  }

  /** Deletes the oldest revisions beyond revisionHistoryLimit that have no replicas left. */
  async cleanup(olds: readonly ReplicaSet[]): Promise<void> {
    const limit = this.#d.spec.revisionHistoryLimit;
    if (limit === undefined || limit === 2147483647) return;
    const alive = olds.filter((rs) => rs.metadata.deletionTimestamp === undefined);
    const excess = alive.length - limit;
    if (excess <= 0) return;
    const oldestFirst = [...alive].sort((a, b) => revisionOf(a) - revisionOf(b) || byCreation(a, b));
    for (const rs of oldestFirst.slice(0, excess)) {
      const busy = (rs.status?.replicas ?? 0) !== 0 || (rs.spec.replicas ?? 0) !== 0 || (rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0);
      if (busy) continue;
      try {
        await this.#ctx.replicaSets.delete(this.namespace, rs.metadata.name ?? '');
      } catch (error) {
        if (!(error instanceof ApiStatusError && error.code === 404)) throw error;
      }
    }
  }

  event(type: 'Normal' | 'Warning', reason: string, message: string): void {
    const { namespace, name = '', uid, resourceVersion } = this.#d.metadata;
    this.#ctx.events.record({ object: { kind: 'Deployment', apiVersion: 'apps/v1', namespace, name, uid, resourceVersion }, type, reason, message });
  }
}

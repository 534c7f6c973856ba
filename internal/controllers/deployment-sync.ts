/**
 * One sync of one Deployment, after kube-controller-manager's deployment controller:
 * find or create the new ReplicaSet (keeping revisions in step), then either only
 * resize (paused, or a scaling event: proportionally), or roll out (RollingUpdate within
 * maxSurge/maxUnavailable; Recreate: old pods gone before new ones start), clean up old
 * ReplicaSets past revisionHistoryLimit once complete, and write the status.
 */
import { ApiStatusError, type Clock, type ResourceClient } from '../client/index.ts';
import type { EventRecorder } from '../agent/events.ts';
import { selectorWithLabel } from './label-selector.ts';
import { newControllerRef } from './owner-references.ts';
import {
  byCreation,
  desiredReplicasAnnotation,
  equalIgnoringHash,
  findNewReplicaSet,
  maxRevision,
  oldReplicaSets,
  podTemplateHash,
  podTemplateHashLabel,
  replicasAnnotationsNeedUpdate,
  revisionAnnotation,
  revisionOf,
  setNewReplicaSetAnnotations,
  setReplicasAnnotations,
} from './deployment-revisions.ts';
import { active, maxSurge, newReplicaSetReplicas, proportionalScalePlan, scaleDownOldPlan, sums } from './deployment-rollout.ts';
import {
  calculateStatus,
  compactStatus,
  deploymentComplete,
  getCondition,
  hasProgressDeadline,
  newCondition,
  reasons,
  rolloutStatus,
  sameStatus,
  setCondition,
  stuckRecheckMs,
} from './deployment-status.ts';
import { controllerRefOf } from './owner-references.ts';
import { keyOf, plain, replicasOf, view, type Deployment, type DeploymentStatus, type Pod, type ReplicaSet } from './workload-types.ts';

export interface SyncContext {
  deployments: ResourceClient;
  replicaSets: ResourceClient;
  events: EventRecorder;
  clock: Clock;
  /** Look at the Deployment again after `ms` (0: soon, rate-limited). */
  recheck(key: string, ms: number): void;
}

/** The sync of one Deployment with the ReplicaSets it controls and their pods (by ReplicaSet uid). */
export class DeploymentSync {
  readonly #ctx: SyncContext;
  #d: Deployment;
  readonly #sets: ReplicaSet[];
  readonly #podsBySet: Map<string, Pod[]>;

  constructor(ctx: SyncContext, deployment: Deployment, sets: ReplicaSet[], podsBySet: Map<string, Pod[]>) {
    this.#ctx = ctx;
    this.#d = deployment;
    this.#sets = sets;
    this.#podsBySet = podsBySet;
  }

  /** Runs the sync: status only while deleting, resize only while paused or scaling, else a rollout step. */
  async run(): Promise<void> {
    if (this.#d.metadata.deletionTimestamp !== undefined) return this.#syncStatusOnly();
    await this.#checkPausedConditions();
    if (this.#d.spec.paused === true || (await this.#isScalingEvent())) return this.#syncScale();
    if (this.#d.spec.strategy?.type === 'Recreate') return this.#rolloutRecreate();
    return this.#rolloutRolling();
  }

  get #now(): number {
    return this.#ctx.clock.now();
  }

  get #namespace(): string {
    return this.#d.metadata.namespace ?? '';
  }

  /** Pausing and resuming show in Progressing as Unknown, unless the deadline was already missed. */
  async #checkPausedConditions(): Promise<void> {
    if (!hasProgressDeadline(this.#d)) return;
    const current = getCondition(this.#d.status, 'Progressing');
    if (current?.reason === reasons.progressDeadlineExceeded) return;
    const pausedShown = current?.reason === reasons.paused;
    const status = structuredClone(this.#d.status ?? {});
    if (this.#d.spec.paused === true && !pausedShown) {
      setCondition(status, newCondition('Progressing', 'Unknown', reasons.paused, 'Deployment is paused', this.#now));
    } else if (this.#d.spec.paused !== true && pausedShown) {
      setCondition(status, newCondition('Progressing', 'Unknown', reasons.resumed, 'Deployment is resumed', this.#now));
    } else return;
    await this.#writeStatus(status);
  }

  /** Some active ReplicaSet was sized for a different spec.replicas than the Deployment has now. */
  async #isScalingEvent(): Promise<boolean> {
    const { newRs, olds } = await this.#replicaSetsAndRevision(false);
    for (const rs of active([...olds, newRs])) {
      const desired = Number(rs.metadata.annotations?.[desiredReplicasAnnotation] ?? NaN);
      if (Number.isSafeInteger(desired) && desired !== replicasOf(this.#d)) return true;
    }
    return false;
  }

  async #syncScale(): Promise<void> {
    const { newRs, olds } = await this.#replicaSetsAndRevision(false);
    const scaled = new Map<string, ReplicaSet>();
    for (const step of proportionalScalePlan(this.#d, newRs, olds)) {
      const updated = await this.#scale(step.rs, step.replicas);
      scaled.set(updated.metadata.uid ?? '', updated);
    }
    const latest = (rs: ReplicaSet): ReplicaSet => scaled.get(rs.metadata.uid ?? '') ?? rs;
    const newNow = newRs === undefined ? undefined : latest(newRs);
    const oldNow = olds.map(latest);
    if (this.#d.spec.paused === true) await this.#cleanup(oldNow);
    await this.#syncStatus([...oldNow, ...(newNow ? [newNow] : [])], newNow);
  }

  async #syncStatusOnly(): Promise<void> {
    const { newRs, olds } = await this.#replicaSetsAndRevision(false);
    await this.#syncStatus([...olds, ...(newRs ? [newRs] : [])], newRs);
  }

  async #rolloutRolling(): Promise<void> {
    const { newRs, olds } = await this.#replicaSetsAndRevision(true);
    if (newRs === undefined) return;
    let all = [...olds, newRs];
    // Grow the new ReplicaSet first; shrink it if the Deployment got smaller.
    const wanted = (newRs.spec.replicas ?? 0) > replicasOf(this.#d) ? replicasOf(this.#d) : newReplicaSetReplicas(this.#d, all, newRs);
    if (wanted !== (newRs.spec.replicas ?? 0)) {
      const updated = await this.#scale(newRs, wanted);
      return this.#syncRolloutStatus([...olds, updated], updated);
    }
    const steps = scaleDownOldPlan(this.#d, all, active(olds), newRs);
    if (steps.length > 0) {
      const updated = new Map<string, ReplicaSet>();
      for (const step of steps) updated.set(step.rs.metadata.uid ?? '', await this.#scale(step.rs, step.replicas));
      all = [...olds.map((rs) => updated.get(rs.metadata.uid ?? '') ?? rs), newRs];
      return this.#syncRolloutStatus(all, newRs);
    }
    if (deploymentComplete(this.#d, this.#d.status ?? {})) await this.#cleanup(olds);
    return this.#syncRolloutStatus(all, newRs);
  }

  async #rolloutRecreate(): Promise<void> {
    // The new ReplicaSet is not created before the old pods are gone.
    let { newRs, olds } = await this.#replicaSetsAndRevision(false);
    const remaining: ReplicaSet[] = [];
    let scaledDown = false;
    for (const rs of olds) {
      if ((rs.spec.replicas ?? 0) === 0) {
        remaining.push(rs);
        continue;
      }
      remaining.push(await this.#scale(rs, 0));
      scaledDown = true;
    }
    const current = (): ReplicaSet[] => [...remaining, ...(newRs ? [newRs] : [])];
    if (scaledDown || this.#oldPodsRunning(newRs, remaining)) return this.#syncRolloutStatus(current(), newRs);
    if (newRs === undefined) ({ newRs, olds } = await this.#replicaSetsAndRevision(true));
    if (newRs === undefined) return;
    if ((newRs.spec.replicas ?? 0) !== replicasOf(this.#d)) newRs = await this.#scale(newRs, replicasOf(this.#d));
    if (deploymentComplete(this.#d, this.#d.status ?? {})) await this.#cleanup(olds);
    return this.#syncRolloutStatus([...olds, newRs], newRs);
  }

  /** Old ReplicaSets still report pods, or pods of theirs that have not finished still exist. */
  #oldPodsRunning(newRs: ReplicaSet | undefined, olds: readonly ReplicaSet[]): boolean {
    if (sums.statusReplicas(olds) > 0) return true;
    for (const [uid, pods] of this.#podsBySet) {
      if (newRs !== undefined && uid === newRs.metadata.uid) continue;
      if (pods.some((pod) => pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed')) return true;
    }
    return false;
  }

  /**
   * The new ReplicaSet (created when asked and missing) and all old ones. An existing new
   * ReplicaSet gets the Deployment's annotations and a revision above every old one (a
   * rollback raises an old ReplicaSet's revision this way); the Deployment's revision
   * annotation follows the new ReplicaSet's.
   */
  async #replicaSetsAndRevision(create: boolean): Promise<{ newRs: ReplicaSet | undefined; olds: ReplicaSet[] }> {
    const existing = findNewReplicaSet(this.#d, this.#sets);
    const olds = oldReplicaSets(this.#sets, existing);
    const newRevision = maxRevision(olds) + 1;
    if (existing !== undefined) return { newRs: await this.#syncExistingNew(existing, newRevision), olds };
    if (!create) return { newRs: undefined, olds };
    return { newRs: await this.#createNew(olds, newRevision), olds };
  }

  async #syncExistingNew(existing: ReplicaSet, newRevision: number): Promise<ReplicaSet> {
    const copy = structuredClone(existing);
    const annotationsChanged = setNewReplicaSetAnnotations(this.#d, copy, newRevision, true, maxSurge(this.#d));
    const minReady = this.#d.spec.minReadySeconds ?? 0;
    if (annotationsChanged || (copy.spec.minReadySeconds ?? 0) !== minReady) {
      copy.spec.minReadySeconds = minReady;
      const updated = view<ReplicaSet>(await this.#ctx.replicaSets.update(this.#namespace, plain(copy)));
      this.#replace(updated);
      return updated;
    }
    await this.#setRevision(copy.metadata.annotations?.[revisionAnnotation]);
    if (hasProgressDeadline(this.#d) && getCondition(this.#d.status, 'Progressing') === undefined) {
      const status = structuredClone(this.#d.status ?? {});
      setCondition(status, newCondition('Progressing', 'True', reasons.foundNewReplicaSet, `Found new replica set "${copy.metadata.name ?? ''}"`, this.#now));
      await this.#writeStatus(status);
    }
    return copy;
  }

  async #createNew(olds: ReplicaSet[], newRevision: number): Promise<ReplicaSet> {
    const d = this.#d;
    const hash = podTemplateHash(d.spec.template, d.status?.collisionCount);
    const template = structuredClone(d.spec.template ?? {});
    template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [podTemplateHashLabel]: hash } };
    const name = `${d.metadata.name ?? ''}-${hash}`;
    const draft: ReplicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name, namespace: this.#namespace, labels: { ...(template.metadata.labels ?? {}) }, ownerReferences: [newControllerRef(d, 'apps/v1', 'Deployment')] },
      spec: { replicas: 0, minReadySeconds: d.spec.minReadySeconds ?? 0, selector: selectorWithLabel(d.spec.selector, podTemplateHashLabel, hash), template },
    };
    const replicas = newReplicaSetReplicas(d, [...olds, draft], draft);
    draft.spec.replicas = replicas;
    setNewReplicaSetAnnotations(d, draft, newRevision, false, maxSurge(d));
    let created: ReplicaSet;
    let existed = false;
    try {
      created = view<ReplicaSet>(await this.#ctx.replicaSets.create(this.#namespace, plain(draft)));
    } catch (error) {
      if (error instanceof ApiStatusError && error.code === 409 && error.reason === 'AlreadyExists') {
        const found = view<ReplicaSet>(await this.#ctx.replicaSets.get(this.#namespace, name));
        if (controllerRefOf(found)?.uid !== d.metadata.uid || !equalIgnoringHash(d.spec.template, found.spec.template)) {
          // Another template (or another owner) has this name: try the next hash.
          const status = structuredClone(d.status ?? {});
          status.collisionCount = (status.collisionCount ?? 0) + 1;
          await this.#writeStatus(status);
          throw error;
        }
        created = found;
        existed = true;
      } else {
        if (error instanceof ApiStatusError && error.details?.causes?.some((c) => c.reason === 'NamespaceTerminating')) throw error;
        const message = `Failed to create new replica set "${name}": ${error instanceof Error ? error.message : String(error)}`;
        if (hasProgressDeadline(d)) {
          const status = structuredClone(d.status ?? {});
          setCondition(status, newCondition('Progressing', 'False', reasons.failedReplicaSetCreate, message, this.#now));
          await this.#writeStatus(status).catch(() => undefined);
        }
        this.#event('Warning', reasons.failedReplicaSetCreate, message);
        throw error;
      }
    }
    this.#sets.push(created);
    if (!existed && replicas > 0) this.#event('Normal', 'ScalingReplicaSet', `Scaled up replica set ${name} to ${replicas}`);
    await this.#setRevision(String(newRevision));
    if (!existed && hasProgressDeadline(d)) {
      const status = structuredClone(this.#d.status ?? {});
      setCondition(status, newCondition('Progressing', 'True', reasons.newReplicaSetCreated, `Created new replica set "${name}"`, this.#now));
      await this.#writeStatus(status);
    }
    return created;
  }

  /** Sets spec.replicas and the desired/max annotations of `rs`; an event when the size changed. */
  async #scale(rs: ReplicaSet, replicas: number): Promise<ReplicaSet> {
    const from = rs.spec.replicas ?? 0;
    const desired = replicasOf(this.#d);
    const max = desired + maxSurge(this.#d);
    if (from === replicas && !replicasAnnotationsNeedUpdate(rs, desired, max)) return rs;
    const copy = structuredClone(rs);
    copy.spec.replicas = replicas;
    setReplicasAnnotations(copy, desired, max);
    const updated = view<ReplicaSet>(await this.#ctx.replicaSets.update(this.#namespace, plain(copy)));
    this.#replace(updated);
    if (from !== replicas) {
      const direction = from < replicas ? 'up' : 'down';
      this.#event('Normal', 'ScalingReplicaSet', `Scaled ${direction} replica set ${rs.metadata.name ?? ''} to ${replicas} from ${from}`);
    }
    return updated;
  }

  /** Deletes the oldest revisions beyond revisionHistoryLimit that have no replicas left. */
  async #cleanup(olds: readonly ReplicaSet[]): Promise<void> {
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
        await this.#ctx.replicaSets.delete(this.#namespace, rs.metadata.name ?? '');
      } catch (error) {
        if (!(error instanceof ApiStatusError && error.code === 404)) throw error;
      }
    }
  }

  async #syncStatus(all: ReplicaSet[], newRs: ReplicaSet | undefined): Promise<void> {
    const status = calculateStatus(this.#d, all, newRs, this.#now);
    if (!sameStatus(this.#d.status, status)) await this.#writeStatus(status);
  }

  async #syncRolloutStatus(all: ReplicaSet[], newRs: ReplicaSet | undefined): Promise<void> {
    const status = rolloutStatus(this.#d, all, newRs, this.#now);
    if (sameStatus(this.#d.status, status)) {
      const after = stuckRecheckMs(this.#d, status, this.#now);
      if (after !== undefined) this.#ctx.recheck(keyOf(this.#d), after < 1000 ? 0 : after);
      return;
    }
    await this.#writeStatus(status);
  }

  /** Writes the revision annotation of the Deployment (a metadata patch: the status subresource keeps metadata). */
  async #setRevision(revision: string | undefined): Promise<void> {
    if (revision === undefined || this.#d.metadata.annotations?.[revisionAnnotation] === revision) return;
    const patched = await this.#ctx.deployments.patch(this.#namespace, this.#d.metadata.name ?? '', {
      metadata: { annotations: { [revisionAnnotation]: revision }, resourceVersion: this.#d.metadata.resourceVersion ?? null },
    }, 'merge');
    this.#d = view<Deployment>(patched);
  }

  async #writeStatus(status: DeploymentStatus): Promise<void> {
    const next = { ...this.#d, status: compactStatus(status) };
    this.#d = view<Deployment>(await this.#ctx.deployments.updateStatus(this.#namespace, plain(next)));
  }

  #replace(rs: ReplicaSet): void {
    const index = this.#sets.findIndex((other) => other.metadata.uid === rs.metadata.uid);
    if (index >= 0) this.#sets[index] = rs;
  }

  #event(type: 'Normal' | 'Warning', reason: string, message: string): void {
    const { namespace, name = '', uid, resourceVersion } = this.#d.metadata;
    this.#ctx.events.record({ object: { kind: 'Deployment', apiVersion: 'apps/v1', namespace, name, uid, resourceVersion }, type, reason, message });
  }
}

/**
 * One sync of one Deployment, after kube-controller-manager's deployment controller:
 * find or create the new ReplicaSet (keeping revisions in step), then either only
 * resize (paused, or a scaling event: proportionally), or roll out (RollingUpdate within
 * maxSurge/maxUnavailable; Recreate: old pods gone before new ones start), clean up old
 * ReplicaSets past revisionHistoryLimit once complete, and write the status.
 */
import { ApiStatusError } from '../client/index.ts';
import { selectorWithLabel } from './label-selector.ts';
import { controllerRefOf, newControllerRef } from './owner-references.ts';
import {
  desiredReplicasAnnotation,
  equalIgnoringHash,
  findNewReplicaSet,
  maxRevision,
  oldReplicaSets,
  podTemplateHash,
  podTemplateHashLabel,
  revisionAnnotation,
  setNewReplicaSetAnnotations,
} from './deployment-revisions.ts';
import { active, maxSurge, newReplicaSetReplicas, proportionalScalePlan, scaleDownOldPlan, sums } from './deployment-rollout.ts';
import { calculateStatus, deploymentComplete, getCondition, hasProgressDeadline, newCondition, reasons, rolloutStatus, sameStatus, setCondition, stuckRecheckMs } from './deployment-status.ts';
import { DeploymentWriter, type SyncContext } from './deployment-writes.ts';
import { replicasOf, type Deployment, type Pod, type ReplicaSet } from './workload-types.ts';

export type { SyncContext } from './deployment-writes.ts';

/** One sync of one Deployment; construct it with the claimed ReplicaSets and call `run()` once. */
export class DeploymentSync {
  readonly #w: DeploymentWriter;
  readonly #podsBySet: Map<string, Pod[]>;

  constructor(ctx: SyncContext, deployment: Deployment, sets: ReplicaSet[], podsBySet: Map<string, Pod[]>) {
    this.#w = new DeploymentWriter(ctx, deployment, sets);
    this.#podsBySet = podsBySet;
  }

  /** The Deployment as last read or written. */
  get #d(): Deployment {
    return this.#w.deployment;
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
    return this.#w.now();
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
    await this.#w.writeStatus(status);
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
      const updated = await this.#w.scale(step.rs, step.replicas);
      scaled.set(updated.metadata.uid ?? '', updated);
    }
    const latest = (rs: ReplicaSet): ReplicaSet => scaled.get(rs.metadata.uid ?? '') ?? rs;
    const newNow = newRs === undefined ? undefined : latest(newRs);
    const oldNow = olds.map(latest);
    if (this.#d.spec.paused === true) await this.#w.cleanup(oldNow);
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
      const updated = await this.#w.scale(newRs, wanted);
      return this.#syncRolloutStatus([...olds, updated], updated);
    }
    const steps = scaleDownOldPlan(this.#d, all, active(olds), newRs);
    if (steps.length > 0) {
      const updated = new Map<string, ReplicaSet>();
      for (const step of steps) updated.set(step.rs.metadata.uid ?? '', await this.#w.scale(step.rs, step.replicas));
      all = [...olds.map((rs) => updated.get(rs.metadata.uid ?? '') ?? rs), newRs];
      return this.#syncRolloutStatus(all, newRs);
    }
    if (deploymentComplete(this.#d, this.#d.status ?? {})) await this.#w.cleanup(olds);
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
      remaining.push(await this.#w.scale(rs, 0));
      scaledDown = true;
    }
    const current = (): ReplicaSet[] => [...remaining, ...(newRs ? [newRs] : [])];
    if (scaledDown || this.#oldPodsRunning(newRs, remaining)) return this.#syncRolloutStatus(current(), newRs);
    if (newRs === undefined) ({ newRs, olds } = await this.#replicaSetsAndRevision(true));
    if (newRs === undefined) return;
    if ((newRs.spec.replicas ?? 0) !== replicasOf(this.#d)) newRs = await this.#w.scale(newRs, replicasOf(this.#d));
    if (deploymentComplete(this.#d, this.#d.status ?? {})) await this.#w.cleanup(olds);
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
    const existing = findNewReplicaSet(this.#d, this.#w.sets);
    const olds = oldReplicaSets(this.#w.sets, existing);
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
      return this.#w.updateReplicaSet(copy);
    }
    await this.#w.setRevision(copy.metadata.annotations?.[revisionAnnotation]);
    if (hasProgressDeadline(this.#d) && getCondition(this.#d.status, 'Progressing') === undefined) {
      const status = structuredClone(this.#d.status ?? {});
      setCondition(status, newCondition('Progressing', 'True', reasons.foundNewReplicaSet, `Found new replica set "${copy.metadata.name ?? ''}"`, this.#now));
      await this.#w.writeStatus(status);
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
      metadata: { name, namespace: this.#w.namespace, labels: { ...(template.metadata.labels ?? {}) }, ownerReferences: [newControllerRef(d, 'apps/v1', 'Deployment')] },
      spec: { replicas: 0, minReadySeconds: d.spec.minReadySeconds ?? 0, selector: selectorWithLabel(d.spec.selector, podTemplateHashLabel, hash), template },
    };
    const replicas = newReplicaSetReplicas(d, [...olds, draft], draft);
    draft.spec.replicas = replicas;
    setNewReplicaSetAnnotations(d, draft, newRevision, false, maxSurge(d));
    let created: ReplicaSet;
    let existed = false;
    try {
      created = await this.#w.createReplicaSet(draft);
    } catch (error) {
      if (error instanceof ApiStatusError && error.code === 409 && error.reason === 'AlreadyExists') {
        const found = await this.#w.getReplicaSet(name);
        if (controllerRefOf(found)?.uid !== d.metadata.uid || !equalIgnoringHash(d.spec.template, found.spec.template)) {
          // Another template (or another owner) has this name: try the next hash.
          const status = structuredClone(d.status ?? {});
          status.collisionCount = (status.collisionCount ?? 0) + 1;
          await this.#w.writeStatus(status);
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
          // Best effort: the failure to create is the error that matters and is thrown below.
          await this.#w.writeStatus(status).catch(() => undefined);
        }
        this.#w.event('Warning', reasons.failedReplicaSetCreate, message);
        throw error;
      }
    }
    if (!existed && replicas > 0) this.#w.event('Normal', 'ScalingReplicaSet', `Scaled up replica set ${name} to ${replicas}`);
    await this.#w.setRevision(String(newRevision));
    if (!existed && hasProgressDeadline(d)) {
      const status = structuredClone(this.#d.status ?? {});
      setCondition(status, newCondition('Progressing', 'True', reasons.newReplicaSetCreated, `Created new replica set "${name}"`, this.#now));
      await this.#w.writeStatus(status);
    }
    return created;
  }

  async #syncStatus(all: ReplicaSet[], newRs: ReplicaSet | undefined): Promise<void> {
    const status = calculateStatus(this.#d, all, newRs, this.#now);
    if (!sameStatus(this.#d.status, status)) await this.#w.writeStatus(status);
  }

  async #syncRolloutStatus(all: ReplicaSet[], newRs: ReplicaSet | undefined): Promise<void> {
    const status = rolloutStatus(this.#d, all, newRs, this.#now);
    if (sameStatus(this.#d.status, status)) {
      const after = stuckRecheckMs(this.#d, status, this.#now);
      if (after !== undefined) this.#w.recheck(after);
      return;
    }
    await this.#w.writeStatus(status);
  }
}

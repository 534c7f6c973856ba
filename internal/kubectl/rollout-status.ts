/** Whether a Deployment's rollout is done, with the message kubectl prints for each state. */
import type { KubeObject } from '../apiserver/objects.ts';
import { isPlainObject } from '../apiserver/objects.ts';
import { KubectlError } from './errors.ts';

/** One evaluation: the line to print and whether the rollout is complete. */
export interface RolloutState {
  message: string;
  done: boolean;
}

function count(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}

/**
 * Reads a Deployment's status like kubectl's rollout status: nothing is decided until the
 * controller has observed the current generation; then all replicas must be updated, old
 * ones gone and the updated ones available. A Progressing condition with reason
 * ProgressDeadlineExceeded fails with KubectlError.
 */
export function deploymentRolloutState(deployment: KubeObject): RolloutState {
  const name = deployment.metadata.name ?? '';
  const spec = isPlainObject(deployment.spec) ? deployment.spec : {};
  const status = isPlainObject(deployment.status) ? deployment.status : {};
  const generation = deployment.metadata.generation ?? 0;
  if (generation > count(status.observedGeneration)) {
    return { message: 'Waiting for deployment spec update to be observed...', done: false };
  }
  const conditions = Array.isArray(status.conditions) ? status.conditions : [];
  const progressing = conditions.find((c) => isPlainObject(c) && c.type === 'Progressing');
  if (isPlainObject(progressing) && progressing.reason === 'ProgressDeadlineExceeded') {
    throw new KubectlError(`deployment "${name}" exceeded its progress deadline`);
  }
  const updated = count(status.updatedReplicas);
  const replicas = count(status.replicas);
  const available = count(status.availableReplicas);
  const wanted = typeof spec.replicas === 'number' ? spec.replicas : undefined;
  const waiting = `Waiting for deployment "${name}" rollout to finish: `;
  if (wanted !== undefined && updated < wanted) {
    return { message: `${waiting}${updated} out of ${wanted} new replicas have been updated...`, done: false };
  }
  if (replicas > updated) {
    return { message: `${waiting}${replicas - updated} old replicas are pending termination...`, done: false };
  }
  if (available < updated) {
    return { message: `${waiting}${available} of ${updated} updated replicas are available...`, done: false };
  }
  return { message: `deployment "${name}" successfully rolled out`, done: true };
}

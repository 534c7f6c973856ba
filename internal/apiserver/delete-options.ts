/**
 * DeleteOptions and what a delete does to an object: remove it now, or mark it with a
 * deletionTimestamp while finalizers (set by the propagation policy, or already there)
 * or a pod's grace period hold it.
 */
import type { ResourceType } from '../api/resources.ts';
import { timestamp } from '../api/meta.ts';
import { isPlainObject, type KubeObject } from './objects.ts';
import { ApiError, badRequest } from './status.ts';
import { holdsDeletion } from './rest.ts';

export type PropagationPolicy = 'Orphan' | 'Background' | 'Foreground';

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: PropagationPolicy;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

export const orphanFinalizer = 'orphan';
export const foregroundFinalizer = 'foregroundDeletion';

/** Reads DeleteOptions from a request body (may be null) and query parameters; bad values are 400. */
export function parseDeleteOptions(body: unknown, query: (name: string) => string | undefined): DeleteOptions {
  if (body !== null && !isPlainObject(body)) throw badRequest('the body of a delete must be a DeleteOptions object');
  const source = body ?? {};
  const options: DeleteOptions = {};
  if (source.kind !== undefined && source.kind !== 'DeleteOptions') throw badRequest(`the body of a delete must be a DeleteOptions object, not ${JSON.stringify(source.kind)}`);
  if (source.orphanDependents !== undefined && source.orphanDependents !== null && typeof source.orphanDependents !== 'boolean') {
    throw badRequest('orphanDependents must be true or false');
  }
  if (source.dryRun !== undefined && source.dryRun !== null && !Array.isArray(source.dryRun)) throw badRequest('dryRun in DeleteOptions must be a list such as ["All"]');
  const grace = source.gracePeriodSeconds ?? query('gracePeriodSeconds');
  if (grace !== undefined && grace !== null) {
    const value = Number(grace);
    if (!Number.isSafeInteger(value)) throw badRequest(`gracePeriodSeconds must be an integer, not ${JSON.stringify(grace)}`);
    options.gracePeriodSeconds = value;
  }
  const orphan = source.orphanDependents ?? query('orphanDependents');
  let policy = source.propagationPolicy ?? query('propagationPolicy');
  if (orphan !== undefined && orphan !== null && policy !== undefined && policy !== null) {
    throw new ApiError(422, 'Invalid', 'DeleteOptions is invalid: propagationPolicy: Invalid value: orphanDependents and propagationPolicy cannot both be set', {
      kind: 'DeleteOptions',
      causes: [{ reason: 'FieldValueInvalid', message: 'orphanDependents and propagationPolicy cannot both be set', field: 'propagationPolicy' }],
    });
  }
  if (policy === undefined && (orphan === true || orphan === 'true')) policy = 'Orphan';
  if (policy !== undefined && policy !== null) {
    if (policy !== 'Orphan' && policy !== 'Background' && policy !== 'Foreground') {
      throw badRequest(`propagationPolicy: Unsupported value: ${JSON.stringify(policy)}: supported values: "Foreground", "Background", "Orphan"`);
    }
    options.propagationPolicy = policy;
  }
  const preconditions = source.preconditions;
  if (preconditions !== undefined && preconditions !== null) {
    if (!isPlainObject(preconditions)) throw badRequest('preconditions must be an object');
    const { uid, resourceVersion } = preconditions;
    if ((uid !== undefined && typeof uid !== 'string') || (resourceVersion !== undefined && typeof resourceVersion !== 'string')) {
      throw badRequest('preconditions.uid and preconditions.resourceVersion must be strings');
    }
    options.preconditions = { uid, resourceVersion };
  }
  const dryRun = source.dryRun ?? query('dryRun');
  if (dryRun !== undefined && dryRun !== null) {
    const values = Array.isArray(dryRun) ? dryRun : [dryRun];
    if (values.some((v) => v !== 'All')) throw badRequest(`dryRun: Unsupported value: ${JSON.stringify(dryRun)}: supported values: "All"`);
    options.dryRun = values.length > 0;
  }
  return options;
}

export interface DeletionPlan {
  object: KubeObject;
  /** Remove the key now. */
  remove: boolean;
  /** The object changed (deletionTimestamp or finalizers set) and must be written. */
  changed: boolean;
}

/** Decides what deleting `current` means under `options`. */
export function deletionPlan(type: ResourceType, current: KubeObject, options: DeleteOptions, now: number): DeletionPlan {
  const meta = current.metadata;
  let changed = false;
  if (options.propagationPolicy !== undefined && meta.deletionTimestamp === undefined) {
    const finalizers = (meta.finalizers ?? []).filter((f) => f !== orphanFinalizer && f !== foregroundFinalizer);
    if (options.propagationPolicy === 'Orphan') finalizers.push(orphanFinalizer);
    if (options.propagationPolicy === 'Foreground') finalizers.push(foregroundFinalizer);
    if (JSON.stringify(finalizers) !== JSON.stringify(meta.finalizers ?? [])) {
      changed = true;
      if (finalizers.length > 0) meta.finalizers = finalizers;
      else delete meta.finalizers;
    }
  }
  const grace = gracePeriod(type, current, options);
  if (holdsDeletion(current) || grace > 0) {
    if (type.kind === 'Namespace' && isPlainObject(current.status)) current.status.phase = 'Terminating';
    else if (type.kind === 'Namespace') current.status = { phase: 'Terminating' };
    const previousGrace = meta.deletionGracePeriodSeconds;
    if (meta.deletionTimestamp === undefined || (typeof previousGrace === 'number' && grace < previousGrace)) {
      meta.deletionTimestamp = timestamp(now + grace * 1000);
      meta.deletionGracePeriodSeconds = grace;
      if (meta.generation !== undefined) meta.generation += 1;
      changed = true;
    }
    if (grace > 0 || holdsDeletion(current)) return { object: current, remove: false, changed };
  }
  return { object: current, remove: true, changed: true };
}

/** Pods on a node get their grace period (spec.terminationGracePeriodSeconds by default); everything else goes at once. */
function gracePeriod(type: ResourceType, object: KubeObject, options: DeleteOptions): number {
  if (type.kind !== 'Pod' || type.group !== '') return 0;
  const spec = isPlainObject(object.spec) ? object.spec : {};
  const status = isPlainObject(object.status) ? object.status : {};
  if (typeof spec.nodeName !== 'string' || spec.nodeName === '') return 0;
  if (status.phase === 'Succeeded' || status.phase === 'Failed') return 0;
  const fromSpec = typeof spec.terminationGracePeriodSeconds === 'number' ? spec.terminationGracePeriodSeconds : 30;
  const grace = options.gracePeriodSeconds ?? fromSpec;
  // 0 asks for immediate removal; negative values mean 1 second, as upstream.
  return grace < 0 ? 1 : grace;
}

/**
 * The pods/{name}/eviction subresource (`kubectl drain`): deletes a pod unless that would
 * break its PodDisruptionBudget, as kube-apiserver's EvictionREST. Pods that cannot count
 * as available (pending, finished, already deleting) go without a budget check; otherwise
 * the one budget covering the pod must allow a disruption, which is taken from it
 * (disruptionsAllowed - 1, the pod noted in disruptedPods for the disruption controller)
 * in the same read-modify-write that checked it. Refusals are 429 TooManyRequests with a
 * DisruptionBudget cause, which kubectl retries. The pod gets a DisruptionTarget condition
 * before it is deleted with the Eviction's deleteOptions.
 */
import { definitionNamed, inlineEmbedding, kindDefinition } from '../api/schema/registry.ts';
import { field, ref, struct, typeMeta, type TypeDef } from '../api/schema/model.ts';
import { budgetCovers, withAllowedCondition, type Budget, type BudgetStatus } from '../controllers/disruption/budget.ts';
import { isPodReady } from '../controllers/pod-readiness.ts';
import type { Pod } from '../controllers/workload-types.ts';
import { parseDeleteOptions, type DeleteOptions } from './delete-options.ts';
import { isPlainObject, type Json, type KubeObject } from './objects.ts';
import { decodeProtobufObject } from './protobuf/decode.ts';
import type { StorageRegistry } from './registry.ts';
import { parseJson, parseYamlDocument, protobufContentType, utf8, type RequestBody } from './request-body.ts';
import { ApiError, badRequest, conflict, qualifiedResource } from './status.ts';
import { timestamp } from '../api/meta.ts';

/** The Status an accepted eviction answers with (HTTP 201). */
export const evictionAccepted = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 } as const;

/** Budgets whose disruptedPods hold more entries refuse evictions until the controller catches up. */
const maxDisruptedPods = 2000;
const maxAttempts = 20;
const refusal = "Cannot evict pod as it would violate the pod's disruption budget.";

const evictionFields = {
  ...typeMeta(),
  metadata: field(1, ref('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'), 'The pod to evict (name and namespace).'),
  deleteOptions: field(2, ref('io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions'), 'How the pod is deleted.'),
};
const evictionKinds: Record<string, TypeDef> = Object.fromEntries(
  ['v1', 'v1beta1'].map((version) => [version, struct(`io.k8s.api.policy.${version}.Eviction`, 'Evicts a pod within its disruption budget.', evictionFields, { gvk: { group: 'policy', version, kind: 'Eviction' } })]),
);
/** The built-in types plus policy/v1 and v1beta1 Eviction, for protobuf bodies. */
const definitions = {
  definitionNamed,
  inlineEmbedding,
  kindDefinition: (group: string, version: string, kind: string): TypeDef | undefined =>
    group === 'policy' && kind === 'Eviction' ? evictionKinds[version] : kindDefinition(group, version, kind),
};

/** 429 with a DisruptionBudget cause, as kube-apiserver refuses an eviction. */
export function budgetRefusal(cause: string, retryAfterSeconds = 0): ApiError {
  return new ApiError(429, 'TooManyRequests', refusal, {
    causes: [{ reason: 'DisruptionBudget', message: cause }],
    ...(retryAfterSeconds > 0 ? { retryAfterSeconds } : {}),
  });
}

/** Reads an Eviction body (JSON, YAML or protobuf) for pod `name`; returns its delete options. */
export function parseEviction(raw: RequestBody | null, namespace: string | null, name: string, dryRun: boolean): DeleteOptions {
  if (raw === null) throw badRequest('the request has no body; send an Eviction');
  let body: unknown;
  if (raw.contentType === protobufContentType) body = decodeProtobufObject(raw.bytes, { definitions });
  else if (raw.contentType === 'application/json') body = parseJson(utf8(raw.bytes));
  else if (raw.contentType === 'application/yaml') body = parseYamlDocument(utf8(raw.bytes));
  else throw new ApiError(415, 'UnsupportedMediaType', `the body of type "${raw.contentType}" is not supported: send application/json or ${protobufContentType}`);
  if (!isPlainObject(body)) throw badRequest('the body of the request must be an Eviction object');
  if (body.kind !== undefined && body.kind !== 'Eviction') throw badRequest(`the kind in the data (${String(body.kind)}) does not match the expected kind (Eviction)`);
  if (body.apiVersion !== undefined && body.apiVersion !== 'policy/v1' && body.apiVersion !== 'policy/v1beta1') {
    throw badRequest(`the API version in the data (${String(body.apiVersion)}) is not policy/v1 or policy/v1beta1`);
  }
  const meta = isPlainObject(body.metadata) ? body.metadata : {};
  if (meta.name !== name) throw badRequest('name in URL does not match name in Eviction object');
  if (meta.namespace !== undefined && meta.namespace !== '' && meta.namespace !== namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  const options = parseDeleteOptions(body.deleteOptions ?? null, () => undefined);
  // Only "All" is a valid dry-run value, so the request's and the body's cannot disagree.
  return { ...options, dryRun: options.dryRun === true || dryRun };
}

/** Pending, finished or deleting pods are not available, so evicting them disrupts nothing. */
export function canIgnoreBudget(pod: KubeObject): boolean {
  const phase = isPlainObject(pod.status) ? pod.status.phase : undefined;
  return phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || pod.metadata.deletionTimestamp !== undefined;
}

/** An unready pod may go without spending the budget when the policy says so or the budget is met without it. */
export function unreadyPodMayGo(budget: Budget, pod: KubeObject): boolean {
  if (isPodReady(pod as unknown as Pod)) return false;
  if (budget.spec?.unhealthyPodEvictionPolicy === 'AlwaysAllow') return true;
  const status = budget.status;
  return status !== undefined && status.currentHealthy >= status.desiredHealthy && status.desiredHealthy > 0;
}

/** The budget's status after one approved eviction of `podName`; throws the refusal when none is allowed. */
export function takeDisruption(budget: Budget, podName: string, now: string, dryRun: boolean): BudgetStatus {
  const name = budget.metadata.name ?? '';
  const status = budget.status ?? { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 };
  if ((status.observedGeneration ?? 0) < (budget.metadata.generation ?? 0)) throw budgetRefusal(`The disruption budget ${name} is still being processed by the server.`, 10);
  const forbidden = (why: string): ApiError =>
    new ApiError(403, 'Forbidden', `${qualifiedResource('poddisruptionbudget', 'policy')} "${name}" is forbidden: ${why}`, { name, group: 'policy', kind: 'poddisruptionbudget' });
  if (status.disruptionsAllowed < 0) throw forbidden('pdb disruptions allowed is negative');
  if (Object.keys(status.disruptedPods ?? {}).length > maxDisruptedPods) throw forbidden('DisruptedPods map too big - too many evictions not confirmed by PDB controller');
  if (status.disruptionsAllowed === 0) {
    throw budgetRefusal(`The disruption budget ${name} needs ${status.desiredHealthy} healthy pods and has ${status.currentHealthy} currently`);
  }
  let next: BudgetStatus = { ...status, disruptionsAllowed: status.disruptionsAllowed - 1 };
  if (next.disruptionsAllowed === 0) next = withAllowedCondition(next, now);
  if (!dryRun) next.disruptedPods = { ...(status.disruptedPods ?? {}), [podName]: now };
  return next;
}

/** Evicts pod `name` from `namespace` as the file comment says; resolves once it is deleted (or marked). */
export async function evictPod(registry: StorageRegistry, namespace: string, name: string, options: DeleteOptions, nowMs: () => number): Promise<void> {
  const pods = registry.get('', 'v1', 'pods');
  const pinned = options.preconditions?.resourceVersion !== undefined && options.preconditions.resourceVersion !== '';
  let pod: KubeObject;
  for (let attempt = 1; ; attempt++) {
    pod = await pods.get(namespace, name);
    if (!canIgnoreBudget(pod)) break;
    // A pending pod must still be pending when it goes (it could become ready meanwhile): pin its version.
    const phase = isPlainObject(pod.status) ? pod.status.phase : undefined;
    const enforce = !pinned && pod.metadata.deletionTimestamp === undefined && phase !== 'Succeeded' && phase !== 'Failed';
    try {
      return await deleteEvicted(registry, namespace, name, enforce ? withResourceVersion(options, pod) : options, nowMs());
    } catch (error) {
      if (pinned || attempt >= maxAttempts || !(error instanceof ApiError && error.code === 409)) throw error;
    }
  }
  const budgetStorage = registry.get('policy', 'v1', 'poddisruptionbudgets');
  const budgets = (await budgetStorage.list({ namespace })).items.filter((b) => budgetCovers(b as Budget, pod as unknown as Pod));
  if (budgets.length > 1) throw new ApiError(500, '', 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
  const budget = budgets[0] as Budget | undefined;
  if (budget === undefined) return deleteEvicted(registry, namespace, name, options, nowMs());
  if (unreadyPodMayGo(budget, pod)) {
    // The pod must still be unready when it is deleted: pin its version, and have the client retry if it moved.
    try {
      return await deleteEvicted(registry, namespace, name, pinned ? options : withResourceVersion(options, pod), nowMs());
    } catch (error) {
      if (!pinned && error instanceof ApiError && error.code === 409) throw budgetRefusal(`The disruption budget ${budget.metadata.name ?? ''} is still being processed by the server.`, 10);
      throw error;
    }
  }
  // Checked and taken in one read-modify-write, so concurrent evictions cannot both spend the last disruption.
  const now = timestamp(nowMs());
  await budgetStorage.guaranteedUpdate(
    namespace,
    budget.metadata.name ?? '',
    { subresource: 'status', operation: 'update', fieldManager: 'kube-apiserver', dryRun: options.dryRun },
    (current) => ({ ...current, status: takeDisruption(current as Budget, name, now, options.dryRun === true) as unknown as Json }),
  );
  return deleteEvicted(registry, namespace, name, options, nowMs());
}

/** Marks the pod DisruptionTarget (not on dry runs), then deletes it with `options`. */
async function deleteEvicted(registry: StorageRegistry, namespace: string, name: string, options: DeleteOptions, nowMs: number): Promise<void> {
  const pods = registry.get('', 'v1', 'pods');
  let deleteOptions = options;
  if (!options.dryRun) {
    const { uid, resourceVersion } = options.preconditions ?? {};
    const marked = await pods.guaranteedUpdate(namespace, name, { subresource: 'status', operation: 'update', fieldManager: 'kube-apiserver' }, (pod) => {
      if (uid && uid !== pod.metadata.uid) throw conflict('pods', '', name, `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${pod.metadata.uid ?? ''}`);
      if (resourceVersion && resourceVersion !== pod.metadata.resourceVersion) {
        throw conflict('pods', '', name, `Precondition failed: ResourceVersion in precondition: ${resourceVersion}, ResourceVersion in object meta: ${pod.metadata.resourceVersion ?? ''}`);
      }
      const status = isPlainObject(pod.status) ? pod.status : {};
      const conditions = (Array.isArray(status.conditions) ? status.conditions : []).filter((c) => !(isPlainObject(c) && c.type === 'DisruptionTarget'));
      conditions.push({ type: 'DisruptionTarget', status: 'True', reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting', lastTransitionTime: timestamp(nowMs) });
      return { ...pod, status: { ...status, conditions } };
    });
    // This write moved the version the caller (or the budget check) pinned.
    if (resourceVersion) deleteOptions = { ...options, preconditions: { ...options.preconditions, resourceVersion: marked.metadata.resourceVersion } };
  }
  await pods.delete(namespace, name, deleteOptions);
}

function withResourceVersion(options: DeleteOptions, pod: KubeObject): DeleteOptions {
  return { ...options, preconditions: { ...options.preconditions, resourceVersion: pod.metadata.resourceVersion } };
}

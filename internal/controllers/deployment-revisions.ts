/**
 * How a Deployment tells its ReplicaSets apart: the pod-template-hash label and
 * `<deployment>-<hash>` names, the "new" ReplicaSet (template equal to the Deployment's,
 * hash ignored) versus the old ones, and the revision annotations that
 * `kubectl rollout history/undo` read (revision, revision-history, desired-replicas,
 * max-replicas).
 */
import type { Json } from '../apiserver/objects.ts';
import { createdMs, type Deployment, type PodTemplate, type ReplicaSet } from './workload-types.ts';

export const revisionAnnotation = 'deployment.kubernetes.io/revision';
export const revisionHistoryAnnotation = 'deployment.kubernetes.io/revision-history';
export const desiredReplicasAnnotation = 'deployment.kubernetes.io/desired-replicas';
export const maxReplicasAnnotation = 'deployment.kubernetes.io/max-replicas';
export const podTemplateHashLabel = 'pod-template-hash';

/** Deployment annotations that are not copied to its ReplicaSets. */
const notCopied = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  revisionAnnotation,
  revisionHistoryAnnotation,
  desiredReplicasAnnotation,
  maxReplicasAnnotation,
  'deprecated.deployment.rollback.to',
]);

/** Longest revision-history annotation kept; older entries are dropped first. */
const maxRevisionHistoryChars = 2000;

/** The ReplicaSet's revision (0 when missing or not a number). */
export function revisionOf(rs: ReplicaSet): number {
  const value = Number(rs.metadata.annotations?.[revisionAnnotation] ?? '');
  return Number.isSafeInteger(value) && value > 0 ? value : 0;
}

/** The highest revision among `replicaSets` (0 for none). */
export function maxRevision(replicaSets: readonly ReplicaSet[]): number {
  return replicaSets.reduce((max, rs) => Math.max(max, revisionOf(rs)), 0);
}

/** JSON with object keys sorted, so equal templates hash equally whatever their key order. */
function canonicalJson(value: Json | undefined): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).filter((k) => value[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** 32-bit FNV-1a. */
function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** Characters that cannot spell words, as Kubernetes uses in generated name suffixes. */
const safeAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

/**
 * The pod-template-hash of a template: FNV-1a over its canonical JSON (plus the collision
 * count, when a hash collided before), spelled in the safe alphabet. Stable across restarts,
 * key order and semantically empty fields; any real change to the template changes it.
 */
export function podTemplateHash(template: PodTemplate | undefined, collisionCount?: number): string {
  let text = canonicalJson(semanticTemplate(template));
  if (collisionCount !== undefined && collisionCount > 0) text += `#${collisionCount}`;
  return [...String(fnv1a32(text))].map((digit) => safeAlphabet[digit.charCodeAt(0) % safeAlphabet.length]).join('');
}

/** Drops null values and empty objects and lists, which Kubernetes' semantic equality treats as unset. */
function semantic(value: Json | undefined): Json | undefined {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) {
    const items = value.map((v) => semantic(v) ?? null);
    return items.length === 0 ? undefined : items;
  }
  if (typeof value === 'object') {
    const out: { [key: string]: Json } = {};
    for (const [key, child] of Object.entries(value)) {
      const kept = semantic(child);
      if (kept !== undefined) out[key] = kept;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return value;
}

/** Drops zero values too: in ObjectMeta (a Go struct of omitempty fields) 0, "" and false mean unset. */
function semanticMeta(value: Json | undefined): Json | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return semantic(value);
  const out: { [key: string]: Json } = {};
  for (const [key, child] of Object.entries(value)) {
    if (child === 0 || child === '' || child === false) continue;
    const kept = semantic(child);
    if (kept !== undefined) out[key] = kept;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

/**
 * Whether two pod templates are the same once the pod-template-hash label is ignored,
 * comparing as Kubernetes' semantic equality does: unset, null and empty are alike.
 */
export function equalIgnoringHash(a: PodTemplate | undefined, b: PodTemplate | undefined): boolean {
  return canonicalJson(semanticTemplate(a)) === canonicalJson(semanticTemplate(b));
}

/** The template in the form semantic equality compares, without the pod-template-hash label. */
function semanticTemplate(template: PodTemplate | undefined): Json | undefined {
  const copy = structuredClone(template ?? {});
  if (copy.metadata?.labels !== undefined) delete copy.metadata.labels[podTemplateHashLabel];
  return semantic({ metadata: semanticMeta((copy.metadata ?? null) as Json) ?? null, spec: copy.spec ?? null });
}

/** Oldest first; equal times by name. */
export function byCreation(a: ReplicaSet, b: ReplicaSet): number {
  const diff = createdMs(a) - createdMs(b);
  if (diff !== 0) return diff;
  const nameA = a.metadata.name ?? '';
  const nameB = b.metadata.name ?? '';
  return nameA < nameB ? -1 : nameA > nameB ? 1 : 0;
}

/** The ReplicaSet running the Deployment's current template (the oldest, should there be two). */
export function findNewReplicaSet(deployment: Deployment, replicaSets: readonly ReplicaSet[]): ReplicaSet | undefined {
  return [...replicaSets].sort(byCreation).find((rs) => equalIgnoringHash(rs.spec.template, deployment.spec.template));
}

/** Every ReplicaSet other than `newRs`. */
export function oldReplicaSets(replicaSets: readonly ReplicaSet[], newRs: ReplicaSet | undefined): ReplicaSet[] {
  return replicaSets.filter((rs) => newRs === undefined || rs.metadata.uid !== newRs.metadata.uid);
}

/** Sets desired-replicas and max-replicas; true when either changed. */
export function setReplicasAnnotations(rs: ReplicaSet, desired: number, max: number): boolean {
  const annotations = (rs.metadata.annotations ??= {});
  let changed = false;
  if (annotations[desiredReplicasAnnotation] !== String(desired)) {
    annotations[desiredReplicasAnnotation] = String(desired);
    changed = true;
  }
  if (annotations[maxReplicasAnnotation] !== String(max)) {
    annotations[maxReplicasAnnotation] = String(max);
    changed = true;
  }
  return changed;
}

/** Whether desired-replicas or max-replicas differ from these values. */
export function replicasAnnotationsNeedUpdate(rs: ReplicaSet, desired: number, max: number): boolean {
  const annotations = rs.metadata.annotations ?? {};
  return annotations[desiredReplicasAnnotation] !== String(desired) || annotations[maxReplicasAnnotation] !== String(max);
}

/**
 * Brings the new ReplicaSet's annotations in line with its Deployment: copies the
 * Deployment's own annotations, raises its revision to `newRevision` when lower (a
 * rollback to this ReplicaSet: the old number goes into revision-history), and, for a
 * ReplicaSet about to be created, sets desired/max replicas. Returns whether anything changed.
 */
export function setNewReplicaSetAnnotations(deployment: Deployment, rs: ReplicaSet, newRevision: number, exists: boolean, maxSurge: number): boolean {
  const annotations = (rs.metadata.annotations ??= {});
  let changed = false;
  for (const [key, value] of Object.entries(deployment.metadata.annotations ?? {})) {
    if (notCopied.has(key) || annotations[key] === value) continue;
    annotations[key] = value;
    changed = true;
  }
  const oldText = annotations[revisionAnnotation];
  const oldRevision = oldText === undefined ? 0 : Number(oldText);
  if (!Number.isSafeInteger(oldRevision)) return changed;
  if (oldRevision < newRevision) {
    annotations[revisionAnnotation] = String(newRevision);
    changed = true;
    if (oldText !== undefined) {
      const history = (annotations[revisionHistoryAnnotation] ?? '').split(',').filter((r) => r !== '');
      history.push(oldText);
      while (history.join(',').length > maxRevisionHistoryChars && history.length > 1) history.shift();
      annotations[revisionHistoryAnnotation] = history.join(',');
    }
  }
  const replicas = deployment.spec.replicas ?? 1;
  if (!exists && setReplicasAnnotations(rs, replicas, replicas + maxSurge)) changed = true;
  return changed;
}

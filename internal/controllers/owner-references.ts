/**
 * Controller references and the claim rules of Kubernetes' ControllerRefManager: a
 * controller keeps what it controls and still selects, releases what it controls but no
 * longer selects, adopts orphans it selects, and never touches what another controls.
 */
import type { JsonObject } from '../apiserver/objects.ts';
import type { Meta, OwnerReference } from './workload-types.ts';

/** The owner reference marked controller: true, if any. */
export function controllerRefOf(object: { metadata: Meta }): OwnerReference | undefined {
  return object.metadata.ownerReferences?.find((ref) => ref.controller === true);
}

/** A controller reference to `owner` that blocks its foreground deletion, as controllers set it. */
export function newControllerRef(owner: { metadata: Meta }, apiVersion: string, kind: string): OwnerReference {
  return { apiVersion, kind, name: owner.metadata.name ?? '', uid: owner.metadata.uid ?? '', controller: true, blockOwnerDeletion: true };
}

export type ClaimDecision = 'keep' | 'adopt' | 'release' | 'ignore';

export interface Claimant {
  uid: string;
  namespace: string;
  /** The controller has a deletionTimestamp: it adopts and releases nothing. */
  deleting: boolean;
}

/** What `claimant` does with `object`, given whether its selector matches the object's labels. */
export function claimDecision(claimant: Claimant, object: { metadata: Meta }, matches: boolean): ClaimDecision {
  const ref = controllerRefOf(object);
  if (ref !== undefined) {
    if (ref.uid !== claimant.uid) return 'ignore';
    if (matches) return 'keep';
    return claimant.deleting ? 'ignore' : 'release';
  }
  if (claimant.deleting || !matches) return 'ignore';
  if (object.metadata.deletionTimestamp !== undefined) return 'ignore';
  if ((object.metadata.namespace ?? '') !== claimant.namespace) return 'ignore';
  return 'adopt';
}

/**
 * Strategic merge patch adding a controller reference. The object's uid in the patch is
 * a precondition: the server refuses it if the name now belongs to another object.
 */
export function adoptionPatch(ref: OwnerReference, objectUid: string): JsonObject {
  return { metadata: { ownerReferences: [{ ...ref }], uid: objectUid } };
}

/** Strategic merge patch removing the reference to `ownerUid` (the list merges by uid). */
export function releasePatch(ownerUid: string, objectUid: string): JsonObject {
  return { metadata: { ownerReferences: [{ $patch: 'delete', uid: ownerUid }], uid: objectUid } };
}

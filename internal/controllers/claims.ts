/**
 * Claiming through the API: a controller keeps the objects it controls and selects,
 * adopts matching orphans (after re-reading itself from the server, so a controller that
 * was just deleted or replaced adopts nothing) and releases what it no longer selects.
 */
import { ApiStatusError } from '../client/index.ts';
import type { JsonObject } from '../apiserver/objects.ts';
import { selectorMatches } from './label-selector.ts';
import { adoptionPatch, claimDecision, releasePatch, type Claimant } from './owner-references.ts';
import type { LabelSelector, Meta, OwnerReference } from './workload-types.ts';

export interface ClaimOptions<T extends { metadata: Meta }> {
  claimant: Claimant;
  selector: LabelSelector | undefined;
  /** The reference an adopted object gets. */
  ref: OwnerReference;
  candidates: readonly T[];
  /**
   * Throws unless the controller, read fresh from the server, still has its uid and is not
   * being deleted. Called at most once per claim, before the first adoption.
   */
  canAdopt: () => Promise<void>;
  /** Sends a strategic merge patch to the named object and returns it as stored. */
  patch: (name: string, patch: JsonObject) => Promise<T>;
}

/** Whether an error is a 404 Not Found answer. */
export function isNotFound(error: unknown): boolean {
  return error instanceof ApiStatusError && error.code === 404;
}

/**
 * The objects the claimant controls after adopting and releasing. Every candidate is
 * tried; the first failure (other than the object having vanished) is thrown afterwards
 * so the controller retries rather than acting on a partial claim.
 */
export async function claimObjects<T extends { metadata: Meta }>(options: ClaimOptions<T>): Promise<T[]> {
  const claimed: T[] = [];
  let adoption: Promise<void> | undefined;
  let firstError: unknown;
  for (const object of options.candidates) {
    const decision = claimDecision(options.claimant, object, selectorMatches(options.selector, object.metadata.labels));
    if (decision === 'keep') {
      claimed.push(object);
      continue;
    }
    if (decision === 'ignore') continue;
    const name = object.metadata.name ?? '';
    const uid = object.metadata.uid ?? '';
    try {
      if (decision === 'adopt') {
        adoption ??= options.canAdopt();
        await adoption;
        claimed.push(await options.patch(name, adoptionPatch(options.ref, uid)));
      } else {
        await options.patch(name, releasePatch(options.claimant.uid, uid));
      }
    } catch (error) {
      if (isNotFound(error)) continue;
      firstError ??= error;
    }
  }
  if (firstError !== undefined) throw firstError;
  return claimed;
}

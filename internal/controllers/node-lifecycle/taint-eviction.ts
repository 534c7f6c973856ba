/**
 * When a pod on a node with NoExecute taints has to go, as upstream's taint eviction
 * controller decides: a taint the pod does not tolerate evicts it at once; otherwise it
 * may stay for the shortest tolerationSeconds among the tolerations it relies on (for
 * ever when none sets one), counted from when the controller first saw the pod under
 * those taints. `EvictionTimers` keeps those first sightings.
 */
import { toleratesTaint } from '../../scheduler/taints.ts';
import type { Toleration } from '../../scheduler/types.ts';
import type { NodeTaint } from './node-taints.ts';

/**
 * How long the pod may stay under `taints` (NoExecute ones are looked at): 0 means evict
 * now, null means it may stay.
 */
export function tolerationMs(tolerations: readonly Toleration[], taints: readonly NodeTaint[]): number | null {
  const used: Toleration[] = [];
  for (const taint of taints) {
    if (taint.effect !== 'NoExecute') continue;
    const toleration = tolerations.find((t) => toleratesTaint(t, taint));
    if (toleration === undefined) return 0;
    used.push(toleration);
  }
  if (used.length === 0) return null;
  let least: number | null = null;
  for (const t of used) {
    if (typeof t.tolerationSeconds !== 'number') continue;
    if (t.tolerationSeconds <= 0) return 0;
    least = least === null ? t.tolerationSeconds : Math.min(least, t.tolerationSeconds);
  }
  return least === null ? null : least * 1000;
}

/** First sightings of pods under NoExecute taints they tolerate for a while, keyed by pod. */
export class EvictionTimers {
  readonly #sinceMs = new Map<string, number>();

  /**
   * The time at which the pod must be evicted (≤ nowMs: now), or null when it may stay.
   * The clock starts when the pod is first seen needing eviction and runs until it no
   * longer does; a limit that changes meanwhile (taints switching, tolerations edited)
   * counts from that same start, as upstream keeps a scheduled eviction's creation time.
   */
  deadline(podKey: string, tolerations: readonly Toleration[], taints: readonly NodeTaint[], nowMs: number): number | null {
    const limit = tolerationMs(tolerations, taints);
    if (limit === null) {
      this.#sinceMs.delete(podKey);
      return null;
    }
    let since = this.#sinceMs.get(podKey);
    if (since === undefined) {
      since = nowMs;
      this.#sinceMs.set(podKey, since);
    }
    return since + limit;
  }

  /** Forgets a pod (gone, or no longer on a tainted node). */
  forget(podKey: string): void {
    this.#sinceMs.delete(podKey);
  }

  /** Forgets every pod not in `keep`. */
  retain(keep: ReadonlySet<string>): void {
    for (const key of this.#sinceMs.keys()) if (!keep.has(key)) this.#sinceMs.delete(key);
  }

  get size(): number {
    return this.#sinceMs.size;
  }
}

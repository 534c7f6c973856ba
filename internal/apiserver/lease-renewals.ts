/**
 * Heartbeats without a disk write each: a node renews its Lease in kube-node-lease every
 * 10 s and the controller manager's leader its Lease in kube-system every 2 s; writing each
 * renewal to the datastore would wear out SD cards. An update of such a Lease that changes
 * nothing but spec.renewTime is kept in memory and served on every read; it reaches the
 * datastore only when the stored renewTime is older than the flush interval, so the disk
 * sees one write per lease every few minutes. After a server restart renewTimes can be that
 * much older: node health checks allow for it, and a stale leader lease has long expired.
 * Watchers of Leases see the stored writes, not every renewal.
 */
import { jsonEqual } from '../api/validation/field.ts';
import { isPlainObject, type KubeObject } from './objects.ts';

/** Namespaces whose Leases are heartbeats: nodes', and control-plane leaders'. */
const heartbeatNamespaces = new Set(['kube-node-lease', 'kube-system']);

export class LeaseRenewals {
  readonly #flushAfterMs: number;
  readonly #renewals = new Map<string, string>();
  readonly #active: () => boolean;

  /**
   * `active` says whether renewals may stay in this server's memory: only while it is the
   * only server. With several, a renewal must be written, or a client of another server
   * would see a stale holder and take over a Lease that is still held.
   */
  constructor(flushAfterMs = 5 * 60_000, active: () => boolean = () => true) {
    this.#flushAfterMs = flushAfterMs;
    this.#active = active;
  }

  /**
   * Whether `next` may stay in memory instead of being written: a heartbeat Lease whose only
   * change is spec.renewTime, with the stored renewTime still within the flush interval.
   */
  absorb(key: string, current: KubeObject, next: KubeObject): boolean {
    if (current.kind !== 'Lease' || !heartbeatNamespaces.has(current.metadata.namespace ?? '')) return false;
    if (!this.#active()) {
      this.#renewals.delete(key);
      return false;
    }
    const renewTime = specOf(next).renewTime;
    const stored = specOf(current).renewTime;
    if (typeof renewTime !== 'string' || typeof stored !== 'string') return false;
    if (!sameExceptRenewTime(current, next)) {
      this.#renewals.delete(key);
      return false;
    }
    if (Date.parse(renewTime) - Date.parse(stored) >= this.#flushAfterMs) {
      this.#renewals.delete(key);
      return false;
    }
    this.#renewals.set(key, renewTime);
    return true;
  }

  /** `object` with the latest renewal held in memory, if any is newer than the stored one. */
  overlay(key: string, object: KubeObject): KubeObject {
    const renewTime = this.#renewals.get(key);
    if (renewTime === undefined) return object;
    const spec = specOf(object);
    if (typeof spec.renewTime === 'string' && spec.renewTime >= renewTime) {
      this.#renewals.delete(key);
      return object;
    }
    return { ...object, spec: { ...spec, renewTime } };
  }

  forget(key: string): void {
    this.#renewals.delete(key);
  }
}

function specOf(object: KubeObject): Record<string, unknown> {
  return isPlainObject(object.spec) ? object.spec : {};
}

/** Equal apart from spec.renewTime and the bookkeeping the server changes on every write. */
function sameExceptRenewTime(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject): object => {
    const { resourceVersion: _rv, managedFields: _mf, generation: _g, ...metadata } = o.metadata;
    const { renewTime: _rt, ...spec } = specOf(o);
    return { ...o, metadata, spec };
  };
  return jsonEqual(strip(a), strip(b));
}

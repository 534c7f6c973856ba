/**
 * When an Event expires. Upstream the datastore drops an Event one hour after its last
 * write (each write renews its lease); here the time of the last occurrence the Event
 * records stands in for that write: the latest of lastTimestamp, eventTime,
 * series.lastObservedTime and metadata.creationTimestamp.
 */
import { isPlainObject, type KubeObject } from '../../apiserver/objects.ts';

/** How long an Event lives after its last occurrence, as kube-apiserver's --event-ttl default. */
export const defaultEventTtlMs = 60 * 60_000;

/** The latest time the Event says it happened or was written, in ms (undefined when it names none). */
export function eventLastSeenMs(event: KubeObject): number | undefined {
  const series = isPlainObject(event.series) ? event.series : {};
  const candidates = [event.lastTimestamp, event.eventTime, series.lastObservedTime, event.metadata.creationTimestamp];
  let latest: number | undefined;
  for (const value of candidates) {
    if (typeof value !== 'string' || value === '') continue;
    const ms = Date.parse(value);
    if (Number.isNaN(ms)) continue;
    latest = latest === undefined ? ms : Math.max(latest, ms);
  }
  return latest;
}

/** Whether the Event's last occurrence is more than `ttlMs` before `nowMs`. */
export function eventExpired(event: KubeObject, nowMs: number, ttlMs: number = defaultEventTtlMs): boolean {
  const last = eventLastSeenMs(event);
  return last !== undefined && last + ttlMs < nowMs;
}

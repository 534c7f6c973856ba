/**
 * Deletes Events an hour after their last occurrence (event-expiry.ts), as the datastore
 * TTL of kube-apiserver does. One paged list of every Event every few minutes finds them;
 * core/v1 and events.k8s.io/v1 Events share storage, so the core list covers both. A
 * delete is conditional on the resourceVersion listed, so an Event that recurred meanwhile
 * (and so was just written) is kept.
 */
import { ApiStatusError, realClock, sleep, type ApiClient, type Clock } from '../../client/index.ts';
import type { Logger } from '../../util/log.ts';
import { defaultEventTtlMs, eventExpired } from './event-expiry.ts';

export interface EventTtlOptions {
  api: ApiClient;
  log: Logger;
  clock?: Clock;
  /** Default one hour. */
  ttlMs?: number;
  /** Pause between sweeps (default 5 minutes). */
  intervalMs?: number;
  /** Events per list page (default 500). */
  pageSize?: number;
}

/** One sweep: lists every Event in pages and deletes the expired ones; returns how many went. */
export async function sweepExpiredEvents(options: EventTtlOptions, signal?: AbortSignal): Promise<number> {
  const events = options.api.resource('Event', 'v1');
  const clock = options.clock ?? realClock;
  const ttl = options.ttlMs ?? defaultEventTtlMs;
  let deleted = 0;
  let token: string | undefined;
  do {
    const page = await events.list(null, { limit: options.pageSize ?? 500, continue: token, signal });
    const now = clock.now();
    for (const event of page.items) {
      if (!eventExpired(event, now, ttl)) continue;
      try {
        await events.delete(event.metadata.namespace ?? null, event.metadata.name ?? '', { preconditions: { resourceVersion: event.metadata.resourceVersion }, signal });
        deleted++;
      } catch (error) {
        // Gone already, or written since the list: either way not ours to delete now.
        if (!(error instanceof ApiStatusError && (error.code === 404 || error.code === 409))) throw error;
      }
    }
    token = page.metadata.continue || undefined;
  } while (token !== undefined && !signal?.aborted);
  return deleted;
}

/** Sweeps at once and then every interval until `signal` aborts; a failed sweep is retried next time. */
export async function runEventTtlController(options: EventTtlOptions, signal: AbortSignal): Promise<void> {
  const clock = options.clock ?? realClock;
  options.log.info('event TTL controller started', { ttlMs: options.ttlMs ?? defaultEventTtlMs });
  do {
    try {
      const deleted = await sweepExpiredEvents(options, signal);
      if (deleted > 0) options.log.info('expired events deleted', { count: deleted });
    } catch (error) {
      if (signal.aborted) return;
      options.log.warn('expired events not swept; will retry', { error });
    }
  } while (await sleep(clock, options.intervalMs ?? 5 * 60_000, signal));
}

/**
 * The worker loop every controller runs: take a key, sync it, forget its backoff on
 * success, requeue it rate-limited on failure (dropping it after `maxRetries`, when set,
 * until something about it changes), and stop once the queue shuts down.
 */
import { ApiStatusError, type WorkQueue } from '../client/index.ts';
import type { Logger } from '../util/log.ts';

export interface WorkerOptions {
  queue: WorkQueue<string>;
  workers: number;
  sync: (key: string) => Promise<void>;
  log: Logger;
  /** Failed syncs after which a key is dropped (default: never dropped). */
  maxRetries?: number;
}

/** Runs `workers` loops until the queue shuts down; resolves when all have returned. */
export async function runWorkers(options: WorkerOptions): Promise<void> {
  const { queue, sync, log } = options;
  const worker = async (): Promise<void> => {
    for (let key = await queue.get(); key !== undefined; key = await queue.get()) {
      try {
        await sync(key);
        queue.forget(key);
      } catch (error) {
        if (queue.shuttingDown) continue;
        if (options.maxRetries !== undefined && queue.numRequeues(key) >= options.maxRetries) {
          log.warn('dropping key after repeated failures', { key, error });
          queue.forget(key);
        } else {
          // A conflict or a vanished object only means the cache was behind: the retry sees the news.
          if (error instanceof ApiStatusError && (error.code === 409 || error.code === 404)) log.debug('sync raced a change; will retry', { key, error });
          else log.warn('sync failed; will retry', { key, error });
          queue.addRateLimited(key);
        }
      } finally {
        queue.done(key);
      }
    }
  };
  await Promise.all(Array.from({ length: options.workers }, () => worker()));
}

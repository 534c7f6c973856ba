/**
 * Delivers pod statuses to the API server the way the kubelet's status manager does: only
 * the newest status of each pod is kept, writes go out one at a time, and a failed write
 * stays pending and is retried with a capped back-off, so statuses that changed while the
 * server was away (restart counts, states) reach it soon after it answers again. Memory is
 * one entry per pod, whatever the length of the outage.
 */
import { realClock, sleep, type Clock } from '../../client/clock.ts';
import type { KubeObject } from '../../apiserver/objects.ts';
import type { Logger } from '../../util/log.ts';
import type { PodStatus } from './types.ts';

/** Writes one status; resolves 'gone' when the pod no longer exists (nothing to retry). */
export type StatusWriter = (pod: KubeObject, status: PodStatus, signal: AbortSignal) => Promise<'written' | 'gone'>;

export interface StatusManagerOptions {
  write: StatusWriter;
  clock?: Clock;
  log?: Logger;
  /** First retry delay after a failed write (default 1000 ms), doubling up to maxRetryMs. */
  initialRetryMs?: number;
  /** Longest retry delay (default 10 000 ms). */
  maxRetryMs?: number;
  /** How long one write may take (default 15 000 ms). */
  writeTimeoutMs?: number;
}

interface Entry {
  pod: KubeObject;
  status: PodStatus;
  version: number;
}

export class StatusManager {
  readonly #options: StatusManagerOptions;
  readonly #clock: Clock;
  readonly #pending = new Map<string, Entry>();
  #version = 0;
  #failures = 0;
  #retryAtMs = 0;
  #wake: (() => void) | undefined;

  constructor(options: StatusManagerOptions) {
    this.#options = options;
    this.#clock = options.clock ?? realClock;
  }

  /** Pods whose newest status has not been written yet. */
  get pending(): number {
    return this.#pending.size;
  }

  /** Makes `status` the one to write for the pod, replacing any not yet written. */
  set(pod: KubeObject, status: PodStatus): void {
    const uid = pod.metadata.uid ?? '';
    this.#pending.set(uid, { pod, status, version: ++this.#version });
    this.#wake?.();
  }

  /** Drops what is pending for a pod that is gone. */
  forget(uid: string): void {
    this.#pending.delete(uid);
  }

  /** Writes pending statuses until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const wait = this.#retryAtMs - this.#clock.now();
      if (wait > 0) {
        await sleep(this.#clock, wait, signal);
        continue;
      }
      const next = this.#pending.entries().next();
      if (next.done) {
        let onAbort = (): void => undefined;
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
          onAbort = resolve;
          signal.addEventListener('abort', onAbort, { once: true });
        });
        // Idle waits happen for every status change: leave no listener behind on the signal.
        signal.removeEventListener('abort', onAbort);
        this.#wake = undefined;
        continue;
      }
      const [uid, entry] = next.value;
      // Round-robin: the entry goes to the back while it is written.
      this.#pending.delete(uid);
      this.#pending.set(uid, entry);
      await this.#writeOne(uid, entry, signal);
    }
  }

  async #writeOne(uid: string, entry: Entry, signal: AbortSignal): Promise<void> {
    const timeout = AbortSignal.any([signal, AbortSignal.timeout(this.#options.writeTimeoutMs ?? 15_000)]);
    try {
      await this.#options.write(entry.pod, entry.status, timeout);
      if (this.#pending.get(uid)?.version === entry.version) this.#pending.delete(uid);
      if (this.#failures > 0) this.#options.log?.info('pod status updates resumed', { failedAttempts: this.#failures, pending: this.#pending.size });
      this.#failures = 0;
    } catch (error) {
      if (signal.aborted) return;
      // Only the first failure of a run is worth a line: the rest say the same until it ends.
      if (this.#failures === 0) this.#options.log?.warn('pod status update failed; retrying', { pod: `${entry.pod.metadata.namespace}/${entry.pod.metadata.name}`, error });
      this.#failures++;
      const initial = this.#options.initialRetryMs ?? 1000;
      const delay = Math.min(this.#options.maxRetryMs ?? 10_000, initial * 2 ** Math.min(this.#failures - 1, 20));
      this.#retryAtMs = this.#clock.now() + delay;
    }
  }
}

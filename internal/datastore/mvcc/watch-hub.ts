/**
 * The process's one log follower: after every commit it reads the new rows of the
 * revision log once and fans them out to every live watcher. A new watcher first
 * replays history from its start revision straight from the log, page by page and
 * only as fast as its reader takes them, then joins the live fan-out at exactly the
 * revision the follower has reached, so nothing is missed or delivered twice.
 *
 * Live delivery never waits for a reader: each watcher has a bounded queue, and one
 * that overflows is cut off with WatcherTooSlowError.
 */
import { ClosedError, WatcherTooSlowError } from '../errors.ts';
import { encodeKey } from '../keys.ts';
import { keyFilter, type KeyFilter, type RevLog } from '../revlog/revlog.ts';
import type { WatchEvent, WatchOptions, Watcher } from '../types.ts';

export interface WatchHubOptions {
  /** A watcher whose unread events exceed this count is cut off (default 10,000). */
  maxPendingEvents?: number;
  /** A watcher whose unread events exceed this many value bytes is cut off (default 64 MiB). */
  maxPendingBytes?: number;
  /** Rows read from the log at a time (default 1,000). */
  pageSize?: number;
}

export class WatchHub {
  readonly #log: RevLog;
  readonly #live = new Set<WatchStream>();
  readonly limits: Required<WatchHubOptions>;
  /** Every row up to this revision has been handed to the live watchers. */
  #delivered: number;
  #closed = false;

  constructor(log: RevLog, options: WatchHubOptions = {}) {
    this.#log = log;
    this.#delivered = log.head;
    this.limits = {
      maxPendingEvents: options.maxPendingEvents ?? 10_000,
      maxPendingBytes: options.maxPendingBytes ?? 64 * 1024 * 1024,
      pageSize: options.pageSize ?? 1000,
    };
  }

  get delivered(): number {
    return this.#delivered;
  }

  get log(): RevLog {
    return this.#log;
  }

  /** Reads rows committed since the last call and hands them to the live watchers. */
  notify(): void {
    if (this.#live.size === 0) {
      // Nobody to hand rows to; watchers that start later replay from the log.
      this.#delivered = this.#log.head;
      return;
    }
    while (!this.#closed && this.#delivered < this.#log.head) {
      const events = this.#log.readEvents(this.#delivered, this.#log.head, null, this.limits.pageSize);
      const last = events.at(-1);
      if (last === undefined) {
        this.#delivered = this.#log.head;
        break;
      }
      this.#delivered = last.kv.modRevision;
      const keys = events.map((event) => encodeKey(event.kv.key));
      for (const stream of this.#live) stream.offer(events, keys);
    }
  }

  watch(options: WatchOptions): Watcher {
    const stream = new WatchStream(this, keyFilter(options.key, options.prefix ?? false), options);
    if (this.#closed) stream.fail(new ClosedError());
    return stream;
  }

  attach(stream: WatchStream): void {
    this.#live.add(stream);
  }

  detach(stream: WatchStream): void {
    this.#live.delete(stream);
  }

  get watcherCount(): number {
    return this.#live.size;
  }

  close(): void {
    this.#closed = true;
    for (const stream of [...this.#live]) stream.fail(new ClosedError());
    this.#live.clear();
  }
}

class WatchStream implements Watcher {
  readonly #hub: WatchHub;
  readonly #filter: KeyFilter;
  readonly #queue: WatchEvent[][] = [];
  #pendingEvents = 0;
  #pendingBytes = 0;
  /** Next revision this watcher delivers. */
  #next: number;
  #state: 'replaying' | 'live' | 'ended' = 'replaying';
  #error: unknown = null;
  #wake: (() => void) | null = null;
  #drained: (() => void) | null = null;
  readonly #signal: AbortSignal | undefined;
  readonly #onAbort = (): void => this.cancel();

  constructor(hub: WatchHub, filter: KeyFilter, options: WatchOptions) {
    this.#hub = hub;
    this.#filter = filter;
    this.#signal = options.signal;
    const start = options.startRevision ?? 0;
    if (start <= 0 || start > hub.delivered) {
      this.#next = start <= 0 ? hub.delivered + 1 : start;
      this.#state = 'live';
      hub.attach(this);
    } else {
      this.#next = start;
      void this.#replay();
    }
    if (this.#signal?.aborted) this.cancel();
    else this.#signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** Replays history from the log until it reaches the live fan-out. */
  async #replay(): Promise<void> {
    const pageSize = this.#hub.limits.pageSize;
    while (this.#state === 'replaying') {
      if (this.#queue.length > 0) {
        // Pull-based: read the next page only once the reader has taken this one.
        await new Promise<void>((resolve) => {
          this.#drained = resolve;
        });
        continue;
      }
      const upTo = this.#hub.delivered;
      let events: WatchEvent[];
      try {
        events = this.#hub.log.readEvents(this.#next - 1, upTo, this.#filter, pageSize);
      } catch (error) {
        this.fail(error);
        return;
      }
      if (events.length > 0) this.#push(events);
      if (events.length < pageSize) {
        // Caught up with the follower: join live delivery in the same synchronous step.
        this.#next = upTo + 1;
        this.#state = 'live';
        this.#hub.attach(this);
        return;
      }
      const last = events.at(-1);
      if (last !== undefined) this.#next = last.kv.modRevision + 1;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /** Called by the hub with newly committed events (and their encoded keys). */
  offer(events: readonly WatchEvent[], keys: readonly Buffer[]): void {
    if (this.#state !== 'live') return;
    const selected: WatchEvent[] = [];
    for (let i = 0; i < events.length; i++) {
      const event = events[i];
      const key = keys[i];
      if (event === undefined || key === undefined || event.kv.modRevision < this.#next) continue;
      if (Buffer.compare(key, this.#filter.start) < 0) continue;
      if (this.#filter.end !== null && Buffer.compare(key, this.#filter.end) >= 0) continue;
      selected.push(event);
    }
    const last = selected.at(-1);
    if (last === undefined) return;
    this.#next = last.kv.modRevision + 1;
    this.#push(selected);
    const { maxPendingEvents, maxPendingBytes } = this.#hub.limits;
    if (this.#pendingEvents > maxPendingEvents || this.#pendingBytes > maxPendingBytes) {
      this.fail(new WatcherTooSlowError(this.#pendingEvents, this.#pendingBytes));
    }
  }

  #push(events: WatchEvent[]): void {
    this.#queue.push(events);
    this.#pendingEvents += events.length;
    this.#pendingBytes += batchBytes(events);
    this.#wakeReader();
  }

  /** Ends the stream with an error: the reader gets it after nothing (queued events are dropped). */
  fail(error: unknown): void {
    if (this.#state === 'ended') return;
    this.#error = error;
    this.#end();
  }

  cancel(): void {
    this.#end();
  }

  #end(): void {
    this.#state = 'ended';
    this.#queue.length = 0;
    this.#pendingEvents = 0;
    this.#pendingBytes = 0;
    this.#hub.detach(this);
    this.#signal?.removeEventListener('abort', this.#onAbort);
    this.#wakeReader();
    this.#signalDrained();
  }

  #signalDrained(): void {
    const drained = this.#drained;
    this.#drained = null;
    drained?.();
  }

  #wakeReader(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<WatchEvent[]> {
    try {
      while (true) {
        const batch = this.#queue.shift();
        if (batch !== undefined) {
          this.#pendingEvents -= batch.length;
          this.#pendingBytes -= batchBytes(batch);
          if (this.#queue.length === 0) this.#signalDrained();
          yield batch;
          continue;
        }
        if (this.#state === 'ended') {
          if (this.#error !== null) {
            const error = this.#error;
            this.#error = null;
            throw error;
          }
          return;
        }
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
        });
      }
    } finally {
      this.cancel();
    }
  }
}

function batchBytes(batch: readonly WatchEvent[]): number {
  let bytes = 0;
  for (const event of batch) bytes += event.kv.value.byteLength + (event.prevKv?.value.byteLength ?? 0);
  return bytes;
}

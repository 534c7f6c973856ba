/**
 * The outgoing queue to one peer. At most one batch is in flight, so a peer receives
 * messages in the order they were queued as long as nothing fails; whatever is queued
 * while a batch is in flight goes out together in the next one. A failed batch is
 * dropped, not retried: Raft retransmits what matters, and a retry would deliver stale
 * messages after newer ones. The queue is bounded and drops its oldest messages first,
 * since a peer that cannot keep up gains nothing from an ever older backlog.
 */
import { joinFrames } from './codec.ts';

export interface PeerSenderOptions {
  /** Posts one batch body; rejects when the peer did not take it. */
  post(body: Buffer, signal: AbortSignal): Promise<void>;
  /** A batch could not be delivered. */
  onFailure(error: unknown, messages: number): void;
  /** Messages dropped from the front of a full queue. */
  onDrop(messages: number): void;
  maxQueuedMessages: number;
  maxQueuedBytes: number;
  /** Largest batch body; a single larger message still goes alone. */
  maxBatchBytes: number;
  /** First wait after a failure before the next batch; doubles up to maxBackoffMs. */
  minBackoffMs: number;
  maxBackoffMs: number;
}

// Room for the batch marker at the front of every body.
const BATCH_OVERHEAD = 4;

/** One peer's queue of encoded frames and its single in-flight batch. */
export class PeerSender {
  readonly #options: PeerSenderOptions;
  #queue: Buffer[] = [];
  #queuedBytes = 0;
  #inFlight = false;
  #failures = 0;
  #backoff: NodeJS.Timeout | undefined;
  #abort = new AbortController();

  constructor(options: PeerSenderOptions) {
    this.#options = options;
  }

  /** Frames waiting to be sent (not counting the batch in flight). */
  get queued(): number {
    return this.#queue.length;
  }

  /** Queues frames (from encodeFrame) in order and starts a batch if none is in flight. */
  enqueue(frames: readonly Buffer[]): void {
    if (this.#abort.signal.aborted) return;
    for (const frame of frames) {
      this.#queue.push(frame);
      this.#queuedBytes += frame.byteLength;
    }
    this.#trim();
    this.#pump();
  }

  /** Drops the queue and abandons the batch in flight; nothing is reported afterwards. */
  stop(): void {
    this.#abort.abort();
    clearTimeout(this.#backoff);
    this.#queue = [];
    this.#queuedBytes = 0;
  }

  #trim(): void {
    const { maxQueuedMessages, maxQueuedBytes } = this.#options;
    let drop = 0;
    let bytes = this.#queuedBytes;
    while (this.#queue.length - drop > 1 && (this.#queue.length - drop > maxQueuedMessages || bytes > maxQueuedBytes)) {
      bytes -= this.#queue[drop]?.byteLength ?? 0;
      drop++;
    }
    if (drop === 0) return;
    this.#queue.splice(0, drop);
    this.#queuedBytes = bytes;
    this.#options.onDrop(drop);
  }

  #pump(): void {
    if (this.#inFlight || this.#backoff !== undefined || this.#queue.length === 0 || this.#abort.signal.aborted) return;
    const batch = this.#takeBatch();
    this.#inFlight = true;
    const signal = this.#abort.signal;
    this.#options.post(joinFrames(batch), signal).then(
      () => {
        this.#inFlight = false;
        this.#failures = 0;
        this.#pump();
      },
      (error: unknown) => {
        this.#inFlight = false;
        if (signal.aborted) return;
        this.#failures++;
        this.#options.onFailure(error, batch.length);
        const { minBackoffMs, maxBackoffMs } = this.#options;
        const delay = Math.min(maxBackoffMs, minBackoffMs * 2 ** Math.min(this.#failures - 1, 30));
        // Waiting keeps a down peer from being hammered at the rate Raft produces messages.
        this.#backoff = setTimeout(() => {
          this.#backoff = undefined;
          this.#pump();
        }, delay);
        this.#backoff.unref();
      },
    );
  }

  #takeBatch(): Buffer[] {
    let bytes = BATCH_OVERHEAD;
    let count = 0;
    for (const frame of this.#queue) {
      if (count > 0 && bytes + frame.byteLength > this.#options.maxBatchBytes) break;
      bytes += frame.byteLength;
      count++;
    }
    this.#queuedBytes -= bytes - BATCH_OVERHEAD;
    return this.#queue.splice(0, count);
  }
}

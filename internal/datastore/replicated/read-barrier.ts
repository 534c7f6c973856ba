/**
 * Linearizable reads by ReadIndex (Raft thesis §6.4), batched: every read that arrives
 * while one ReadIndex request is out waits for the next one, so a burst of reads costs
 * one heartbeat round. A read proceeds once this member has applied up to the index
 * the leader confirmed. A request that gets no answer (no leader, a lost message) is
 * asked again after `retryTicks`, and its readers fail after the deadline.
 */
import { UnavailableError } from '../errors.ts';

interface Reader {
  resolve: () => void;
  reject: (error: Error) => void;
  deadline: number;
}

export interface ReadBarrierHooks {
  /** Sends a ReadIndex request with this context (to Raft). */
  request(context: string): void;
  /** Index applied by this member so far. */
  applied(): number;
}

export class ReadBarrier {
  readonly #hooks: ReadBarrierHooks;
  readonly #timeoutTicks: number;
  readonly #retryTicks: number;
  #tick = 0;
  #sequence = 0;
  /** Readers waiting for the next request. */
  #queued: Reader[] = [];
  /** The request out, and when it was sent. */
  #outstanding: { context: string; sentAt: number; readers: Reader[] } | null = null;
  /** Confirmed requests whose index is not applied yet. */
  #confirmed: Array<{ index: number; readers: Reader[] }> = [];

  constructor(hooks: ReadBarrierHooks, options: { timeoutTicks: number; retryTicks: number }) {
    this.#hooks = hooks;
    this.#timeoutTicks = options.timeoutTicks;
    this.#retryTicks = options.retryTicks;
  }

  wait(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queued.push({ resolve, reject, deadline: this.#tick + this.#timeoutTicks });
      if (this.#outstanding === null) this.#send();
    });
  }

  /** Whether no read is waiting. */
  get idle(): boolean {
    return this.#queued.length === 0 && this.#outstanding === null && this.#confirmed.length === 0;
  }

  /** A ReadState came out of Raft. */
  confirmed(context: string, index: number): void {
    const out = this.#outstanding;
    if (out === null || out.context !== context) return;
    this.#outstanding = null;
    this.#confirmed.push({ index, readers: out.readers });
    this.applied();
    if (this.#queued.length > 0) this.#send();
  }

  /** The applied index moved: release the reads it satisfies. */
  applied(): void {
    if (this.#confirmed.length === 0) return;
    const applied = this.#hooks.applied();
    const ready = this.#confirmed.filter((batch) => batch.index <= applied);
    if (ready.length === 0) return;
    this.#confirmed = this.#confirmed.filter((batch) => batch.index > applied);
    for (const batch of ready) for (const reader of batch.readers) reader.resolve();
  }

  tick(): void {
    this.#tick += 1;
    const out = this.#outstanding;
    if (out === null) return;
    const late = (reader: Reader): boolean => reader.deadline <= this.#tick;
    const expired = out.readers.filter(late);
    if (expired.length > 0) {
      out.readers = out.readers.filter((reader) => !late(reader));
      for (const reader of expired) reader.reject(new UnavailableError('no leader confirmed a read in time'));
    }
    if (this.#tick - out.sentAt >= this.#retryTicks) {
      // Unanswered: fold its readers into a fresh request.
      this.#queued.unshift(...out.readers);
      this.#outstanding = null;
      if (this.#queued.length > 0) this.#send();
    }
  }

  /** Fails every waiting read. */
  failAll(error: Error): void {
    const readers = [...this.#queued, ...(this.#outstanding?.readers ?? []), ...this.#confirmed.flatMap((batch) => batch.readers)];
    this.#queued = [];
    this.#outstanding = null;
    this.#confirmed = [];
    for (const reader of readers) reader.reject(error);
  }

  #send(): void {
    const context = `read-${++this.#sequence}`;
    this.#outstanding = { context, sentAt: this.#tick, readers: this.#queued };
    this.#queued = [];
    this.#hooks.request(context);
  }
}

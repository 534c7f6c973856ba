/**
 * core/v1 Events from the node agent, correlated as client-go's recorder does for the kubelet:
 * an identical event (same object, type, reason and message) bumps the count and
 * lastTimestamp of the object already written instead of creating another; more than ten
 * differently worded events of one reason within ten minutes are combined into one; each
 * involved object gets a burst of 25 writes, then one more every five minutes. Writes go out
 * one at a time from a queue of bounded length; an event that cannot be written (queue full,
 * server unreachable) is dropped, never retried, so an outage costs neither memory nor a
 * backlog of stale events afterwards.
 */
import { ApiStatusError, realClock, type Clock } from '../client/index.ts';
import type { JsonObject, KubeObject } from '../apiserver/objects.ts';
import type { Logger } from '../util/log.ts';
import { EventCorrelator, type CorrelatedEvent } from './event-correlator.ts';

/** The object an event is about, as involvedObject names it. */
export interface EventObjectReference {
  kind: string;
  apiVersion: string;
  namespace?: string;
  name: string;
  uid?: string;
  resourceVersion?: string;
  /** e.g. spec.containers{web}, for an event about one container of a pod. */
  fieldPath?: string;
}

export interface EventInput {
  object: EventObjectReference;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

/** Where events are written; errors are ApiStatusError for answers, anything else for no answer. */
export interface EventSink {
  create(namespace: string, event: KubeObject, signal: AbortSignal): Promise<unknown>;
  patch(namespace: string, name: string, patch: JsonObject, signal: AbortSignal): Promise<unknown>;
}

export interface EventRecorderOptions {
  sink: EventSink;
  /** source.component and reportingComponent, e.g. "kubelet". */
  component: string;
  /** source.host and reportingInstance: the node name. */
  host: string;
  clock?: Clock;
  log?: Logger;
  /** Writes that may wait for the one in flight; more are dropped (default 100). */
  maxPending?: number;
  /** How long one write may take before it is abandoned (default 10 000 ms). */
  writeTimeoutMs?: number;
  /** Distinct events remembered for correlation (default 4096). */
  cacheSize?: number;
}

interface Write {
  event: CorrelatedEvent;
}

/** Records events without ever blocking or throwing; see the file comment for the rules. */
export class EventRecorder {
  readonly #options: EventRecorderOptions;
  readonly #clock: Clock;
  readonly #correlator: EventCorrelator;
  readonly #queue: Write[] = [];
  readonly #abort = new AbortController();
  #running: Promise<void> | undefined;
  #written = 0;
  #dropped = 0;
  #droppedSinceLog = 0;
  #lastDropLogMs = -Infinity;
  #sequence = 0;

  constructor(options: EventRecorderOptions) {
    this.#options = options;
    this.#clock = options.clock ?? realClock;
    this.#correlator = new EventCorrelator({ clock: this.#clock, cacheSize: options.cacheSize });
  }

  /** Counts of events written and dropped so far. */
  get stats(): { written: number; dropped: number; pending: number } {
    return { written: this.#written, dropped: this.#dropped, pending: this.#queue.length };
  }

  /** Queues the event (or a count bump of its twin); returns at once. */
  record(input: EventInput): void {
    if (this.#abort.signal.aborted) return;
    const event = this.#correlator.correlate(input, () => this.#name(input.object.name));
    if (event === undefined) return;
    if (this.#queue.length >= (this.#options.maxPending ?? 100)) {
      this.#drop(event, 'too many events are waiting to be written');
      return;
    }
    this.#queue.push({ event });
    this.#running ??= this.#drain().finally(() => (this.#running = undefined));
  }

  /** Resolves once every queued write has been made or dropped. */
  async flush(): Promise<void> {
    while (this.#running) await this.#running;
  }

  /** Drops what is queued and abandons the write in flight. */
  stop(): void {
    this.#abort.abort();
    this.#queue.length = 0;
  }

  async #drain(): Promise<void> {
    for (let write = this.#queue.shift(); write; write = this.#queue.shift()) {
      if (this.#abort.signal.aborted) return;
      await this.#write(write.event);
    }
  }

  async #write(event: CorrelatedEvent): Promise<void> {
    const { sink, component, host } = this.#options;
    const namespace = event.input.object.namespace || 'default';
    const timeout = AbortSignal.any([this.#abort.signal, AbortSignal.timeout(this.#options.writeTimeoutMs ?? 10_000)]);
    const time = timestamp(event.lastMs);
    try {
      if (event.count > 1) {
        try {
          await sink.patch(namespace, event.name, { count: event.count, lastTimestamp: time, message: event.message }, timeout);
          this.#written++;
          return;
        } catch (error) {
          // The earlier event expired or was never written: start a fresh one with the count so far.
          if (!(error instanceof ApiStatusError && error.code === 404)) throw error;
        }
      }
      const { object, type, reason } = event.input;
      await sink.create(namespace, {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: event.name, namespace },
        involvedObject: { ...object, namespace: object.namespace ?? '' } as unknown as JsonObject,
        reason,
        message: event.message,
        source: { component, host },
        firstTimestamp: timestamp(event.firstMs),
        lastTimestamp: time,
        count: event.count,
        type,
        eventTime: null,
        reportingComponent: component,
        reportingInstance: host,
      }, timeout);
      this.#written++;
    } catch (error) {
      // The correlator keeps counting: once the server answers again the next occurrence writes
      // the full count (to the same object, or to a fresh one when this create was lost).
      this.#drop(event, error instanceof Error ? error.message : String(error));
    }
  }

  #drop(event: CorrelatedEvent, why: string): void {
    this.#dropped++;
    this.#droppedSinceLog++;
    const now = this.#clock.now();
    // One line a minute at most, however many are dropped while the server is away.
    if (now - this.#lastDropLogMs < 60_000) return;
    this.#options.log?.warn('events dropped', { count: this.#droppedSinceLog, last: `${event.input.reason}: ${event.message}`, why });
    this.#lastDropLogMs = now;
    this.#droppedSinceLog = 0;
  }

  /** <object name>.<hex nanoseconds>, unique per recorder as the sequence breaks ties. */
  #name(objectName: string): string {
    const nanos = BigInt(Math.floor(this.#clock.now())) * 1_000_000n + BigInt(this.#sequence++ % 1_000_000);
    return `${objectName}.${nanos.toString(16)}`;
  }
}

function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

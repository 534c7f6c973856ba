/**
 * The pod lifecycle event generator: what tells pod workers that something happened to their
 * containers without each of them polling the runtime. Two sources feed the shared runtime
 * cache: one node-wide relist per period (a single cheap listing; only changed objects are
 * inspected), and the engine's event stream, which wakes the pod's worker as soon as one of its
 * containers starts, dies or is removed. The stream reconnects with back-off and every
 * reconnection is followed by a relist, as events in between are lost.
 */
import { sleep, type Clock, type TimerHandle } from '../../client/clock.ts';
import type { ContainerRuntime, RuntimeEvent } from '../runtime/types.ts';
import type { RuntimeCache } from './runtime-cache.ts';

export interface PlegOptions {
  runtime: ContainerRuntime;
  cache: RuntimeCache;
  clock: Clock;
  /** Time between node-wide relists. */
  relistMs: number;
  /** Labels every object of this kubelet carries. */
  scopeLabels: Record<string, string>;
  /** Told the uid of each pod whose sandboxes or containers changed. */
  onChange(uid: string): void;
  onError(error: unknown, context: string): void;
}

/** Longest wait before the event stream is opened again. */
const maxReconnectMs = 30_000;

export class Pleg {
  readonly #options: PlegOptions;
  #abort: AbortController | undefined;
  #timer: TimerHandle | undefined;
  /** The last relist failed: further failures are not reported again until one succeeds. */
  #failing = false;

  constructor(options: PlegOptions) {
    this.#options = options;
  }

  /** Starts relisting and following events; calling it again does nothing. */
  start(): void {
    if (this.#abort) return;
    this.#abort = new AbortController();
    this.#schedule();
    if (this.#options.runtime.events) void this.#follow(this.#abort.signal);
  }

  /** Stops both sources; a relist under way completes without waking anyone. */
  stop(): void {
    this.#abort?.abort();
    if (this.#timer) this.#options.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Relists now and wakes the pods that changed. */
  async relist(): Promise<void> {
    const { cache, onChange, onError } = this.#options;
    let changed: Set<string>;
    try {
      changed = await cache.relist();
    } catch (error) {
      if (!this.#failing) onError(error, 'relist of the node\'s containers');
      this.#failing = true;
      return;
    }
    this.#failing = false;
    if (this.#abort?.signal.aborted) return;
    for (const uid of changed) onChange(uid);
  }

  #schedule(): void {
    const signal = this.#abort?.signal;
    if (!signal || signal.aborted) return;
    this.#timer = this.#options.clock.setTimeout(() => {
      this.#timer = undefined;
      void this.relist().finally(() => this.#schedule());
    }, this.#options.relistMs);
  }

  async #follow(signal: AbortSignal): Promise<void> {
    const { runtime, clock, scopeLabels, onError } = this.#options;
    let failures = 0;
    while (!signal.aborted && runtime.events) {
      const opened = clock.now();
      let broke: unknown;
      try {
        for await (const event of runtime.events({ labels: scopeLabels }, signal)) void this.#handle(event);
      } catch (error) {
        broke = error;
      }
      if (signal.aborted) return;
      // A stream that stayed open a while was healthy: this is a new outage, reported once.
      const healthy = failures === 0 || clock.now() - opened >= maxReconnectMs;
      if (broke !== undefined && healthy) onError(broke, 'container event stream');
      failures = healthy ? 1 : failures + 1;
      if (!(await sleep(clock, Math.min(maxReconnectMs, 500 * 2 ** (failures - 1)), signal))) return;
      void this.relist();
    }
  }

  /** Reads the object the event is about unless the cache already shows that state. */
  async #handle(event: RuntimeEvent): Promise<void> {
    const { cache, onChange, onError } = this.#options;
    const held = cache.state(event.id);
    if (event.action === 'destroy') {
      if (held !== undefined) onChange(cache.forget(event.id) ?? event.podUid);
      return;
    }
    // A start the cache has not seen is a container being created by a worker, which records it.
    if (event.action === 'start' && (held === undefined || held === 'running' || held === 'ready')) return;
    if (event.action !== 'start' && (held === 'exited' || held === 'notready')) return;
    try {
      const after = event.type === 'sandbox' ? await cache.refreshSandbox(event.id) : await cache.refreshContainer(event.id);
      if (after?.state !== held && !this.#abort?.signal.aborted) onChange(event.podUid);
    } catch (error) {
      // The next relist reads it again.
      onError(error, `reading ${event.type} ${event.id} after its ${event.action} event`);
    }
  }
}

/**
 * The kubelet's Events about pods and their containers. Events of one-off steps (Created,
 * Started, Killing) go out as they happen; those a waiting container would repeat on every
 * resync (image missing, back-off, config errors) go out at most once per `repeatMs` while
 * identical, as the kubelet's own resync of failing pods paces them.
 */
import type { KubeObject } from '../../apiserver/objects.ts';
import type { Clock } from '../../client/clock.ts';
import { podSpec } from './pod-types.ts';
import type { KubeletEvent } from './types.ts';

export type EventType = KubeletEvent['type'];

/** Events about one container (or the pod, when made for no container). */
export interface EventSink {
  emit(type: EventType, reason: string, message: string): void;
  /** Like emit, but skipped while an identical one went out less than `repeatMs` ago. */
  repeat(type: EventType, reason: string, message: string): void;
}

/** Reports nothing: for callers without events. */
export const noEvents: EventSink = { emit: () => undefined, repeat: () => undefined };

export class PodEvents {
  readonly #emit: (event: KubeletEvent) => void;
  readonly #clock: Clock;
  readonly #repeatMs: number;
  readonly #last = new Map<string, number>();

  constructor(emit: (event: KubeletEvent) => void, clock: Clock, repeatMs = 10_000) {
    this.#emit = emit;
    this.#clock = clock;
    this.#repeatMs = repeatMs;
  }

  /** A sink for events about `container` of `pod`, or about the pod itself when omitted. */
  about(pod: KubeObject, container?: string): EventSink {
    const fieldPath = container === undefined ? undefined : containerFieldPath(pod, container);
    const emit = (type: EventType, reason: string, message: string) => this.#emit({ pod, ...(fieldPath ? { fieldPath } : {}), type, reason, message });
    return {
      emit,
      repeat: (type, reason, message) => {
        const key = [pod.metadata.uid ?? '', fieldPath ?? '', type, reason, message].join('\u0000');
        const now = this.#clock.now();
        const last = this.#last.get(key);
        if (last !== undefined && now - last < this.#repeatMs) return;
        this.#last.set(key, now);
        if (this.#last.size > 1000) this.#sweep(now);
        emit(type, reason, message);
      },
    };
  }

  /** Forgets the pacing of a pod that is gone. */
  forget(uid: string): void {
    for (const key of this.#last.keys()) if (key.startsWith(`${uid}\u0000`)) this.#last.delete(key);
  }

  #sweep(now: number): void {
    for (const [key, at] of this.#last) if (now - at >= this.#repeatMs) this.#last.delete(key);
  }
}

/** spec.initContainers{name} or spec.containers{name}, as involvedObject.fieldPath names a container. */
export function containerFieldPath(pod: KubeObject, name: string): string {
  const init = (podSpec(pod).initContainers ?? []).some((c) => c.name === name);
  return `spec.${init ? 'initContainers' : 'containers'}{${name}}`;
}

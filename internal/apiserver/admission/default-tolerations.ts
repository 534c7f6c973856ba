/**
 * kube-apiserver's DefaultTolerationSeconds admission with configurable seconds: a new
 * pod that does not itself tolerate the node.kubernetes.io/not-ready or /unreachable
 * NoExecute taint gets a toleration of it (pod defaulting adds them with 300 s); this
 * sets their tolerationSeconds to the server's --default-*-toleration-seconds.
 */
import type { ObjectLifecycle } from '../lifecycle.ts';
import { toleratedNoExecuteKeys } from '../../api/defaults/pod.ts';
import { isPlainObject } from '../objects.ts';

export interface DefaultTolerationSeconds {
  notReady: number;
  unreachable: number;
}

/** Upstream's default for both. */
export const defaultTolerationSeconds = 300;

const notReadyKey = 'node.kubernetes.io/not-ready';
const unreachableKey = 'node.kubernetes.io/unreachable';

/** `inner` with the seconds of the tolerations it adds to new pods changed to `seconds`. */
export function withDefaultTolerationSeconds(inner: ObjectLifecycle, seconds: DefaultTolerationSeconds): ObjectLifecycle {
  if (seconds.notReady === defaultTolerationSeconds && seconds.unreachable === defaultTolerationSeconds) return inner;
  const wanted: Record<string, number> = { [notReadyKey]: seconds.notReady, [unreachableKey]: seconds.unreachable };
  return {
    allocate: (object, previous, ctx) => inner.allocate(object, previous, ctx),
    release: (object, type) => inner.release(object, type),
    created: (object, type) => inner.created(object, type),
    async admit(object, previous, ctx) {
      const isNewPod = previous === null && ctx.type.kind === 'Pod' && ctx.type.group === '' && isPlainObject(object.spec);
      const given = isNewPod && isPlainObject(object.spec) ? toleratedNoExecuteKeys(Array.isArray(object.spec.tolerations) ? object.spec.tolerations : []) : new Set<string>();
      await inner.admit(object, previous, ctx);
      if (!isNewPod || !isPlainObject(object.spec) || !Array.isArray(object.spec.tolerations)) return;
      for (const t of object.spec.tolerations) {
        if (!isPlainObject(t) || typeof t.key !== 'string' || given.has(t.key)) continue;
        const value = wanted[t.key];
        if (value !== undefined && t.effect === 'NoExecute' && t.operator === 'Exists') t.tolerationSeconds = value;
      }
    },
  };
}

/** Which informer updates of a pod give the kubelet something to do. */
import type { KubeObject } from '../../apiserver/objects.ts';
import { jsonEqual } from '../../api/validation/field.ts';

/**
 * Whether `next` asks anything new of the kubelet compared with `previous`: its spec, labels,
 * annotations (both reach containers through the downward API) or deletion changed, or it is
 * another pod under the same name. An update that only carries a new status, as the agent's
 * own status writes do, or a new resourceVersion or managedFields, does not.
 */
export function podChanged(previous: KubeObject, next: KubeObject): boolean {
  const before = previous.metadata;
  const after = next.metadata;
  return before.uid !== after.uid
    || before.deletionTimestamp !== after.deletionTimestamp
    || before.deletionGracePeriodSeconds !== after.deletionGracePeriodSeconds
    || !jsonEqual(previous.spec ?? {}, next.spec ?? {})
    || !jsonEqual(before.labels ?? {}, after.labels ?? {})
    || !jsonEqual(before.annotations ?? {}, after.annotations ?? {});
}

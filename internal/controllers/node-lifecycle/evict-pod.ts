/** The taint eviction write: a pod marked DisruptionTarget, as upstream, then deleted. */
import type { KubeObject } from '../../apiserver/objects.ts';
import { ApiStatusError, type ResourceClient } from '../../client/index.ts';
import type { EventRecorder } from '../../agent/events.ts';
import { timestamp } from '../../api/meta.ts';

/** Marks the pod as disrupted and deletes it; a pod already gone is fine. */
export async function evictPod(podApi: ResourceClient, pod: KubeObject, events: EventRecorder, nowMs: number): Promise<void> {
  const namespace = pod.metadata.namespace ?? '';
  const name = pod.metadata.name ?? '';
  events.record({
    object: { kind: 'Pod', apiVersion: 'v1', namespace, name, uid: pod.metadata.uid },
    type: 'Normal',
    reason: 'TaintManagerEviction',
    message: `Marking for deletion Pod ${namespace}/${name}`,
  });
  try {
    const condition = { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint', lastTransitionTime: timestamp(nowMs) };
    await podApi.patch(namespace, name, { status: { conditions: [condition] } }, 'strategic', { fieldManager: 'taint-eviction-controller', subresource: 'status' });
    await podApi.delete(namespace, name, { preconditions: { uid: pod.metadata.uid } });
  } catch (error) {
    if (!isStatus(error, 404) && !isStatus(error, 409)) throw error;
  }
}

/** Whether the API answered `error` with this status code. */
export function isStatus(error: unknown, code: number): boolean {
  return error instanceof ApiStatusError && error.code === code;
}

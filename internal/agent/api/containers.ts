/**
 * Finding a pod's container on this node by the labels the runtime puts on it: the current
 * instance (newest restart) for logs and exec, or the one before it for `logs --previous`.
 */
import { ApiError, badRequest } from '../../apiserver/status.ts';
import { containerNameLabel, podNameLabel, podNamespaceLabel, podUidLabel } from '../runtime/labels.ts';
import type { ContainerRuntime, ContainerStatus } from '../runtime/types.ts';

export interface ContainerQuery {
  namespace: string;
  pod: string;
  /** When known, only this incarnation of the pod (a pod deleted and recreated under its name is another). */
  podUid?: string;
  container: string;
}

/**
 * The instances of one pod container, newest first; `scope` holds the labels that mark
 * this node's objects.
 */
export async function containerInstances(runtime: ContainerRuntime, scope: Record<string, string>, query: ContainerQuery): Promise<ContainerStatus[]> {
  const labels: Record<string, string> = {
    ...scope,
    [podNamespaceLabel]: query.namespace,
    [podNameLabel]: query.pod,
    [containerNameLabel]: query.container,
  };
  if (query.podUid) labels[podUidLabel] = query.podUid;
  const found = await runtime.listContainers({ labels });
  return found.sort((a, b) => b.restartCount - a.restartCount || b.createdAt.getTime() - a.createdAt.getTime());
}

/** The container whose logs are read: the current one, or with `previous` the one it replaced. */
export async function logContainer(runtime: ContainerRuntime, scope: Record<string, string>, query: ContainerQuery, previous: boolean): Promise<ContainerStatus> {
  const instances = await containerInstances(runtime, scope, query);
  const wanted = instances[previous ? 1 : 0];
  if (wanted !== undefined) return wanted;
  if (previous) throw badRequest(`previous terminated container "${query.container}" in pod "${query.pod}" not found`);
  throw badRequest(`container "${query.container}" in pod "${query.pod}" is waiting to start: it has not been created on this node yet`);
}

/** The current instance of the container, which must be running (exec, attach). */
export async function runningContainer(runtime: ContainerRuntime, scope: Record<string, string>, query: ContainerQuery): Promise<ContainerStatus> {
  const current = (await containerInstances(runtime, scope, query))[0];
  if (current === undefined) throw new ApiError(404, 'NotFound', `container not found ("${query.container}")`);
  if (current.state !== 'running') {
    throw badRequest(`cannot exec in a container that is not running: container "${query.container}" in pod "${query.pod}" is ${current.state}`);
  }
  return current;
}

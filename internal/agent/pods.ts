/**
 * The agent's pod loop: watch the pods bound to this node, hand each change to the
 * kubelet, report pod status, and remove a pod object once its containers have stopped
 * after a graceful delete. Runs until `signal` aborts; containers keep running after.
 */
import { ApiStatusError, Informer, type ApiClient } from '../client/index.ts';
import type { KubeObject } from '../apiserver/objects.ts';
import type { Logger } from '../util/log.ts';
import { Kubelet } from './kubelet/index.ts';
import type { ContainerRuntime } from './runtime/types.ts';

export interface PodLoopOptions {
  api: ApiClient;
  runtime: ContainerRuntime;
  nodeName: string;
  dataDir: string;
  /** This node's pod network (a Docker bridge network) and subnet. */
  network: { name: string; subnet: string; gateway: string };
  hostIP?: string;
  log: Logger;
  signal: AbortSignal;
}

export async function runPods(options: PodLoopOptions): Promise<void> {
  const { api, log, nodeName } = options;
  const pods = api.resource('Pod', 'v1');
  await options.runtime.ensureNetwork(options.network);
  const lookup = async (kind: 'Secret' | 'ConfigMap', namespace: string, name: string): Promise<KubeObject | null> => {
    try {
      return await api.resource(kind, 'v1').get(namespace, name);
    } catch (error) {
      if (error instanceof ApiStatusError && error.code === 404) return null;
      throw error;
    }
  };
  const kubelet = new Kubelet({
    runtime: options.runtime,
    nodeName,
    hostIP: options.hostIP,
    podNetwork: { name: options.network.name },
    dataDir: options.dataDir,
    lookup: { secret: (ns, name) => lookup('Secret', ns, name), configMap: (ns, name) => lookup('ConfigMap', ns, name) },
    onStatus: (pod, status) => {
      pods.patch(pod.metadata.namespace ?? null, pod.metadata.name ?? '', { status }, 'merge', { fieldManager: 'skiff-kubelet', subresource: 'status' }).catch((error: unknown) => {
        if (!(error instanceof ApiStatusError && error.code === 404)) log.warn('pod status update failed', { pod: `${pod.metadata.namespace}/${pod.metadata.name}`, error });
      });
    },
    scopeLabels: { 'io.skiff.node': nodeName },
    onError: (error, context) => log.warn('kubelet', { context, error }),
  });
  const sync = async (pod: KubeObject): Promise<void> => {
    try {
      await kubelet.syncPod(pod);
      // Containers stopped after a graceful delete: the node removes the object for good.
      if (pod.metadata.deletionTimestamp !== undefined) {
        await pods.delete(pod.metadata.namespace ?? null, pod.metadata.name ?? '', { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } }).catch((error: unknown) => {
          if (!(error instanceof ApiStatusError && (error.code === 404 || error.code === 409))) throw error;
        });
      }
    } catch (error) {
      log.warn('pod sync failed', { pod: `${pod.metadata.namespace}/${pod.metadata.name}`, error });
    }
  };
  await kubelet.adopt();
  const informer = new Informer(pods, { fieldSelector: `spec.nodeName=${nodeName}`, onError: (error) => log.debug('pod watch', { error }) });
  informer.addHandlers({
    onAdd: (pod) => void sync(pod),
    onUpdate: (_previous, pod) => void sync(pod),
    onDelete: (pod) => void kubelet.killPod(pod, 0).catch((error: unknown) => log.warn('pod kill failed', { error })),
  });
  const running = informer.run(options.signal);
  if (await informer.waitForSync(options.signal)) {
    await kubelet.wanted(informer.store.list().map((p) => p.metadata.uid ?? ''));
  }
  await running;
  kubelet.stop();
}

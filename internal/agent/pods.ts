/**
 * The agent's pod loop: watch the pods bound to this node, hand each change to the
 * kubelet, report pod status (retried until the server takes it), record the kubelet's
 * Events, remove a pod object once its containers have stopped after a graceful delete,
 * and clean up after pods that are gone. Runs until `signal` aborts; containers keep
 * running after.
 */
import { ApiStatusError, Informer, NAMESPACE_INDEX, type ApiClient } from '../client/index.ts';
import type { KubeObject } from '../apiserver/objects.ts';
import type { Logger } from '../util/log.ts';
import { EventRecorder } from './events.ts';
import { CachedLookup, Kubelet, podChanged, StatusManager, type KubeletEvent, type ObjectLookup } from './kubelet/index.ts';
import type { ContainerRuntime } from './runtime/types.ts';

export interface PodLoopOptions {
  api: ApiClient;
  runtime: ContainerRuntime;
  nodeName: string;
  dataDir: string;
  /** This node's pod network (a Docker bridge network) and subnet. */
  network: { name: string; subnet: string; gateway: string };
  hostIP?: string;
  /** The agent's Service cache, for containers' service variables (none without it). */
  services?: Informer;
  /** What ClusterFirst pods' resolv.conf names (KubeletOptions.clusterDns). */
  clusterDns?: { servers: string[]; domain: string };
  log: Logger;
  signal: AbortSignal;
}

/** Grace for the containers of a pod removed from the API while they still run (as the kubelet's minimum). */
const removedPodGraceSeconds = 2;

const isNotFound = (error: unknown): boolean => error instanceof ApiStatusError && error.code === 404;

export async function runPods(options: PodLoopOptions): Promise<void> {
  const { api, log, nodeName, signal } = options;
  const pods = api.resource('Pod', 'v1');
  const eventsApi = api.resource('Event', 'v1');
  await options.runtime.ensureNetwork(options.network);
  const objects = new CachedLookup({
    fetch: async (kind, namespace, name) => {
      try {
        return await api.resource(kind, 'v1').get(namespace, name, { signal: AbortSignal.timeout(10_000) });
      } catch (error) {
        if (isNotFound(error)) return null;
        throw error;
      }
    },
  });
  const services = options.services;
  const lookup: ObjectLookup = {
    secret: (namespace, name) => objects.secret(namespace, name),
    configMap: (namespace, name) => objects.configMap(namespace, name),
    ...(services === undefined ? {} : { services: (namespace: string) => (services.hasSynced() ? services.store.byIndex(NAMESPACE_INDEX, namespace) : null) }),
  };
  const statuses = new StatusManager({
    log,
    write: async (pod, status, writeSignal) => {
      try {
        await pods.patch(pod.metadata.namespace ?? null, pod.metadata.name ?? '', { status }, 'merge', { fieldManager: 'skiff-kubelet', subresource: 'status', signal: writeSignal });
        return 'written';
      } catch (error) {
        if (isNotFound(error)) return 'gone';
        throw error;
      }
    },
  });
  const events = new EventRecorder({
    component: 'kubelet',
    host: nodeName,
    log,
    sink: {
      create: (namespace, event, writeSignal) => eventsApi.create(namespace, event, { signal: writeSignal }),
      patch: (namespace, name, patch, writeSignal) => eventsApi.patch(namespace, name, patch, 'merge', { signal: writeSignal }),
    },
  });
  const recordEvent = ({ pod, fieldPath, type, reason, message }: KubeletEvent): void => {
    const { namespace, name = '', uid, resourceVersion } = pod.metadata;
    events.record({ object: { kind: 'Pod', apiVersion: 'v1', namespace, name, uid, resourceVersion, ...(fieldPath ? { fieldPath } : {}) }, type, reason, message });
  };
  const kubelet = new Kubelet({
    runtime: options.runtime,
    nodeName,
    hostIP: options.hostIP,
    podNetwork: { name: options.network.name },
    clusterDns: options.clusterDns,
    dataDir: options.dataDir,
    lookup,
    onStatus: (pod, status) => statuses.set(pod, status),
    onEvent: recordEvent,
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
  const remove = async (pod: KubeObject): Promise<void> => {
    try {
      await kubelet.removePod(pod, removedPodGraceSeconds);
    } catch (error) {
      log.warn('pod removal failed', { pod: `${pod.metadata.namespace}/${pod.metadata.name}`, error });
    }
    statuses.forget(pod.metadata.uid ?? '');
  };
  await kubelet.adopt();
  const writing = statuses.run(signal);
  const informer = new Informer(pods, { fieldSelector: `spec.nodeName=${nodeName}`, onError: (error) => log.debug('pod watch', { error }) });
  informer.addHandlers({
    onAdd: (pod) => void sync(pod),
    // The agent's own status writes come back as updates; only a changed spec, metadata or deletion needs a pass.
    onUpdate: (previous, pod) => void (podChanged(previous, pod) && sync(pod)),
    onDelete: (pod) => void remove(pod),
  });
  const running = informer.run(signal);
  if (await informer.waitForSync(signal)) {
    // Pods deleted while the agent was away: their containers, sandboxes and volumes go.
    await kubelet.wanted(informer.store.list().map((p) => p.metadata.uid ?? ''));
  }
  await running;
  await writing;
  events.stop();
  kubelet.stop();
}

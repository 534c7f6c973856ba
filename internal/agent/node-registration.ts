/**
 * This machine as a Kubernetes Node: registered on start (created, or its status
 * refreshed), its status reported when it changes and at least every 5 minutes, and a
 * Lease in kube-node-lease renewed every 10 s as the heartbeat.
 */
import { ApiStatusError, realClock, sleep, type ApiClient, type Clock } from '../client/index.ts';
import type { KubeObject } from '../apiserver/objects.ts';
import type { Logger } from '../util/log.ts';
import { hostFacts, nodeAddresses, nodeInfo, nodeResources } from './node-info.ts';

export const leaseDurationSeconds = 40;
export const leaseRenewIntervalMs = 10_000;
export const statusReportIntervalMs = 5 * 60_000;

export interface NodeOptions {
  nodeName: string;
  dataDir: string;
  /** Labels beyond the well-known ones, e.g. node-role.kubernetes.io/control-plane. */
  labels?: Record<string, string>;
  /** "docker://<version>", or "" when the runtime cannot be reached. */
  runtimeVersion: string;
  /** Why the node is not ready (e.g. the container runtime is down); undefined when ready. */
  notReadyReason?: { reason: string; message: string };
  kubeletVersion: string;
  nodeIp?: string;
  podCidr?: string;
  /** Port of the node's agent API (logs, exec, port-forward); default 10250. */
  kubeletPort?: number;
}

/** The Node object this machine reports. */
export function nodeObject(options: NodeOptions, now: Date): KubeObject {
  const time = now.toISOString().replace(/\.\d+Z$/, 'Z');
  const facts = hostFacts(options.dataDir);
  const { capacity, allocatable } = nodeResources(facts);
  const info = nodeInfo(options.runtimeVersion, options.kubeletVersion);
  const condition = (type: string, status: string, reason: string, message: string) => ({ type, status, reason, message, lastHeartbeatTime: time, lastTransitionTime: time });
  const notReady = options.notReadyReason;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: options.nodeName,
      labels: {
        'kubernetes.io/hostname': options.nodeName,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': info.architecture,
        'beta.kubernetes.io/os': 'linux',
        'beta.kubernetes.io/arch': info.architecture,
        ...options.labels,
      },
    },
    spec: options.podCidr === undefined ? {} : { podCIDR: options.podCidr, podCIDRs: [options.podCidr] },
    status: {
      capacity,
      allocatable,
      addresses: nodeAddresses(options.nodeIp),
      nodeInfo: { ...info },
      daemonEndpoints: { kubeletEndpoint: { Port: options.kubeletPort ?? 10250 } },
      conditions: [
        condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        notReady === undefined
          ? condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status')
          : condition('Ready', 'False', notReady.reason, notReady.message),
      ],
    },
  };
}

/** Creates the Node, or refreshes the status and labels of the one that exists. */
export async function registerNode(api: ApiClient, options: NodeOptions, now: Date): Promise<void> {
  const nodes = api.resource('Node', 'v1');
  const wanted = nodeObject(options, now);
  try {
    await nodes.create(null, wanted, { fieldManager: 'skiff-agent' });
  } catch (error) {
    if (!(error instanceof ApiStatusError && error.code === 409)) throw error;
    await nodes.patch(null, options.nodeName, { metadata: { labels: wanted.metadata.labels } }, 'merge', { fieldManager: 'skiff-agent' });
  }
  await reportStatus(api, options, now);
}

/** Writes the node's status (conditions keep their transition time while unchanged). */
export async function reportStatus(api: ApiClient, options: NodeOptions, now: Date): Promise<void> {
  const nodes = api.resource('Node', 'v1');
  const current = await nodes.get(null, options.nodeName);
  const status = nodeObject(options, now).status as { conditions: Array<Record<string, string>> };
  const previous = ((current.status as { conditions?: Array<Record<string, string>> } | undefined)?.conditions ?? []);
  for (const condition of status.conditions) {
    const before = previous.find((c) => c.type === condition.type);
    if (before !== undefined && before.status === condition.status && before.lastTransitionTime !== undefined) condition.lastTransitionTime = before.lastTransitionTime;
  }
  await nodes.patch(null, options.nodeName, { status }, 'merge', { fieldManager: 'skiff-agent', subresource: 'status' });
}

/** Renews the node's Lease every 10 s until `signal` aborts; failures are logged and retried. */
export async function runHeartbeat(api: ApiClient, nodeName: string, log: Logger, signal: AbortSignal, clock: Clock = realClock): Promise<void> {
  const leases = api.resource('Lease', 'coordination.k8s.io/v1');
  let failures = 0;
  while (!signal.aborted) {
    const renewTime = new Date(clock.now()).toISOString().replace('Z', '000Z');
    try {
      try {
        const current = await leases.get('kube-node-lease', nodeName);
        await leases.update('kube-node-lease', { ...current, spec: { ...(current.spec as object), holderIdentity: nodeName, leaseDurationSeconds, renewTime } }, { fieldManager: 'skiff-agent' });
      } catch (error) {
        if (!(error instanceof ApiStatusError && error.code === 404)) throw error;
        await leases.create('kube-node-lease', {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name: nodeName },
          spec: { holderIdentity: nodeName, leaseDurationSeconds, renewTime },
        }, { fieldManager: 'skiff-agent' });
      }
      if (failures > 0) log.info('node lease renewal resumed', { failedAttempts: failures });
      failures = 0;
    } catch (error) {
      // The server may be down: the node keeps running its pods and tries again next period.
      // A line when renewals start failing, then one a minute, however long the outage.
      if (failures % 6 === 0) log.warn('node lease renewal failed', { error, failedAttempts: failures + 1 });
      failures++;
    }
    await sleep(clock, leaseRenewIntervalMs, signal);
  }
}

/** What the kubelet is given, and the pod status shape it reports. */
import type { KubeObject } from '../../apiserver/objects.ts';
import type { Clock } from '../../client/clock.ts';
import type { ContainerRuntime, DnsConfig } from '../runtime/types.ts';
import type { Mounter } from './host-mounts.ts';

/** Reads the objects a pod refers to; null when the object does not exist. */
export interface ObjectLookup {
  secret(namespace: string, name: string): Promise<KubeObject | null>;
  configMap(namespace: string, name: string): Promise<KubeObject | null>;
  /**
   * The cached Services of a namespace, for containers' service variables; null while the
   * cache has not been filled once (containers then wait, as the kubelet's do). Without
   * this method containers get no service variables.
   */
  services?(namespace: string): readonly KubeObject[] | null;
}

/** Delays of the restart (and image pull) back-off. */
export interface BackoffTimings {
  /** First delay; default 10 000. */
  initialMs: number;
  /** Cap; default 300 000. */
  maxMs: number;
  /** A container that ran this long without crashing starts again from initialMs; default 600 000. */
  resetMs: number;
}

export interface KubeletOptions {
  runtime: ContainerRuntime;
  nodeName: string;
  /** The node's IP, reported as status.hostIP and usable in env. */
  hostIP?: string;
  /** Docker network the sandboxes join (from runtime.ensureNetwork). */
  podNetwork: { name: string };
  /** Agent data directory; pod volumes live under <dataDir>/agent/pods/<uid>/volumes. */
  dataDir: string;
  lookup: ObjectLookup;
  clock?: Clock;
  /** Called whenever a pod's status changed from the last one delivered for it. */
  onStatus(pod: KubeObject, status: PodStatus): void;
  /**
   * Cluster DNS for ClusterFirst pods: `servers` is what their resolv.conf names; default
   * 10.43.0.10 and cluster.local. The agent passes its node-local DNS server (the pod
   * network gateway) while no service proxy forwards 10.43.0.10 to it.
   */
  clusterDns?: { servers: string[]; domain: string };
  /** Host DNS for dnsPolicy Default; default: Docker's own (empty). */
  hostDns?: DnsConfig;
  /**
   * How often a pod is re-checked without other cause; default 10 000 ms. Changes of its
   * containers wake it at once (engine events) or at the next relist.
   */
  resyncMs?: number;
  /** How often the node's sandboxes and containers are listed (one listing for all pods); default 1000 ms. */
  relistMs?: number;
  /** CrashLoopBackOff timings. */
  restartBackoff?: Partial<BackoffTimings>;
  /** ImagePullBackOff timings. */
  pullBackoff?: Partial<BackoffTimings>;
  /**
   * Labels put on every sandbox and container this kubelet creates and required of those it
   * adopts or removes, so several kubelets can share one engine (nodes simulated on one host).
   */
  scopeLabels?: Record<string, string>;
  /**
   * Mounts the tmpfs of Secret, projected and medium: Memory emptyDir volumes and unmounts
   * them when the pod goes; default: mount(8) and umount(8) on the host (needs root).
   */
  mounter?: Mounter;
  /** Reports failures of background work the kubelet cannot hand to a caller. */
  onError?(error: unknown, context: string): void;
  /** Receives the Events users see in `kubectl describe pod` (Created, Started, BackOff, ...). */
  onEvent?(event: KubeletEvent): void;
}

/** Something the kubelet did or saw about a pod, shaped for a core/v1 Event. */
export interface KubeletEvent {
  pod: KubeObject;
  /** spec.containers{name} or spec.initContainers{name}; absent for the pod as a whole. */
  fieldPath?: string;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

export interface ContainerStateWaiting { reason: string; message?: string }
export interface ContainerStateRunning { startedAt: string }
export interface ContainerStateTerminated {
  exitCode: number;
  reason: string;
  message?: string;
  startedAt?: string;
  finishedAt?: string;
  containerID?: string;
}
export interface ContainerState {
  waiting?: ContainerStateWaiting;
  running?: ContainerStateRunning;
  terminated?: ContainerStateTerminated;
}

export interface ContainerStatusV1 {
  name: string;
  state: ContainerState;
  lastState: ContainerState;
  ready: boolean;
  restartCount: number;
  image: string;
  imageID: string;
  containerID?: string;
  started?: boolean;
}

export interface PodCondition {
  type: 'PodScheduled' | 'Initialized' | 'ContainersReady' | 'Ready';
  status: 'True' | 'False';
  lastProbeTime: null;
  lastTransitionTime: string;
  reason?: string;
  message?: string;
}

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed';

/** core/v1 PodStatus as the kubelet fills it. */
export interface PodStatus {
  phase: PodPhase;
  conditions: PodCondition[];
  hostIP?: string;
  hostIPs?: { ip: string }[];
  podIP?: string;
  podIPs?: { ip: string }[];
  startTime?: string;
  initContainerStatuses?: ContainerStatusV1[];
  containerStatuses: ContainerStatusV1[];
  message?: string;
  reason?: string;
}

/** RFC 3339 in whole seconds, as Kubernetes writes times. */
export function timestamp(ms: number | Date): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

/**
 * The container runtime as the kubelet sees it: pod sandboxes (the network/IPC home of a pod),
 * containers inside them, exec/logs streams, images and the node's pod network. Shaped after
 * CRI, smaller. Everything the runtime creates carries labels (see labels.ts) so a restarted
 * agent can find and adopt it. Failures are RuntimeErrors (errors.ts).
 */
import type { Readable, Writable } from 'node:stream';

/** DNS settings written into a pod's resolv.conf. */
export interface DnsConfig {
  servers: string[];
  searches: string[];
  options: string[];
}

export interface SandboxConfig {
  podUid: string;
  namespace: string;
  name: string;
  /** Sandbox attempt, bumped when a pod's sandbox is recreated; part of the container name. */
  attempt?: number;
  hostname: string;
  /** Network the sandbox joins (from ensureNetwork); unused with hostNetwork. */
  network: string;
  /** Fixed pod IP inside the network's subnet; the network's IPAM picks one when absent. */
  ip?: string;
  dns: DnsConfig;
  labels: Record<string, string>;
  hostNetwork: boolean;
}

export type SandboxState = 'ready' | 'notready';

export interface SandboxStatus {
  id: string;
  podUid: string;
  namespace: string;
  name: string;
  attempt: number;
  state: SandboxState;
  /** Pod IP; undefined with hostNetwork or when the sandbox is not running. */
  ip: string | undefined;
  createdAt: Date;
  labels: Record<string, string>;
}

/** A host path bind-mounted into a container. */
export interface Mount {
  hostPath: string;
  containerPath: string;
  readOnly: boolean;
}

export interface EnvVar {
  name: string;
  value: string;
}

export interface ContainerSpec {
  /** Container name within the pod. */
  name: string;
  image: string;
  /** Replaces the image's entrypoint when given. */
  command?: string[];
  /** Replaces the image's cmd when given. */
  args?: string[];
  env?: EnvVar[];
  workingDir?: string;
  mounts?: Mount[];
  user?: number;
  group?: number;
  supplementalGroups?: number[];
  privileged?: boolean;
  readOnlyRootfs?: boolean;
  capAdd?: string[];
  capDrop?: string[];
  /** Hard memory limit; swap is capped at the same value so exceeding it OOM-kills. */
  memoryLimitBytes?: number;
  /** CPU limit in billionths of a CPU (Kubernetes millicores × 10^6). */
  nanoCpus?: number;
  /** Join the sandbox's PID namespace (shareProcessNamespace). */
  sharePid?: boolean;
  labels?: Record<string, string>;
  tty?: boolean;
  stdin?: boolean;
  stdinOnce?: boolean;
  /** How many times this container has been restarted before; stored as a label. */
  restartCount?: number;
}

export type ContainerState = 'created' | 'running' | 'exited' | 'unknown';

export interface ContainerStatus {
  id: string;
  /** Container name within the pod. */
  name: string;
  sandboxId: string;
  podUid: string;
  namespace: string;
  podName: string;
  image: string;
  imageId: string;
  state: ContainerState;
  /** Exit code once exited, else undefined. */
  exitCode: number | undefined;
  startedAt: Date | undefined;
  finishedAt: Date | undefined;
  oomKilled: boolean;
  restartCount: number;
  /** Applied limits (0: none), to notice a spec whose resources changed. */
  memoryLimitBytes: number;
  nanoCpus: number;
  /** Runtime error message when the container failed to start, else empty. */
  message: string;
  createdAt: Date;
  labels: Record<string, string>;
}

/** Matches objects carrying every given label (AND). */
export interface ListFilter {
  labels?: Record<string, string>;
}

/** What a sandbox needs to be named by when creating a container in it. */
export type SandboxRef = Pick<SandboxStatus, 'id' | 'podUid' | 'namespace' | 'name'>;

/** What one engine listing tells about a sandbox or pod container, without inspecting it. */
export interface ListedObject {
  id: string;
  type: 'sandbox' | 'container';
  podUid: string;
  /** A sandbox is ready exactly when it is running. */
  state: ContainerState;
}

/** A lifecycle change of a sandbox or pod container as the engine reports it. */
export interface RuntimeEvent {
  id: string;
  type: 'sandbox' | 'container';
  podUid: string;
  /** Started, exited, killed by the OOM killer, or removed; other engine actions are not passed on. */
  action: 'start' | 'die' | 'oom' | 'destroy';
}

export interface ExecOptions {
  cmd: string[];
  tty?: boolean;
  stdin?: boolean;
  signal?: AbortSignal;
}

/** Resource use of one container, as cAdvisor reports it to the kubelet's summary. */
export interface ContainerUsage {
  time: Date;
  /** CPU time used since the container started, in nanoseconds. */
  cpuUsageNanoSeconds: number;
  memoryUsageBytes: number;
  /** Usage minus inactive file cache: what the OOM killer and evictions look at. */
  memoryWorkingSetBytes: number;
}

export interface AttachOptions {
  stdin?: boolean;
  signal?: AbortSignal;
}

/** A running exec: streams end when the process exits; stderr stays empty with a tty. */
export interface ExecSession {
  /** Present when started with stdin; ending it closes the process's stdin (with a tty: the session). */
  stdin: Writable | undefined;
  stdout: Readable;
  stderr: Readable;
  resize(cols: number, rows: number): Promise<void>;
  /** Resolves with the exit code once the process has exited. */
  exitCode(): Promise<number>;
}

export interface LogOptions {
  follow?: boolean;
  /** Only the last N lines. */
  tail?: number;
  since?: Date;
  timestamps?: boolean;
  signal?: AbortSignal;
}

export interface RegistryAuth {
  username?: string;
  password?: string;
  /** Registry host the credentials belong to, e.g. "registry.example:5000". */
  serverAddress?: string;
  identityToken?: string;
}

export interface ImageInfo {
  id: string;
  tags: string[];
  sizeBytes: number;
}

export interface NetworkConfig {
  name: string;
  /** CIDR, e.g. "10.42.0.0/24". */
  subnet: string;
  gateway: string;
}

/** What the kubelet needs from a container engine. */
export interface ContainerRuntime {
  /** Creates and starts the pod's sandbox; resolves with its id. Conflict if the same attempt exists. */
  createSandbox(config: SandboxConfig, signal?: AbortSignal): Promise<string>;
  /** Stops the sandbox; its containers lose their network. Idempotent. */
  stopSandbox(id: string): Promise<void>;
  /** Removes the sandbox and every container in it. Idempotent: an unknown id is not an error. */
  removeSandbox(id: string): Promise<void>;
  /** Current state and pod IP; NotFound for an unknown id. */
  sandboxStatus(id: string): Promise<SandboxStatus>;
  /** Sandboxes created by any runtime instance on this engine, running or not. */
  listSandboxes(filter?: ListFilter): Promise<SandboxStatus[]>;

  /**
   * Creates (not starts) a container sharing the sandbox's network and IPC namespaces. Given the
   * sandbox's status rather than its id, the runtime need not look the sandbox up. ImageNotFound
   * when the image is not present.
   */
  createContainer(sandbox: string | SandboxRef, spec: ContainerSpec, signal?: AbortSignal): Promise<string>;
  startContainer(id: string): Promise<void>;
  /** SIGTERM (or the image's stop signal), then SIGKILL after graceSeconds. Idempotent once stopped. */
  stopContainer(id: string, graceSeconds: number): Promise<void>;
  /** Removes a container, killing it if needed. Idempotent: an unknown id is not an error. */
  removeContainer(id: string): Promise<void>;
  /** Pod containers (not sandboxes), running and exited. */
  listContainers(filter?: ListFilter): Promise<ContainerStatus[]>;
  /** NotFound for an unknown id. */
  inspectContainer(id: string): Promise<ContainerStatus>;
  /** Sandboxes and pod containers matching the filter from one cheap engine call: ids, types, pods and states. */
  listObjects(filter?: ListFilter): Promise<ListedObject[]>;
  /**
   * Lifecycle events of the sandboxes and pod containers matching the filter, from now until
   * `signal` aborts. Ends or throws when the engine connection is lost; events until the caller
   * reconnects are lost, so it should list again after reconnecting.
   */
  events?(filter: ListFilter, signal: AbortSignal): AsyncIterable<RuntimeEvent>;

  /** Runs a command in a running container with attached streams. */
  exec(containerId: string, options: ExecOptions): Promise<ExecSession>;
  /**
   * Attaches to a running container's main process (its stdin only when the container was
   * created with stdin open); the exit code is the container's once it stops.
   */
  attach?(containerId: string, options: AttachOptions): Promise<ExecSession>;
  /** Current resource use of a running container. */
  containerUsage?(containerId: string): Promise<ContainerUsage>;
  /** Plain text of stdout and stderr interleaved; ends at the end of the log unless following. */
  logs(containerId: string, options?: LogOptions): Promise<Readable>;

  imagePresent(ref: string): Promise<boolean>;
  /** Pulls an image; PullFailed (fast) when the registry cannot be reached or refuses. */
  pullImage(ref: string, auth?: RegistryAuth, signal?: AbortSignal): Promise<void>;
  /** Loads a `docker save` tarball; resolves with the image references it contained. */
  importImageTar(path: string, signal?: AbortSignal): Promise<string[]>;
  listImages(): Promise<ImageInfo[]>;

  /** Creates the node's pod network, or checks an existing one has the same subnet (else Conflict). */
  ensureNetwork(config: NetworkConfig): Promise<string>;
  /** Removes a network by name. Idempotent. */
  removeNetwork(name: string): Promise<void>;
}

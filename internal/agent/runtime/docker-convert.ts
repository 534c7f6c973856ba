/** Translation between the runtime's types and Docker Engine API bodies. Pure. */
import type Docker from 'dockerode';
import { RuntimeError } from './errors.ts';
import {
  attemptLabel, containerNameLabel, intLabel, podNameLabel, podNamespaceLabel, podUidLabel,
  restartCountLabel, sandboxLabel, typeLabel, userLabels,
} from './labels.ts';
import type { ContainerSpec, ContainerState, ContainerStatus, ListedObject, SandboxConfig, SandboxRef, SandboxStatus } from './types.ts';

/** Docker reports this for "never". */
const zeroTime = '0001-01-01T00:00:00Z';

/** Create body for a sandbox container running `pauseImage` (with `pauseCommand` if given). */
export function sandboxCreateOptions(
  config: SandboxConfig,
  pauseImage: string,
  pauseCommand: string[] | undefined,
): Docker.ContainerCreateOptions {
  const attempt = config.attempt ?? 0;
  const labels = {
    ...userLabels(config.labels),
    [typeLabel]: 'sandbox',
    [podUidLabel]: config.podUid,
    [podNamespaceLabel]: config.namespace,
    [podNameLabel]: config.name,
    [attemptLabel]: String(attempt),
  };
  const hostConfig: Record<string, unknown> = {
    // Pod containers join this IPC namespace, which Docker only allows when it is shareable.
    IpcMode: 'shareable',
    NetworkMode: config.hostNetwork ? 'host' : config.network,
  };
  if (!config.hostNetwork) {
    hostConfig.Dns = config.dns.servers;
    hostConfig.DnsSearch = config.dns.searches;
    hostConfig.DnsOptions = config.dns.options;
  }
  const body: Docker.ContainerCreateOptions = {
    name: `skiff_POD_${config.name}_${config.namespace}_${config.podUid}_${attempt}`,
    Image: pauseImage,
    Labels: labels,
    HostConfig: hostConfig,
  };
  if (pauseCommand) body.Cmd = pauseCommand;
  if (!config.hostNetwork) {
    body.Hostname = config.hostname;
    body.NetworkingConfig = {
      EndpointsConfig: { [config.network]: config.ip ? { IPAMConfig: { IPv4Address: config.ip } } : {} },
    };
  }
  return body;
}

/** Create body for a pod container joined to the sandbox's network and IPC (and PID) namespaces. */
export function containerCreateOptions(sandbox: SandboxRef, spec: ContainerSpec): Docker.ContainerCreateOptions {
  const restartCount = spec.restartCount ?? 0;
  const labels = {
    ...userLabels(spec.labels),
    [typeLabel]: 'container',
    [podUidLabel]: sandbox.podUid,
    [podNamespaceLabel]: sandbox.namespace,
    [podNameLabel]: sandbox.name,
    [containerNameLabel]: spec.name,
    [sandboxLabel]: sandbox.id,
    [restartCountLabel]: String(restartCount),
  };
  const join = `container:${sandbox.id}`;
  const hostConfig: Record<string, unknown> = {
    NetworkMode: join,
    IpcMode: join,
    Mounts: (spec.mounts ?? []).map((m) => ({ Type: 'bind', Source: m.hostPath, Target: m.containerPath, ReadOnly: m.readOnly })),
    Privileged: spec.privileged ?? false,
    ReadonlyRootfs: spec.readOnlyRootfs ?? false,
    CapAdd: spec.capAdd ?? null,
    CapDrop: spec.capDrop ?? null,
    GroupAdd: (spec.supplementalGroups ?? []).map(String),
  };
  if (spec.sharePid) hostConfig.PidMode = join;
  if (spec.memoryLimitBytes !== undefined) {
    hostConfig.Memory = spec.memoryLimitBytes;
    hostConfig.MemorySwap = spec.memoryLimitBytes;
  }
  if (spec.nanoCpus !== undefined) hostConfig.NanoCpus = spec.nanoCpus;
  const body: Docker.ContainerCreateOptions = {
    name: `skiff_${spec.name}_${sandbox.name}_${sandbox.namespace}_${sandbox.podUid}_${restartCount}`,
    Image: spec.image,
    Env: (spec.env ?? []).map((e) => `${e.name}=${e.value}`),
    Labels: labels,
    Tty: spec.tty ?? false,
    OpenStdin: spec.stdin ?? false,
    StdinOnce: spec.stdinOnce ?? false,
    HostConfig: hostConfig,
  };
  // Like Kubernetes: a command replaces the entrypoint and drops the image's cmd; args replace cmd.
  if (spec.command) body.Entrypoint = spec.command;
  if (spec.args) body.Cmd = spec.args;
  if (spec.workingDir) body.WorkingDir = spec.workingDir;
  const user = userString(spec);
  if (user) body.User = user;
  return body;
}

function userString(spec: ContainerSpec): string | undefined {
  if (spec.user === undefined) {
    if (spec.group !== undefined) {
      throw new RuntimeError('InvalidArgument', `Cannot run container ${spec.name} as group ${spec.group} without a user`);
    }
    return undefined;
  }
  return spec.group === undefined ? String(spec.user) : `${spec.user}:${spec.group}`;
}

/** Sandbox status from an inspected sandbox container. */
export function toSandboxStatus(info: Docker.ContainerInspect): SandboxStatus {
  const labels = info.Config.Labels ?? {};
  const running = info.State.Running;
  const ip = Object.values(info.NetworkSettings.Networks ?? {}).map((n) => n.IPAddress).find(Boolean);
  return {
    id: info.Id,
    podUid: labels[podUidLabel] ?? '',
    namespace: labels[podNamespaceLabel] ?? '',
    name: labels[podNameLabel] ?? '',
    attempt: intLabel(labels, attemptLabel),
    state: running ? 'ready' : 'notready',
    ip: running ? ip : undefined,
    createdAt: new Date(info.Created),
    labels,
  };
}

/** Container status from an inspected pod container. */
export function toContainerStatus(info: Docker.ContainerInspect): ContainerStatus {
  const labels = info.Config.Labels ?? {};
  const state = containerState(info.State.Status);
  const finishedAt = time(info.State.FinishedAt);
  let startedAt = time(info.State.StartedAt);
  // Docker stamps StartedAt after the start call returns, so a process that exits at once can
  // look as if it finished before it started; nobody downstream expects that order.
  if (startedAt && finishedAt && finishedAt < startedAt && state === 'exited') startedAt = finishedAt;
  return {
    id: info.Id,
    name: labels[containerNameLabel] ?? '',
    sandboxId: labels[sandboxLabel] ?? '',
    podUid: labels[podUidLabel] ?? '',
    namespace: labels[podNamespaceLabel] ?? '',
    podName: labels[podNameLabel] ?? '',
    image: info.Config.Image,
    imageId: info.Image,
    state,
    exitCode: state === 'exited' ? info.State.ExitCode : undefined,
    startedAt,
    finishedAt,
    oomKilled: info.State.OOMKilled,
    restartCount: intLabel(labels, restartCountLabel),
    memoryLimitBytes: info.HostConfig.Memory,
    nanoCpus: info.HostConfig.NanoCpus,
    message: info.State.Error,
    createdAt: new Date(info.Created),
    labels,
  };
}

/** The listing entry of a sandbox or pod container; undefined for anything else the engine runs. */
export function toListedObject(summary: Docker.ContainerSummary): ListedObject | undefined {
  const labels = summary.Labels ?? {};
  const type = labels[typeLabel];
  if (type !== 'sandbox' && type !== 'container') return undefined;
  return { id: summary.Id, type, podUid: labels[podUidLabel] ?? '', state: containerState(summary.State) };
}

function containerState(status: string): ContainerState {
  switch (status) {
    case 'created':
      return 'created';
    case 'running':
    case 'paused':
    case 'restarting':
      return 'running';
    case 'exited':
    case 'dead':
      return 'exited';
    default:
      return 'unknown';
  }
}

function time(value: string): Date | undefined {
  return !value || value === zeroTime ? undefined : new Date(value);
}

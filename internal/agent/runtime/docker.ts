/** ContainerRuntime on a Docker daemon through its socket (dockerode). Holds no state of its own. */
import type { Readable } from 'node:stream';
import Docker from 'dockerode';
import { containerCreateOptions, sandboxCreateOptions, toContainerStatus, toListedObject, toSandboxStatus } from './docker-convert.ts';
import { engineEvents } from './docker-events.ts';
import { imagePresent, listImages, loadImageTar, pullImage } from './docker-images.ts';
import { ensureNetwork, removeNetwork } from './docker-network.ts';
import { attachContainer, containerLogs, startExec } from './docker-streams.ts';
import { RuntimeError, fromEngine } from './errors.ts';
import { labelFilters, sandboxLabel, typeLabel } from './labels.ts';
import type {
  AttachOptions, ContainerRuntime, ContainerUsage, ContainerSpec, ContainerStatus, ExecOptions, ExecSession, ImageInfo, ListFilter, ListedObject,
  LogOptions, NetworkConfig, RegistryAuth, RuntimeEvent, SandboxConfig, SandboxRef, SandboxStatus,
} from './types.ts';

export interface DockerRuntimeOptions {
  /** Default /var/run/docker.sock. */
  socketPath?: string;
  /** Image every sandbox runs; it must do nothing until killed. */
  pauseImage: string;
  /** Command for the pause image when its default is not a do-nothing loop. */
  pauseCommand?: string[];
  /** A pull that hears nothing from the registry for this long fails. Default 15 000. */
  pullStallTimeoutMs?: number;
}

/** Runs sandboxes and containers as Docker containers found again by their labels. */
export class DockerRuntime implements ContainerRuntime {
  readonly #docker: Docker;
  readonly #options: DockerRuntimeOptions;

  constructor(options: DockerRuntimeOptions) {
    this.#options = options;
    this.#docker = new Docker({ socketPath: options.socketPath ?? '/var/run/docker.sock' });
  }

  async createSandbox(config: SandboxConfig, signal?: AbortSignal): Promise<string> {
    const body = sandboxCreateOptions(config, this.#options.pauseImage, this.#options.pauseCommand);
    const what = `create the sandbox of pod ${config.namespace}/${config.name}`;
    let container: Docker.Container;
    try {
      container = await this.#docker.createContainer({ ...body, abortSignal: signal });
    } catch (error) {
      throw fromEngine(error, what);
    }
    try {
      await container.start({ abortSignal: signal });
    } catch (error) {
      // A sandbox that never ran is useless and its name would block the next attempt.
      await container.remove({ force: true }).catch(() => undefined);
      throw fromEngine(error, `start the sandbox of pod ${config.namespace}/${config.name}`);
    }
    return container.id;
  }

  async stopSandbox(id: string): Promise<void> {
    for (const c of await this.#list({ [sandboxLabel]: id }, 'container')) await this.stopContainer(c, 0);
    await this.stopContainer(id, 0);
  }

  async removeSandbox(id: string): Promise<void> {
    for (const c of await this.#list({ [sandboxLabel]: id }, 'container')) await this.removeContainer(c);
    await this.removeContainer(id);
  }

  async sandboxStatus(id: string): Promise<SandboxStatus> {
    const info = await this.#inspect(id, 'sandbox');
    return toSandboxStatus(info);
  }

  async listSandboxes(filter?: ListFilter): Promise<SandboxStatus[]> {
    const ids = await this.#list(filter?.labels ?? {}, 'sandbox');
    return (await this.#inspectAll(ids, 'sandbox')).map(toSandboxStatus);
  }

  async createContainer(sandboxOrId: string | SandboxRef, spec: ContainerSpec, signal?: AbortSignal): Promise<string> {
    const sandbox = typeof sandboxOrId === 'string' ? await this.sandboxStatus(sandboxOrId) : sandboxOrId;
    const body = containerCreateOptions(sandbox, spec);
    try {
      const container = await this.#docker.createContainer({ ...body, abortSignal: signal });
      return container.id;
    } catch (error) {
      throw fromEngine(error, `create container ${spec.name} of pod ${sandbox.namespace}/${sandbox.name}`);
    }
  }

  async startContainer(id: string): Promise<void> {
    try {
      await this.#docker.getContainer(id).start();
    } catch (error) {
      if (status(error) !== 304) throw fromEngine(error, `start container ${id}`);
    }
  }

  async stopContainer(id: string, graceSeconds: number): Promise<void> {
    try {
      await this.#docker.getContainer(id).stop({ t: Math.max(0, Math.ceil(graceSeconds)) });
    } catch (error) {
      if (status(error) !== 304) throw fromEngine(error, `stop container ${id}`);
    }
  }

  async removeContainer(id: string): Promise<void> {
    try {
      await this.#docker.getContainer(id).remove({ force: true, v: true });
    } catch (error) {
      const code = status(error);
      // 404: already gone; 409 here means a removal is already in progress.
      if (code !== 404 && code !== 409) throw fromEngine(error, `remove container ${id}`);
    }
  }

  async listContainers(filter?: ListFilter): Promise<ContainerStatus[]> {
    const ids = await this.#list(filter?.labels ?? {}, 'container');
    return (await this.#inspectAll(ids, 'container')).map(toContainerStatus);
  }

  async inspectContainer(id: string): Promise<ContainerStatus> {
    return toContainerStatus(await this.#inspect(id, 'container'));
  }

  async listObjects(filter?: ListFilter): Promise<ListedObject[]> {
    let found: Docker.ContainerSummary[];
    try {
      found = await this.#docker.listContainers({ all: true, filters: labelFilters(filter?.labels ?? {}, [typeLabel]) });
    } catch (error) {
      throw fromEngine(error, 'list sandboxes and containers');
    }
    return found.flatMap((summary) => toListedObject(summary) ?? []);
  }

  events(filter: ListFilter, signal: AbortSignal): AsyncIterable<RuntimeEvent> {
    return engineEvents(this.#docker, filter.labels ?? {}, signal);
  }

  exec(containerId: string, options: ExecOptions): Promise<ExecSession> {
    return startExec(this.#docker, containerId, options);
  }

  async containerUsage(containerId: string): Promise<ContainerUsage> {
    let stats: Docker.ContainerStats;
    try {
      // One sample without waiting for a second one to compute a rate.
      stats = await this.#docker.getContainer(containerId).stats({ stream: false, 'one-shot': true });
    } catch (error) {
      throw fromEngine(error, `read the resource use of container ${containerId}`);
    }
    const usage = stats.memory_stats?.usage ?? 0;
    // cgroup v2 reports inactive_file, v1 total_inactive_file.
    const inactive = stats.memory_stats?.stats?.inactive_file ?? stats.memory_stats?.stats?.total_inactive_file ?? 0;
    const read = new Date(stats.read);
    return {
      time: Number.isNaN(read.getTime()) || read.getTime() <= 0 ? new Date() : read,
      cpuUsageNanoSeconds: stats.cpu_stats?.cpu_usage?.total_usage ?? 0,
      memoryUsageBytes: usage,
      memoryWorkingSetBytes: Math.max(0, usage - inactive),
    };
  }

  attach(containerId: string, options: AttachOptions): Promise<ExecSession> {
    return attachContainer(this.#docker, containerId, options);
  }

  logs(containerId: string, options: LogOptions = {}): Promise<Readable> {
    return containerLogs(this.#docker, containerId, options);
  }

  imagePresent(ref: string): Promise<boolean> {
    return imagePresent(this.#docker, ref);
  }

  pullImage(ref: string, auth?: RegistryAuth, signal?: AbortSignal): Promise<void> {
    return pullImage(this.#docker, ref, auth, this.#options.pullStallTimeoutMs ?? 15_000, signal);
  }

  importImageTar(path: string, signal?: AbortSignal): Promise<string[]> {
    return loadImageTar(this.#docker, path, signal);
  }

  listImages(): Promise<ImageInfo[]> {
    return listImages(this.#docker);
  }

  ensureNetwork(config: NetworkConfig): Promise<string> {
    return ensureNetwork(this.#docker, config);
  }

  removeNetwork(name: string): Promise<void> {
    return removeNetwork(this.#docker, name);
  }

  /** Ids of skiff's containers of one type carrying every given label, running or not. */
  async #list(labels: Record<string, string>, type: 'sandbox' | 'container'): Promise<string[]> {
    try {
      const found = await this.#docker.listContainers({ all: true, filters: labelFilters({ ...labels, [typeLabel]: type }) });
      return found.map((c) => c.Id);
    } catch (error) {
      throw fromEngine(error, `list ${type}s`);
    }
  }

  async #inspect(id: string, type: 'sandbox' | 'container'): Promise<Docker.ContainerInspect> {
    let info: Docker.ContainerInspect;
    try {
      info = await this.#docker.getContainer(id).inspect();
    } catch (error) {
      throw fromEngine(error, `inspect ${type} ${id}`);
    }
    if (info.Config.Labels?.[typeLabel] !== type) {
      throw new RuntimeError('NotFound', `Cannot inspect ${type} ${id}: it is not a skiff ${type}`);
    }
    return info;
  }

  /** Inspects each id; one removed between listing and inspecting is left out. */
  async #inspectAll(ids: string[], type: 'sandbox' | 'container'): Promise<Docker.ContainerInspect[]> {
    const settled = await Promise.allSettled(ids.map((id) => this.#inspect(id, type)));
    return settled.flatMap((result) => {
      if (result.status === 'fulfilled') return [result.value];
      if (result.reason instanceof RuntimeError && result.reason.code === 'NotFound') return [];
      throw result.reason;
    });
  }
}

function status(error: unknown): number | undefined {
  return (error as { statusCode?: number }).statusCode;
}

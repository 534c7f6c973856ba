/**
 * An in-memory ContainerRuntime for the kubelet's decision tests: containers run until the
 * test ends them, exec answers from a test-set function, images are a set, pulls fail unless
 * allowed. Labels and restart counts behave as the Docker runtime's do.
 */
import { PassThrough, Readable } from 'node:stream';
import type { Clock } from '../../client/clock.ts';
import { RuntimeError } from '../runtime/errors.ts';
import type {
  ContainerRuntime, ContainerSpec, ContainerStatus, ExecOptions, ExecSession, ImageInfo, ListFilter, SandboxConfig, SandboxStatus,
} from '../runtime/types.ts';

export class FakeRuntime implements ContainerRuntime {
  readonly #clock: Clock;
  #next = 0;
  readonly sandboxes = new Map<string, SandboxStatus>();
  readonly containers = new Map<string, ContainerStatus & { spec: ContainerSpec }>();
  readonly images = new Set<string>();
  /** Every call, in order, as "verb:detail" (for asserting what the kubelet did). */
  readonly calls: string[] = [];
  pullSucceeds = false;
  /** Exit code of an exec in a container. */
  execResult: (containerId: string, cmd: string[]) => number = () => 0;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Ends a running container with `code`, as if its process exited. */
  exit(id: string, code: number, oomKilled = false): void {
    const c = this.#get(id);
    Object.assign(c, { state: 'exited', exitCode: code, oomKilled, finishedAt: new Date(this.#clock.now()) });
  }

  /** The newest instance of a pod's container. */
  latest(name: string): (ContainerStatus & { spec: ContainerSpec }) | undefined {
    return [...this.containers.values()].filter((c) => c.name === name).sort((a, b) => b.restartCount - a.restartCount)[0];
  }

  async createSandbox(config: SandboxConfig): Promise<string> {
    const id = `sb${++this.#next}`;
    this.calls.push(`createSandbox:${config.name}`);
    this.sandboxes.set(id, {
      id, podUid: config.podUid, namespace: config.namespace, name: config.name, attempt: config.attempt ?? 0,
      state: 'ready', ip: `10.42.0.${this.#next}`, createdAt: new Date(this.#clock.now()),
      labels: { ...config.labels, 'io.skiff.pod-uid': config.podUid },
    });
    return id;
  }

  async stopSandbox(id: string): Promise<void> {
    const sandbox = this.sandboxes.get(id);
    if (!sandbox) return;
    for (const c of this.containers.values()) if (c.sandboxId === id && c.state === 'running') this.exit(c.id, 137);
    Object.assign(sandbox, { state: 'notready', ip: undefined });
  }

  async removeSandbox(id: string): Promise<void> {
    for (const c of [...this.containers.values()]) if (c.sandboxId === id) this.containers.delete(c.id);
    this.sandboxes.delete(id);
  }

  async sandboxStatus(id: string): Promise<SandboxStatus> {
    const sandbox = this.sandboxes.get(id);
    if (!sandbox) throw new RuntimeError('NotFound', `Cannot inspect sandbox ${id}: no such sandbox`);
    return { ...sandbox };
  }

  async listSandboxes(filter?: ListFilter): Promise<SandboxStatus[]> {
    return [...this.sandboxes.values()].filter((s) => matches(s.labels, filter)).map((s) => ({ ...s }));
  }

  async createContainer(sandboxId: string, spec: ContainerSpec): Promise<string> {
    const sandbox = await this.sandboxStatus(sandboxId);
    if (!this.images.has(spec.image)) throw new RuntimeError('ImageNotFound', `Cannot create container ${spec.name}: no such image ${spec.image}`);
    const id = `c${++this.#next}`;
    this.calls.push(`createContainer:${spec.name}:${spec.restartCount ?? 0}`);
    this.containers.set(id, {
      id, name: spec.name, sandboxId, podUid: sandbox.podUid, namespace: sandbox.namespace, podName: sandbox.name,
      image: spec.image, imageId: `sha256:${spec.image.length}`, state: 'created', exitCode: undefined,
      startedAt: undefined, finishedAt: undefined, oomKilled: false, restartCount: spec.restartCount ?? 0,
      memoryLimitBytes: spec.memoryLimitBytes ?? 0, nanoCpus: spec.nanoCpus ?? 0, message: '',
      createdAt: new Date(this.#clock.now()), labels: { ...spec.labels, 'io.skiff.pod-uid': sandbox.podUid }, spec,
    });
    return id;
  }

  async startContainer(id: string): Promise<void> {
    Object.assign(this.#get(id), { state: 'running', startedAt: new Date(this.#clock.now()) });
  }

  async stopContainer(id: string, graceSeconds: number): Promise<void> {
    this.calls.push(`stopContainer:${this.#get(id).name}:${graceSeconds}`);
    if (this.#get(id).state === 'running') this.exit(id, 143);
  }

  async removeContainer(id: string): Promise<void> {
    this.calls.push(`removeContainer:${this.containers.get(id)?.name ?? id}`);
    this.containers.delete(id);
  }

  async listContainers(filter?: ListFilter): Promise<ContainerStatus[]> {
    return [...this.containers.values()].filter((c) => matches(c.labels, filter)).map((c) => ({ ...c }));
  }

  async inspectContainer(id: string): Promise<ContainerStatus> {
    return { ...this.#get(id) };
  }

  async exec(containerId: string, options: ExecOptions): Promise<ExecSession> {
    this.calls.push(`exec:${this.#get(containerId).name}:${options.cmd.join(' ')}`);
    const code = this.execResult(containerId, options.cmd);
    return {
      stdin: undefined, stdout: Readable.from([]), stderr: Readable.from([]),
      resize: async () => undefined, exitCode: async () => code,
    };
  }

  async logs(): Promise<Readable> {
    return new PassThrough().end();
  }

  async imagePresent(ref: string): Promise<boolean> {
    return this.images.has(ref);
  }

  async pullImage(ref: string): Promise<void> {
    this.calls.push(`pullImage:${ref}`);
    if (!this.pullSucceeds) throw new RuntimeError('PullFailed', `Cannot pull image ${ref}: registry unreachable`);
    this.images.add(ref);
  }

  async importImageTar(): Promise<string[]> {
    return [];
  }

  async listImages(): Promise<ImageInfo[]> {
    return [...this.images].map((id) => ({ id, tags: [id], sizeBytes: 0 }));
  }

  async ensureNetwork(): Promise<string> {
    return 'net';
  }

  async removeNetwork(): Promise<void> {}

  #get(id: string): ContainerStatus & { spec: ContainerSpec } {
    const c = this.containers.get(id);
    if (!c) throw new RuntimeError('NotFound', `Cannot inspect container ${id}: no such container`);
    return c;
  }
}

function matches(labels: Record<string, string>, filter: ListFilter | undefined): boolean {
  return Object.entries(filter?.labels ?? {}).every(([key, value]) => labels[key] === value);
}

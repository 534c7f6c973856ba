/**
 * An in-memory ContainerRuntime for the kubelet's decision tests: containers run until the
 * test ends them, exec answers from a test-set function, images are a set, pulls fail unless
 * allowed. Labels and restart counts behave as the Docker runtime's do, and lifecycle events
 * are streamed as Docker's are (unless constructed without them).
 */
import { PassThrough, Readable } from 'node:stream';
import type { Clock } from '../../client/clock.ts';
import { RuntimeError } from '../runtime/errors.ts';
import type {
  ContainerRuntime, ContainerSpec, ContainerStatus, ExecOptions, ExecSession, ImageInfo, ListedObject, ListFilter, RuntimeEvent,
  SandboxConfig, SandboxRef, SandboxStatus,
} from '../runtime/types.ts';

type Subscriber = { filter: ListFilter; push(event: RuntimeEvent): void; fail(error: Error): void };

export class FakeRuntime implements ContainerRuntime {
  readonly #clock: Clock;
  #next = 0;
  readonly sandboxes = new Map<string, SandboxStatus>();
  readonly containers = new Map<string, ContainerStatus & { spec: ContainerSpec }>();
  readonly images = new Set<string>();
  /** Every call, in order, as "verb:detail" (for asserting what the kubelet did). */
  readonly calls: string[] = [];
  /** How often each method that reads state (list, inspect, image checks) was called. */
  readonly reads = new Map<string, number>();
  pullSucceeds = false;
  /** Exit code of an exec in a container. */
  execResult: (containerId: string, cmd: string[]) => number = () => 0;
  readonly #subscribers = new Set<Subscriber>();
  /** Absent when constructed with `events: false`: a runtime without an event stream. */
  readonly events?: (filter: ListFilter, signal: AbortSignal) => AsyncIterable<RuntimeEvent>;

  constructor(clock: Clock, options: { events?: boolean } = {}) {
    this.#clock = clock;
    if (options.events !== false) this.events = (filter, signal) => this.#stream(filter, signal);
  }

  /** Ends a running container with `code`, as if its process exited. */
  exit(id: string, code: number, oomKilled = false): void {
    const c = this.#get(id);
    Object.assign(c, { state: 'exited', exitCode: code, oomKilled, finishedAt: new Date(this.#clock.now()) });
    if (oomKilled) this.#emit('container', c.id, c.podUid, c.labels, 'oom');
    this.#emit('container', c.id, c.podUid, c.labels, 'die');
  }

  /** Breaks every open event stream, as a restarted engine would. */
  breakEventStreams(): void {
    for (const subscriber of this.#subscribers) subscriber.fail(new RuntimeError('Unavailable', 'Cannot watch container events: connection reset'));
    this.#subscribers.clear();
  }

  /** Open event streams. */
  get eventStreams(): number {
    return this.#subscribers.size;
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
    this.#emit('sandbox', id, config.podUid, config.labels, 'start');
    return id;
  }

  async stopSandbox(id: string): Promise<void> {
    const sandbox = this.sandboxes.get(id);
    if (!sandbox) return;
    for (const c of this.containers.values()) if (c.sandboxId === id && c.state === 'running') this.exit(c.id, 137);
    if (sandbox.state === 'ready') this.#emit('sandbox', id, sandbox.podUid, sandbox.labels, 'die');
    Object.assign(sandbox, { state: 'notready', ip: undefined });
  }

  async removeSandbox(id: string): Promise<void> {
    for (const c of [...this.containers.values()]) if (c.sandboxId === id) await this.removeContainer(c.id);
    const sandbox = this.sandboxes.get(id);
    this.sandboxes.delete(id);
    if (sandbox) this.#emit('sandbox', id, sandbox.podUid, sandbox.labels, 'destroy');
  }

  async sandboxStatus(id: string): Promise<SandboxStatus> {
    this.#read('sandboxStatus');
    const sandbox = this.sandboxes.get(id);
    if (!sandbox) throw new RuntimeError('NotFound', `Cannot inspect sandbox ${id}: no such sandbox`);
    return { ...sandbox };
  }

  async listSandboxes(filter?: ListFilter): Promise<SandboxStatus[]> {
    this.#read('listSandboxes');
    return [...this.sandboxes.values()].filter((s) => matches(s.labels, filter)).map((s) => ({ ...s }));
  }

  async createContainer(sandboxOrId: string | SandboxRef, spec: ContainerSpec): Promise<string> {
    const sandbox = typeof sandboxOrId === 'string' ? await this.sandboxStatus(sandboxOrId) : sandboxOrId;
    const sandboxId = sandbox.id;
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
    const c = this.#get(id);
    Object.assign(c, { state: 'running', startedAt: new Date(this.#clock.now()) });
    this.#emit('container', id, c.podUid, c.labels, 'start');
  }

  async stopContainer(id: string, graceSeconds: number): Promise<void> {
    this.calls.push(`stopContainer:${this.#get(id).name}:${graceSeconds}`);
    if (this.#get(id).state === 'running') this.exit(id, 143);
  }

  async removeContainer(id: string): Promise<void> {
    const c = this.containers.get(id);
    this.calls.push(`removeContainer:${c?.name ?? id}`);
    this.containers.delete(id);
    if (c) this.#emit('container', id, c.podUid, c.labels, 'destroy');
  }

  async listContainers(filter?: ListFilter): Promise<ContainerStatus[]> {
    this.#read('listContainers');
    return [...this.containers.values()].filter((c) => matches(c.labels, filter)).map((c) => ({ ...c }));
  }

  async inspectContainer(id: string): Promise<ContainerStatus> {
    this.#read('inspectContainer');
    return { ...this.#get(id) };
  }

  async listObjects(filter?: ListFilter): Promise<ListedObject[]> {
    this.#read('listObjects');
    const sandboxes = [...this.sandboxes.values()].filter((s) => matches(s.labels, filter))
      .map((s): ListedObject => ({ id: s.id, type: 'sandbox', podUid: s.podUid, state: s.state === 'ready' ? 'running' : 'exited' }));
    const containers = [...this.containers.values()].filter((c) => matches(c.labels, filter))
      .map((c): ListedObject => ({ id: c.id, type: 'container', podUid: c.podUid, state: c.state }));
    return [...sandboxes, ...containers];
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
    this.#read('imagePresent');
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

  #read(method: string): void {
    this.reads.set(method, (this.reads.get(method) ?? 0) + 1);
  }

  #emit(type: RuntimeEvent['type'], id: string, podUid: string, labels: Record<string, string>, action: RuntimeEvent['action']): void {
    for (const subscriber of this.#subscribers) {
      if (matches(labels, subscriber.filter)) subscriber.push({ id, type, podUid, action });
    }
  }

  async *#stream(filter: ListFilter, signal: AbortSignal): AsyncGenerator<RuntimeEvent> {
    const queue: RuntimeEvent[] = [];
    let failure: Error | undefined;
    let wake = () => {};
    const subscriber: Subscriber = {
      filter,
      push: (event) => { queue.push(event); wake(); },
      fail: (error) => { failure = error; wake(); },
    };
    this.#subscribers.add(subscriber);
    const onAbort = () => wake();
    signal.addEventListener('abort', onAbort);
    try {
      for (;;) {
        const event = queue.shift();
        if (event) {
          yield event;
          continue;
        }
        if (signal.aborted) return;
        if (failure) throw failure;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      this.#subscribers.delete(subscriber);
    }
  }

  #get(id: string): ContainerStatus & { spec: ContainerSpec } {
    const c = this.containers.get(id);
    if (!c) throw new RuntimeError('NotFound', `Cannot inspect container ${id}: no such container`);
    return c;
  }
}

function matches(labels: Record<string, string>, filter: ListFilter | undefined): boolean {
  return Object.entries(filter?.labels ?? {}).every(([key, value]) => labels[key] === value);
}

/**
 * The node's sandboxes and pod containers as last seen, shared by every pod worker so that
 * none of them has to list the runtime itself. A relist costs one listing; only objects that
 * are new or whose state changed since are inspected. Pod workers write back what they did
 * (refresh after a create, start or stop; forget after a removal), so a pass never waits for
 * the next relist to see its own work.
 *
 * A relist leaves alone the objects of a pod whose worker is in a pass: the worker records what
 * it creates or stops itself, and the first relist after the pass reads what it did not.
 *
 * Reads and writes race (a relist may start before a worker's create and end after it), so
 * every write carries a sequence number taken when its read of the runtime began: a result
 * read earlier than the one held is dropped, and only a listing that began after an object was
 * written may drop that object for not listing it.
 */
import { isRuntimeError } from '../runtime/errors.ts';
import { podUidLabel } from '../runtime/labels.ts';
import type { ContainerRuntime, ContainerState, ContainerStatus, ListedObject, SandboxStatus } from '../runtime/types.ts';

interface Entry<T> {
  status: T;
  /** Sequence number of the read the status came from. */
  seq: number;
}

/** One pod's objects in the cache. */
export interface PodObjects {
  containers: ContainerStatus[];
  sandboxes: SandboxStatus[];
}

export class RuntimeCache {
  readonly #runtime: ContainerRuntime;
  readonly #scope: Record<string, string>;
  readonly #containers = new Map<string, Entry<ContainerStatus>>();
  readonly #sandboxes = new Map<string, Entry<SandboxStatus>>();
  /** Removed ids, with the sequence number of the removal: older reads must not bring them back. */
  readonly #removed = new Map<string, number>();
  #seq = 0;
  /** Sequence numbers of reads under way. */
  readonly #reading = new Set<number>();
  /** Pods with a worker pass under way, counted. */
  readonly #busy = new Map<string, number>();
  #synced = false;
  #relisting: Promise<Set<string>> | undefined;

  constructor(runtime: ContainerRuntime, scopeLabels: Record<string, string>) {
    this.#runtime = runtime;
    this.#scope = scopeLabels;
  }

  /** Whether a node-wide relist has completed (before that, the cache knows nothing). */
  get synced(): boolean {
    return this.#synced;
  }

  /**
   * Lists every object of the node once and inspects those new or changed; resolves with the
   * uids of pods whose objects changed. Concurrent calls share one relist.
   */
  relist(): Promise<Set<string>> {
    this.#relisting ??= this.#apply(this.#scope, undefined).finally(() => {
      this.#relisting = undefined;
    });
    return this.#relisting;
  }

  /**
   * Brings one pod's objects up to date with one listing. A pod the cache has never seen has
   * nothing in the runtime (everything is created through the cache's owner once it synced),
   * so it costs no call at all.
   */
  async refreshPod(uid: string): Promise<Set<string>> {
    if (!this.#synced) return this.relist();
    if (!this.has(uid)) return new Set();
    return this.#apply({ ...this.#scope, [podUidLabel]: uid }, uid);
  }

  /** Reads one container again (after starting or stopping it); a vanished one is forgotten. */
  refreshContainer(id: string): Promise<ContainerStatus | undefined> {
    return this.#refresh(this.#containers, id, () => this.#runtime.inspectContainer(id));
  }

  /** Reads one sandbox again (after creating or stopping it); a vanished one is forgotten. */
  refreshSandbox(id: string): Promise<SandboxStatus | undefined> {
    return this.#refresh(this.#sandboxes, id, () => this.#runtime.sandboxStatus(id));
  }

  /** Runs a worker's pass over the pod; meanwhile relists do not read the pod's objects. */
  async working<T>(uid: string, pass: () => Promise<T>): Promise<T> {
    this.#busy.set(uid, (this.#busy.get(uid) ?? 0) + 1);
    try {
      return await pass();
    } finally {
      const left = (this.#busy.get(uid) ?? 1) - 1;
      if (left > 0) this.#busy.set(uid, left);
      else this.#busy.delete(uid);
    }
  }

  /** Takes a status just read from the runtime (e.g. a new sandbox's). */
  putSandbox(status: SandboxStatus): void {
    this.#put(this.#sandboxes, status, ++this.#seq);
  }

  /** Forgets an object that was removed; returns its pod's uid when it was known. */
  forget(id: string): string | undefined {
    const uid = this.#containers.get(id)?.status.podUid ?? this.#sandboxes.get(id)?.status.podUid;
    this.#drop(id, ++this.#seq);
    return uid;
  }

  /** The state the cache holds for an object, if any. */
  state(id: string): ContainerState | 'ready' | 'notready' | undefined {
    return this.#containers.get(id)?.status.state ?? this.#sandboxes.get(id)?.status.state;
  }

  /** Whether the cache holds any object of the pod. */
  has(uid: string): boolean {
    for (const entry of this.#containers.values()) if (entry.status.podUid === uid) return true;
    for (const entry of this.#sandboxes.values()) if (entry.status.podUid === uid) return true;
    return false;
  }

  /** Copies of the pod's containers and sandboxes as last seen. */
  pod(uid: string): PodObjects {
    const containers: ContainerStatus[] = [];
    const sandboxes: SandboxStatus[] = [];
    for (const { status } of this.#containers.values()) if (status.podUid === uid) containers.push({ ...status });
    for (const { status } of this.#sandboxes.values()) if (status.podUid === uid) sandboxes.push({ ...status });
    return { containers, sandboxes };
  }

  /** Uids of every pod with an object on the node (empty uids left out). */
  uids(): Set<string> {
    const uids = new Set<string>();
    for (const { status } of [...this.#containers.values(), ...this.#sandboxes.values()]) if (status.podUid) uids.add(status.podUid);
    return uids;
  }

  /** Runs a read of the runtime under a new sequence number, known to be under way until it ends. */
  async #during<T>(read: (seq: number) => Promise<T>): Promise<T> {
    const seq = ++this.#seq;
    this.#reading.add(seq);
    try {
      return await read(seq);
    } finally {
      this.#reading.delete(seq);
    }
  }

  #refresh<T extends { id: string }>(map: Map<string, Entry<T>>, id: string, inspect: () => Promise<T>): Promise<T | undefined> {
    return this.#during(async (seq) => {
      try {
        return this.#put(map, await inspect(), seq)?.status;
      } catch (error) {
        if (!isRuntimeError(error, 'NotFound')) throw error;
        this.#drop(id, seq);
        return undefined;
      }
    });
  }

  #apply(labels: Record<string, string>, uid: string | undefined): Promise<Set<string>> {
    return this.#during((listedAt) => this.#applyListing(labels, uid, listedAt));
  }

  async #applyListing(labels: Record<string, string>, uid: string | undefined, listedAt: number): Promise<Set<string>> {
    const listed = await this.#runtime.listObjects({ labels });
    const changed = new Set<string>();
    const seen = new Set<string>();
    const reads: Promise<void>[] = [];
    for (const object of listed) {
      seen.add(object.id);
      if ((this.#removed.get(object.id) ?? -1) > listedAt) continue;
      if (uid === undefined && this.#busy.has(object.podUid)) continue;
      const held = object.type === 'sandbox' ? this.#sandboxes.get(object.id) : this.#containers.get(object.id);
      if (held && listedState(held.status) === object.state) continue;
      if (held && held.seq > listedAt) continue;
      reads.push(this.#read(object, changed));
    }
    await Promise.all(reads);
    for (const map of [this.#containers, this.#sandboxes] as Array<Map<string, Entry<{ podUid: string }>>>) {
      for (const [id, entry] of map) {
        if (seen.has(id) || entry.seq > listedAt || (uid !== undefined && entry.status.podUid !== uid)) continue;
        map.delete(id);
        changed.add(entry.status.podUid);
      }
    }
    // A removal older than every read under way can no longer be undone by a stale result.
    const oldest = Math.min(...this.#reading);
    for (const [id, seq] of this.#removed) if (seq < oldest) this.#removed.delete(id);
    if (uid === undefined) this.#synced = true;
    return changed;
  }

  async #read(object: ListedObject, changed: Set<string>): Promise<void> {
    const before = this.state(object.id);
    const after = object.type === 'sandbox' ? await this.refreshSandbox(object.id) : await this.refreshContainer(object.id);
    if (after?.state !== before) changed.add(object.podUid);
  }

  #put<T extends { id: string }>(map: Map<string, Entry<T>>, status: T, seq: number): Entry<T> | undefined {
    if ((this.#removed.get(status.id) ?? -1) > seq) return undefined;
    const held = map.get(status.id);
    if (held && held.seq > seq) return held;
    const entry = { status, seq };
    map.set(status.id, entry);
    return entry;
  }

  #drop(id: string, seq: number): void {
    for (const map of [this.#containers, this.#sandboxes] as Array<Map<string, Entry<unknown>>>) {
      const held = map.get(id);
      if (held && held.seq <= seq) map.delete(id);
    }
    this.#removed.set(id, seq);
  }
}

/** The state a listing would show for a held status. */
function listedState(status: ContainerStatus | SandboxStatus): ContainerState {
  if (status.state === 'ready') return 'running';
  if (status.state === 'notready') return 'exited';
  return status.state;
}
